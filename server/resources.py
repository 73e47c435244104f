"""Linked-data resources: ``/id/…`` (entities, events), ``/claim/…``, ``/graph/…``, ``/entities``.

Each IRI ``{BASE}x`` is served at ``/x`` on this host. A suffix (``.ttl .nt .rdf .jsonld
.html``) pins the format, otherwise ``Accept`` decides (``server.negotiation``); RDF is the
description of ``kg.describe``. The HTML page of an entity or event shows its names in every
language, every statement grouped by property with the texts that make it (source, quote,
names as written, passage, claim), the values of single-valued properties on which the texts
disagree side by side, the events it takes part in and what links to it, and embeds a
schema.org JSON-LD summary. ``?lang=en|kk|ru`` picks the language of names and labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from pyoxigraph import Literal, NamedNode, Quad, Store, Triple

from kg.describe import (
    ALT_LABEL,
    INCOMING_LIMIT,
    NAMES,
    PREF_LABEL,
    RDFS_LABEL,
    REIFIES,
    TYPE,
    Evidence,
    Term,
    choose_label,
    describe,
    describe_graph,
    evidence_by_triple,
    graph_quad_count,
    label_quads,
    labels_of,
    language_rank,
    local_path,
)
from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH
from kg.vocab import BASE, DCTERMS_NS, PREFIXES, RDFS_NS, SCHEMA_NS, graph_iri
from server.errors import ApiError
from server.negotiation import SUFFIXES, choose_format, html_response, rdf_response, split_suffix
from server.state import get_state

bp = Blueprint("resources", __name__)

LANGUAGES = ("en", "kk", "ru")
ENTITIES = NamedNode(graph_iri(ENTITIES_GRAPH))
ONTOLOGY = NamedNode(graph_iri(ONTOLOGY_GRAPH))
FUNCTIONAL = NamedNode("http://www.w3.org/2002/07/owl#FunctionalProperty")
SUBCLASS_OF = NamedNode(RDFS_NS + "subClassOf")
SUBPROPERTY_OF = NamedNode(RDFS_NS + "subPropertyOf")
DCTERMS_SOURCE = NamedNode(DCTERMS_NS + "source")
EVENT_PREFIX = BASE + "id/event/"
MAX_EVENTS = 100  # events whose roles an entity page spells out


@dataclass(frozen=True, slots=True)
class Link:
    """A term as shown: its text, where it links (if anywhere) and the text's language."""

    text: str
    href: str | None = None
    lang: str | None = None
    note: str | None = None  # a language tag or datatype shown beside a literal


@dataclass(slots=True)
class Value:
    link: Link
    evidence: list[dict[str, Any]] = field(default_factory=list)


