"""The source texts as linked data: ``/sources``, ``/source/<id>``, ``/passage/<id>``.

- ``/sources``: the texts the graph is built from, with their claim counts.
- ``/source/<id>``: HTML, the text in full with every claim's passage highlighted and linked to
  its claims and entities (``?passage=START-END`` highlights one passage strongly); or, by
  suffix or ``Accept``, the source's description (its metadata and the claims stated in it).
- ``/passage/<id>`` (``{source}-{start}-{end}``): the passage, its selectors and the claims
  citing it in RDF; HTML clients are sent (303) to the passage in its source's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.passages import (
    ClaimRef,
    Passage,
    Segment,
    SourceRecord,
    TextUnavailableError,
    load_source_text,
    local_path,
    read_claim_counts,
    read_labels,
    read_passages,
    read_source,
    read_source_claims,
    read_sources,
    split_segments,
)
from kg.project import Project
from kg.rdf import SOURCES_GRAPH
from kg.vocab import BASE, DATA_LICENSE, KZ_NS, OA_NS, RDF_NS, graph_iri, passage_iri
from server.errors import ApiError
from server.negotiation import choose_format, finish, html_response, rdf_response, split_suffix
from server.state import get_state

bp = Blueprint("sources", __name__)

SOURCE_ID = re.compile(r"[A-Za-z0-9_~-]+")
PASSAGE_ID = re.compile(r"(?P<source>[A-Za-z0-9_~-]+)-(?P<start>[0-9]+)-(?P<end>[0-9]+)")
SPAN = re.compile(r"(?P<start>[0-9]+)-(?P<end>[0-9]+)")


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim as the page shows it: links and labels for its subject, predicate and object."""

    link: str
    subject_link: str
    subject: str
    predicate: str
    object_link: str | None
    object: str

    @property
    def summary(self) -> str:
        return f"{self.subject} — {self.predicate} — {self.object}"


@dataclass(frozen=True, slots=True)
class Note:
    """A passage in the list under the text: its number, quote and claims."""

    passage: Passage
    number: int
    link: str
    claims: tuple[ClaimView, ...]
    selected: bool


@dataclass(frozen=True, slots=True)
class Piece:
    """A segment of the text and how it is drawn."""

    segment: Segment
    css: str  # "" for text no passage covers
    title: str


def _project_root() -> Path:
    root = current_app.config["ROOT"]
    return Project.locate(None if root is None else Path(root)).root


def _find_source(store: Store, name: str) -> SourceRecord:
    source = read_source(store, name) if SOURCE_ID.fullmatch(name) else None
    if source is None:
        known = ", ".join(r.id for r in read_sources(store))
        raise ApiError(404, f"no source text {name!r}; the sources are {known} "
                       f"(listed at {url_for('sources.index')})")
    return source


@bp.get("/sources")
def index() -> Response:
    store = get_state().store
    counts = read_claim_counts(store)
    sources = read_sources(store)
    html = render_template("sources.html", sources=sources, counts=counts,
                           total=sum(counts.get(s.iri, 0) for s in sources),
                           canonical=url_for("sources.index", _external=True))
    return Response(html, mimetype="text/html")


@bp.get("/source/<name>")
def source(name: str) -> Response:
    stem, suffix = split_suffix(name)
    store = get_state().store
    record = _find_source(store, stem)
    path = url_for("sources.source", name=record.id)
    fmt = choose_format(suffix)
    if fmt is not None:
        return rdf_response(_source_quads(store, record), fmt, path)
    return html_response(_source_page(store, record), path)


def _source_quads(store: Store, record: SourceRecord) -> list[Quad]:
    graph, node = NamedNode(graph_iri(SOURCES_GRAPH)), NamedNode(record.iri)
    quads = list(store.quads_for_pattern(node, None, None, graph))
    quads += store.quads_for_pattern(None, None, node, graph)
    quads += (Quad(t.subject, t.predicate, t.object) for t in read_source_claims(store, record))
    return quads


def _selected_span() -> tuple[int, int] | None:
    given = request.args.get("passage")
    if given is None:
        return None
    match = SPAN.fullmatch(given)
    if match is None:
        raise ApiError(400, f"?passage= takes START-END (character offsets, e.g. 3351-3429), "
                       f"not {given!r}")
    return int(match["start"]), int(match["end"])


