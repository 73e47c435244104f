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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple

from kg.describe import (
    PREF_LABEL,
    REIFIES,
    TYPE,
    describe,
    describe_graph,
    evidence_by_triple,
    graph_quad_count,
)
from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH
from kg.vocab import BASE, DCTERMS_NS, graph_iri
from server.entity_page import Link, Namer, entity_page
from server.errors import ApiError
from server.negotiation import SUFFIXES, choose_format, html_response, rdf_response, split_suffix
from server.state import get_state

bp = Blueprint("resources", __name__)

LANGUAGES = ("en", "kk", "ru")
ENTITIES = NamedNode(graph_iri(ENTITIES_GRAPH))
DCTERMS_SOURCE = NamedNode(DCTERMS_NS + "source")


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


@dataclass(frozen=True, slots=True)
class _Asked:
    """What a request for ``/{kind}/{stem}[.suffix]`` asks for."""

    stem: str
    path: str  # the resource's path, without suffix
    iri: str
    fmt: RdfFormat | None  # None: the HTML page
    lang: str
    explicit: bool  # the language was asked for (?lang=)


def _asked(kind: str, rest: str) -> _Asked:
    stem, suffix = split_suffix(rest)
    fmt = choose_format(suffix)
    lang, explicit = _language() if fmt is None else (LANGUAGES[0], False)
    return _Asked(stem, f"/{kind}/{stem}", f"{BASE}{kind}/{stem}", fmt, lang, explicit)


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
    asked = _asked("id", rest)
    quads = _described(asked.iri)
    if asked.fmt is not None:
        return rdf_response(quads, asked.fmt, asked.path)
    store = get_state().store
    namer = Namer(store, quads, asked.lang, asked.explicit)
    page = entity_page(store, NamedNode(asked.iri), quads, namer)
    return html_response(render_template("entity.html", **page,
                                         **_common(asked.path, asked.lang)), asked.path)


@bp.get("/claim/<rest>")
def claim(rest: str) -> Response:
    asked = _asked("claim", rest)
    stem, path, iri, lang = asked.stem, asked.path, asked.iri, asked.lang
    quads = _described(iri)
    if asked.fmt is not None:
        return rdf_response(quads, asked.fmt, path)
    store = get_state().store
    namer = Namer(store, quads, lang, asked.explicit)
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
    asked = _asked("graph", rest)
    stem, path, iri, fmt, lang = asked.stem, asked.path, asked.iri, asked.fmt, asked.lang
    explicit = asked.explicit
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