class Namer:
    """Names and links for the terms of one page, in the page's language."""

    def __init__(self, store: Store, quads: list[Quad], lang: str, explicit: bool) -> None:
        self.store, self.lang, self.explicit = store, lang, explicit
        self.labels = labels_of(quads)

    def learn(self, terms: set[NamedNode]) -> None:
        """Fetch the labels of terms met after the description was read."""
        unknown = {t for t in terms if t not in self.labels}
        for iri, labels in labels_of(list(label_quads(self.store, unknown))).items():
            self.labels[iri] = labels

    def label(self, iri: NamedNode) -> Literal | None:
        return choose_label(self.labels.get(iri, []), self.lang)

    def href(self, iri: str) -> str:
        path = local_path(iri)
        if path and self.explicit and path.startswith(("/id/", "/claim/")):
            return f"{path}?lang={self.lang}"
        return path if path is not None else iri

    def name(self, iri: NamedNode) -> str:
        label = self.label(iri)
        if label is not None:
            return label.value
        if iri.value.startswith(EVENT_PREFIX):
            return self.event_name(iri)
        for prefix, ns in PREFIXES.items():
            if iri.value.startswith(ns) and len(iri.value) > len(ns):
                return f"{prefix}:{iri.value[len(ns):]}"
        return iri.value

    def event_name(self, event: NamedNode) -> str:
        """An event has no label: its class(es) and local id, ``Performance · 004-x``."""
        types = [q.object for q in self.store.quads_for_pattern(event, TYPE, None, None)
                 if isinstance(q.object, NamedNode)]
        self.learn(set(types))
        kinds = ", ".join(sorted(self.name(t) for t in types))
        return f"{kinds} · {event.value[len(EVENT_PREFIX):]}" if kinds else event.value

    def link(self, term: Term) -> Link:
        if isinstance(term, NamedNode):
            label = self.label(term)
            return Link(label.value if label else self.name(term), self.href(term.value),
                        label.language if label else None)
        if isinstance(term, Literal):
            note = term.language or (None if term.datatype.value.endswith("#string")
                                     else self.name(term.datatype))
            return Link(term.value, None, term.language, note)
        if isinstance(term, Triple):
            return Link(f"« {self.name_of(term.subject)} {self.name(term.predicate)} "
                        f"{self.name_of(term.object)} »")
        return Link(str(term))

    def name_of(self, term: Term) -> str:
        return self.link(term).text

    def evidence(self, item: Evidence) -> dict[str, Any]:
        source = NamedNode(item.source) if item.source else None
        passage = None
        if item.start is not None and item.end is not None:
            span = f"{item.start}-{item.end}"
            passage = f"/source/{item.source_id}?passage={span}#passage-{span}"
        return {"source_id": item.source_id, "source_href": local_path(item.source),
                "source_title": self.name(source) if source else "",
                "quote": item.quote, "subject_as_written": item.subject_as_written,
                "object_as_written": item.object_as_written, "passage_href": passage,
                "claim_id": item.claim.rsplit("/", 1)[-1], "claim_href": self.href(item.claim)}


def _language() -> tuple[str, bool]:
    lang = request.args.get("lang")
    if lang is None:
        return LANGUAGES[0], False
    if lang not in LANGUAGES:
        raise ApiError(400, f"unknown language {lang!r}; use ?lang=" + ", ?lang=".join(LANGUAGES))
    return lang, True


def _common(path: str, lang: str) -> dict[str, Any]:
    """Template variables every resource page has: canonical URL, language switch, formats."""
    return {
        "canonical": request.host_url.rstrip("/") + path, "page_lang": lang, "path": path,
        "languages": [(code, f"{path}?lang={code}", code == lang) for code in LANGUAGES],
        "formats": [("HTML", f"{path}.html")] + [(fmt.name, f"{path}.{suffix}")
                                                 for suffix, fmt in SUFFIXES.items()],
    }


def _valid(iri: str) -> bool:
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


def _described(iri: str, quads_of: Callable[[Store, str], list[Quad]] = describe
               ) -> list[Quad]:
    if not _valid(iri):
        raise ApiError(404, f"{iri!r} is not a valid IRI")
    quads: list[Quad] = quads_of(get_state().store, iri)
    if not quads:
        raise ApiError(404, f"<{iri}> is in no triple of dataset version "
                       f"{get_state().release().id}; every entity is listed at /entities")
    return quads


@bp.get("/id/<path:rest>")
def entity(rest: str) -> Response:
    stem, suffix = split_suffix(rest)
    path, iri = f"/id/{stem}", f"{BASE}id/{stem}"
    fmt = choose_format(suffix)
    lang, explicit = _language() if fmt is None else (LANGUAGES[0], False)
    quads = _described(iri)
    if fmt is not None:
        return rdf_response(quads, fmt, path)
    store = get_state().store
    namer = Namer(store, quads, lang, explicit)
    page = entity_page(store, NamedNode(iri), quads, namer)
    return html_response(render_template("entity.html", **page, **_common(path, lang)), path)