def _source_page(store: Store, record: SourceRecord) -> str:
    selected = _selected_span()
    text: str | None
    try:
        text, unavailable = load_source_text(_project_root(), record), ""
    except TextUnavailableError as exc:
        text, unavailable = None, str(exc)
    passages = read_passages(store, record, text)
    notes = _notes(store, record, passages, selected)
    pieces = [] if text is None else _pieces(split_segments(text, passages), notes, selected)
    found = selected is None or any((p.start, p.end) == selected for p in passages)
    return render_template(
        "source.html", source=record, pieces=pieces, notes=notes, unavailable=unavailable,
        selected=selected, selected_found=found, claims=sum(len(p.claims) for p in passages),
        data_license=DATA_LICENSE, page_lang=record.language,
        canonical=url_for("sources.source", name=record.id, _external=True),
        alternates={s: url_for("sources.source", name=f"{record.id}.{s}")
                    for s in ("ttl", "nt", "rdf", "jsonld")})


def _notes(store: Store, record: SourceRecord, passages: list[Passage],
           selected: tuple[int, int] | None) -> dict[str, Note]:
    entities = {c.subject for p in passages for c in p.claims}
    entities |= {c.object.value for p in passages for c in p.claims
                 if isinstance(c.object, NamedNode)}
    labels = read_labels(store, entities, [record.language, "en", *record.languages])
    return {
        p.iri: Note(p, number, local_path(p.iri),
                    tuple(_claim_view(c, labels) for c in p.claims),
                    (p.start, p.end) == selected)
        for number, p in enumerate(passages, start=1)
    }


def _name(iri: str, labels: dict[str, str]) -> str:
    if iri in labels:
        return labels[iri]
    if iri.startswith(KZ_NS):
        return iri[len(KZ_NS):]
    return iri[len(BASE) + len("id/"):] if iri.startswith(BASE + "id/") else iri


def _claim_view(claim: ClaimRef, labels: dict[str, str]) -> ClaimView:
    predicate = "is a" if claim.predicate == RDF_NS + "type" else _name(claim.predicate, labels)
    obj = claim.object
    if isinstance(obj, Literal):
        object_link, object_text = None, obj.value
    else:
        object_link, object_text = local_path(obj.value), _name(obj.value, labels)
    return ClaimView(local_path(claim.iri), local_path(claim.subject),
                     _name(claim.subject, labels), predicate, object_link, object_text)


def _pieces(segments: list[Segment], notes: dict[str, Note],
            selected: tuple[int, int] | None) -> list[Piece]:
    pieces = []
    for segment in segments:
        depth = len(segment.covered_by)
        if not depth:
            pieces.append(Piece(segment, "", ""))
            continue
        css = f"d{min(depth, 3)}"
        if any((p.start, p.end) == selected for p in segment.covered_by):
            css += " selected"
        title = "\n".join(f"[{notes[p.iri].number}] {c.summary}"
                          for p in segment.covered_by for c in notes[p.iri].claims)
        pieces.append(Piece(segment, css, title))
    return pieces


@bp.get("/passage/<name>")
def passage(name: str) -> Response:
    stem, suffix = split_suffix(name)
    match = PASSAGE_ID.fullmatch(stem)
    store = get_state().store
    quads: list[Quad] = []
    if match is not None:
        iri = passage_iri(match["source"], int(match["start"]), int(match["end"]))
        node = NamedNode(iri)
        quads = list(store.quads_for_pattern(node, None, None, None))
    if match is None or not quads:
        raise ApiError(404, f"no passage {stem!r}; a passage is named "
                       "{source}-{start}-{end} after its character offsets, and its source's "
                       "page lists them all")
    path = url_for("sources.passage", name=stem)
    fmt = choose_format(suffix)
    if fmt is None:
        start, end = match["start"], match["end"]
        target = url_for("sources.source", name=match["source"], passage=f"{start}-{end}",
                         _anchor=f"passage-{start}-{end}")
        return finish(Response(status=303, headers={"Location": target}), path)
    for selector in (NamedNode(iri + "#quote"), NamedNode(iri + "#position")):
        quads += store.quads_for_pattern(selector, None, None, None)
    for cites in (NamedNode(KZ_NS + "evidence"), NamedNode(OA_NS + "hasTarget")):
        quads += store.quads_for_pattern(None, cites, node, None)
    return rdf_response(quads, fmt, path)
