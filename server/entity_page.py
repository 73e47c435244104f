"""The HTML page of an entity or event, as data for ``entity.html``: names in every language,
statements grouped by property with the texts that make them, disagreements side by side,
the events it takes part in, what links to it, and a schema.org JSON-LD summary."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import request
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
    evidence_by_triple,
    label_quads,
    labels_of,
    language_rank,
    local_path,
)
from kg.rdf import ONTOLOGY_GRAPH
from kg.vocab import BASE, PREFIXES, RDFS_NS, SCHEMA_NS, graph_iri

ONTOLOGY = NamedNode(graph_iri(ONTOLOGY_GRAPH))
FUNCTIONAL = NamedNode("http://www.w3.org/2002/07/owl#FunctionalProperty")
SUBCLASS_OF = NamedNode(RDFS_NS + "subClassOf")
SUBPROPERTY_OF = NamedNode(RDFS_NS + "subPropertyOf")
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
            "via": [{"label": namer.name(p), "sources": [(g, graph_page(g)) for g in sorted(gs)]}
                    for p, gs in sorted(props.items(), key=lambda kv: kv[0].value)]}
        if subject in roles:
            row["roles"] = [{"label": namer.name(q.predicate), "value": namer.link(q.object)}
                            for q in sorted(roles[subject], key=lambda q: q.predicate.value)
                            if q.predicate != TYPE and q.object != node]
            row["types"] = [namer.name(q.object) for q in roles[subject]
                            if q.predicate == TYPE and isinstance(q.object, NamedNode)]
        rows["events" if subject in roles else "incoming"].append(row)
    return rows


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


def graph_page(name: str) -> str:
    """A text's graph is best read as the text; the catalogue graphs have their own page."""
    return f"/source/{name}" if name.isdigit() else f"/graph/{name}"