def entity_page(store: Store, node: NamedNode, quads: list[Quad], namer: Namer
                ) -> dict[str, Any]:
    """The template variables of an entity's or an event's page."""
    own = [q for q in quads if q.subject == node]
    types = list(dict.fromkeys(q.object for q in own if q.predicate == TYPE))
    namer.learn({t for t in types if isinstance(t, NamedNode)})
    evidence = evidence_by_triple(quads)
    groups: dict[NamedNode, dict[Term, Value]] = defaultdict(dict)
    for quad in own:
        if quad.predicate in NAMES or quad.predicate in (TYPE, REIFIES):
            continue
        values = groups[quad.predicate]
        if quad.object not in values:
            values[quad.object] = Value(namer.link(quad.object),
                                        [namer.evidence(e) for e in evidence.get(quad.triple, [])])
    functional = {q.subject for q in store.quads_for_pattern(None, TYPE, FUNCTIONAL, ONTOLOGY)}
    heading = namer.label(node)
    title = heading.value if heading else namer.name(node)
    heading_lang = heading.language if heading else None
    ordered = sorted(groups.items(), key=lambda kv: namer.name(kv[0]).casefold())
    return {
        "title": title, "heading_lang": heading_lang, "iri": node.value,
        "types": [namer.link(t) for t in types],
        "names": _names(own, namer.lang),
        "groups": [{"label": namer.name(p), "href": namer.href(p.value),
                    "values": sorted(v.values(), key=lambda x: x.link.text.casefold())}
                   for p, v in ordered],
        "disagreements": [d for p, v in ordered if p in functional
                          if (d := _disagreement(namer.name(p), v))],
        **_incoming(store, node, quads, namer),
        "jsonld": _schema_org(store, node, own, types, namer),
    }


def _names(own: list[Quad], lang: str) -> list[dict[str, str]]:
    """Every name in every language: preferred, alternative, and an ``rdfs:label`` that is
    not also a preferred label."""
    kinds = {PREF_LABEL: "preferred", ALT_LABEL: "alternative", RDFS_LABEL: "label"}
    preferred = {q.object for q in own if q.predicate == PREF_LABEL}
    rows = {(q.object.language or "", q.object.value, kinds[q.predicate])
            for q in own if q.predicate in kinds and isinstance(q.object, Literal)
            and not (q.predicate == RDFS_LABEL and q.object in preferred)}
    return [{"lang": tag, "text": text, "kind": kind} for tag, text, kind in
            sorted(rows, key=lambda r: (language_rank(r[0], lang), r[0], r[2] != "preferred",
                                        r[1]))]


def _disagreement(label: str, values: dict[Term, Value]) -> dict[str, Any] | None:
    """One column per text for a single-valued property to which texts give other values."""
    if len(values) < 2:
        return None
    columns: dict[str, dict[str, Any]] = {}
    for value in values.values():
        for item in value.evidence:
            column = columns.setdefault(item["source_id"], {"source": item, "values": []})
            column["values"].append({"link": value.link, "quote": item["quote"],
                                     "passage_href": item["passage_href"]})
    if len(columns) < 2:
        return None
    return {"label": label, "columns": [columns[k] for k in sorted(columns)]}


def _incoming(store: Store, node: NamedNode, quads: list[Quad], namer: Namer
              ) -> dict[str, Any]:
    """Events the resource takes part in (with their roles) and the other things linking
    to it, one row per linking resource."""
    by_subject: dict[NamedNode, dict[NamedNode, set[str]]] = defaultdict(lambda: defaultdict(set))
    for quad in quads:
        if quad.object == node and quad.subject != node and isinstance(quad.subject, NamedNode):
            graph = getattr(quad.graph_name, "value", "").rsplit("/", 1)[-1]
            by_subject[quad.subject][quad.predicate].add(graph)
    events = [s for s in by_subject if s.value.startswith(EVENT_PREFIX)][:MAX_EVENTS]
    roles = {e: list(store.quads_for_pattern(e, None, None, None)) for e in events}
    namer.learn({t for qs in roles.values() for q in qs for t in (q.predicate, q.object)
                 if isinstance(t, NamedNode)} | set(by_subject)
                | {p for props in by_subject.values() for p in props})
    rows: dict[str, Any] = {"events": [], "incoming": [], "incoming_limit": INCOMING_LIMIT
                            if sum(q.object == node for q in quads) >= INCOMING_LIMIT else None}
    for subject, props in sorted(by_subject.items(), key=lambda kv: kv[0].value):
        row: dict[str, Any] = {
            "link": namer.link(subject),
            "via": [{"label": namer.name(p), "sources": [(g, _graph_page(g)) for g in sorted(gs)]}
                    for p, gs in sorted(props.items(), key=lambda kv: kv[0].value)]}
        if subject in roles:
            row["roles"] = [{"label": namer.name(q.predicate), "value": namer.link(q.object)}
                            for q in sorted(roles[subject], key=lambda q: q.predicate.value)
                            if q.predicate != TYPE and q.object != node]
            row["types"] = [namer.name(q.object) for q in roles[subject]
                            if q.predicate == TYPE and isinstance(q.object, NamedNode)]
        rows["events" if subject in roles else "incoming"].append(row)
    return rows


def _graph_page(name: str) -> str:
    """A text's graph is best read as the text; the catalogue graphs have their own page."""
    return f"/source/{name}" if name.isdigit() else f"/graph/{name}"


def _schema_org(store: Store, node: NamedNode, own: list[Quad], types: list[Term],
                namer: Namer) -> dict[str, Any]:
    """A schema.org summary of the entity for search engines (rendered with ``tojson``)."""
    supers: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, SUBCLASS_OF, None, ONTOLOGY):
        supers[getattr(quad.subject, "value", "")].append(getattr(quad.object, "value", ""))
    aligned = {getattr(q.subject, "value", ""): q.object.value[len(SCHEMA_NS):]
               for q in store.quads_for_pattern(None, SUBPROPERTY_OF, None, ONTOLOGY)
               if isinstance(q.object, NamedNode) and q.object.value.startswith(SCHEMA_NS)}
    kind = "Thing"
    queue = [t.value for t in types if isinstance(t, NamedNode)]
    while queue:
        current = queue.pop(0)
        if current.startswith(SCHEMA_NS):
            kind = current[len(SCHEMA_NS):]
            break
        queue.extend(supers.get(current, []))
    label = namer.label(node)
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "@id": node.value,
                            "sameAs": node.value, "url": request.host_url.rstrip("/")
                            + (local_path(node.value) or "")}
    if label is not None:
        data["name"] = label.value
    alternate = sorted({q.object.value for q in own if q.predicate in NAMES
                        and isinstance(q.object, Literal)} - {data.get("name")})
    if alternate:
        data["alternateName"] = alternate
    for quad in own:
        prop = aligned.get(quad.predicate.value)
        if prop is None or prop in data:
            continue
        values = [q.object for q in own if q.predicate == quad.predicate]
        data[prop] = [{"@id": v.value, "name": namer.name(v)} if isinstance(v, NamedNode)
                      else v.value for v in values if isinstance(v, NamedNode | Literal)]
    return data


@bp.get("/claim/<rest>")
def claim(rest: str) -> Response:
    stem, suffix = split_suffix(rest)
    path, iri = f"/claim/{stem}", f"{BASE}claim/{stem}"
    fmt = choose_format(suffix)
    lang, explicit = _language() if fmt is None else (LANGUAGES[0], False)
    quads = _described(iri)
    if fmt is not None:
        return rdf_response(quads, fmt, path)
    store = get_state().store
    namer = Namer(store, quads, lang, explicit)
    node = NamedNode(iri)
    own = [q for q in quads if q.subject == node]
    triple = next((q.object for q in own if q.predicate == REIFIES
                   and isinstance(q.object, Triple)), None)
    evidence = [namer.evidence(e) for es in evidence_by_triple(quads).values() for e in es
                if e.claim == iri]
    others = []
    if triple is not None:
        others = sorted({q.subject.value for q in store.quads_for_pattern(None, REIFIES, triple)
                         if isinstance(q.subject, NamedNode)} - {iri})
    shown = {"statedIn", "quote", "evidence", "subjectAsWritten", "objectAsWritten"}
    page = {
        "title": f"Claim {stem}", "iri": iri, "evidence": evidence[0] if evidence else None,
        "triple": None if triple is None else [
            namer.link(triple.subject), namer.link(triple.predicate), namer.link(triple.object)],
        "properties": [(namer.name(q.predicate), namer.link(q.object)) for q in own
                       if q.predicate != REIFIES
                       and q.predicate.value.rsplit("#", 1)[-1] not in shown],
        "others": [Link(o.rsplit("/", 1)[-1], namer.href(o)) for o in others],
    }
    return html_response(render_template("claim.html", **page, **_common(path, lang)), path)


@bp.get("/graph/<rest>")
def graph(rest: str) -> Response:
    stem, suffix = split_suffix(rest)
    path, iri = f"/graph/{stem}", graph_iri(stem)
    fmt = choose_format(suffix)
    lang, explicit = _language() if fmt is None else (LANGUAGES[0], False)
    store = get_state().store
    count = graph_quad_count(store, iri) if _valid(iri) else 0
    quads = _described(iri, lambda s, i: describe_graph(s, i, count))
    if fmt is not None:
        return rdf_response(quads, fmt, path)
    namer = Namer(store, quads, lang, explicit)
    sources = [q.object for q in quads if q.subject == NamedNode(iri)
               and q.predicate == DCTERMS_SOURCE and isinstance(q.object, NamedNode)]
    page = {
        "title": f"Graph {stem}", "iri": iri, "name": stem,
        "sources": [namer.link(s) for s in sources],
        "catalogue": {ENTITIES_GRAPH: "/entities", SOURCES_GRAPH: "/sources",
                      ONTOLOGY_GRAPH: "/ontology"}.get(stem),
        "quads": count,
        "download": "/store?" + urlencode({"graph": iri}),
        "incoming": [(namer.link(q.subject), namer.name(q.predicate)) for q in quads
                     if q.object == NamedNode(iri)],
    }
    return html_response(render_template("graph.html", **page, **_common(path, lang)), path)


@bp.get("/entities")
def entities() -> Response:
    """Every catalogue entity, grouped by class, linked to its page: a crawler's way in."""
    lang, explicit = _language()
    store = get_state().store
    typed = [(q.subject, q.object) for q in store.quads_for_pattern(None, TYPE, None, ENTITIES)
             if isinstance(q.subject, NamedNode) and isinstance(q.object, NamedNode)]
    quads = list(store.quads_for_pattern(None, PREF_LABEL, None, ENTITIES))
    namer = Namer(store, quads, lang, explicit)
    namer.learn({cls for _, cls in typed})
    by_class: dict[NamedNode, list[Link]] = defaultdict(list)
    for entity_node, cls in typed:
        by_class[cls].append(namer.link(entity_node))
    named = sorted(((namer.name(cls), cls, links) for cls, links in by_class.items()),
                   key=lambda item: item[0].casefold())
    groups: list[dict[str, Any]] = [
        {"label": label, "anchor": cls.value.rsplit("#", 1)[-1],
         "entities": sorted(links, key=lambda x: x.text.casefold())}
        for label, cls, links in named]
    html = render_template(
        "entities.html", groups=groups, total=len(typed), page_lang=lang,
        canonical=request.host_url.rstrip("/") + "/entities",
        languages=[(code, f"/entities?lang={code}", code == lang) for code in LANGUAGES])
    response = Response(html, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response
