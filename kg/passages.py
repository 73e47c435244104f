"""A source text and its passages as stored: metadata, the claims citing each passage, the text
split at every passage boundary (passages overlap and nest), and the text itself.

The store holds each source's metadata (``graph/sources``) and its passages' offsets and quotes,
not its full text: the text is read from the project (``kz:file``) and served only when its
SHA-256 is the one the store records, so that the offsets the claims use are offsets into it.
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store, Triple, Variable

from kg.rdf import SOURCES_GRAPH
from kg.vocab import (
    BASE,
    DCTERMS_NS,
    KZ_NS,
    PREFIXES,
    RDF_NS,
    RDFS_NS,
    SKOS_NS,
    graph_iri,
    source_iri,
)

# every passage of one text with the claims citing it: one query, the graph substituted
PASSAGES_QUERY = """
SELECT ?g ?passage ?start ?end ?claim ?triple WHERE {
  GRAPH ?g {
    ?sel oa:start ?start ; oa:end ?end .
    ?passage oa:hasSelector ?sel .
    ?claim kz:evidence ?passage ; rdf:reifies ?triple .
  }
}"""
# the quotes, for when the text itself is not at hand
QUOTES_QUERY = """
SELECT ?g ?passage ?exact WHERE {
  GRAPH ?g { ?passage a kz:Passage ; oa:hasSelector ?sel . ?sel oa:exact ?exact }
}"""
CLAIM_COUNTS_QUERY = """
SELECT ?src (COUNT(?claim) AS ?n) WHERE { GRAPH ?g { ?claim kz:statedIn ?src } } GROUP BY ?src
"""
SOURCE_CLAIMS_QUERY = """
SELECT ?src ?g ?claim ?type ?passage WHERE {
  GRAPH ?g { ?claim kz:statedIn ?src ; a ?type ; kz:evidence ?passage }
}"""

RDF_TYPE = RDF_NS + "type"
Term = NamedNode | BlankNode | Literal | Triple
PREF_LABEL = NamedNode(SKOS_NS + "prefLabel")


class TextUnavailableError(Exception):
    """The source's text cannot be shown: missing, or not the text the store was built from."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A source text's metadata as ``graph/sources`` has it."""

    id: str
    iri: str
    title: str
    authors: tuple[str, ...]
    languages: tuple[str, ...]
    kind: str
    rights: str
    sha256: str
    note: str
    file: str  # relative to the project root, e.g. data/corpus/002_….txt
    graph: str  # the named graph holding its claims

    @property
    def language(self) -> str:
        return self.languages[0] if self.languages else "en"


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """A claim as a passage cites it: its IRI and the triple it reifies."""

    iri: str
    subject: str
    predicate: str
    object: NamedNode | Literal


@dataclass(frozen=True, slots=True)
class Passage:
    """A span ``[start, end)`` of a text (code points of its NFC form) and the claims citing it."""

    iri: str
    start: int
    end: int
    exact: str
    claims: tuple[ClaimRef, ...]

    @property
    def anchor(self) -> str:
        return f"passage-{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text between two passage boundaries, and the passages covering it."""

    start: int
    end: int
    text: str
    covered_by: tuple[Passage, ...]  # outermost first
    opens: tuple[Passage, ...]  # passages starting at ``start``
    closes: tuple[Passage, ...]  # passages ending at ``end``


def _text(term: object) -> str:
    return term.value if isinstance(term, Literal | NamedNode) else ""


def read_sources(store: Store) -> list[SourceRecord]:
    """Every source described in ``graph/sources``, by id."""
    graph = NamedNode(graph_iri(SOURCES_GRAPH))
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    graphs: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, None, None, graph):
        subject, predicate = quad.subject, quad.predicate.value
        if not isinstance(subject, NamedNode):
            continue
        if predicate == DCTERMS_NS + "source" and isinstance(quad.object, NamedNode):
            graphs[quad.object.value] = subject.value
        else:
            props[subject.value][predicate].append(_text(quad.object))
    records = []
    for iri, values in props.items():
        if KZ_NS + "Source" not in values[RDF_TYPE]:
            continue
        ident = _one(values, DCTERMS_NS + "identifier") or iri.rsplit("/", 1)[-1]
        records.append(SourceRecord(
            ident, iri,
            _one(values, DCTERMS_NS + "title") or _one(values, RDFS_NS + "label") or ident,
            tuple(sorted(values[DCTERMS_NS + "creator"])),
            _languages(values[DCTERMS_NS + "language"]), _one(values, DCTERMS_NS + "type"),
            _one(values, DCTERMS_NS + "rights"), _one(values, KZ_NS + "sha256"),
            _one(values, SKOS_NS + "note"), _one(values, KZ_NS + "file"),
            graphs.get(iri, graph_iri(ident))))
    return sorted(records, key=lambda r: r.id)


def _one(values: dict[str, list[str]], predicate: str) -> str:
    """A predicate's value (the least, should the store hold several)."""
    return min(values.get(predicate, ()), default="")


def _languages(found: list[str]) -> tuple[str, ...]:
    """The store keeps no order: put English, then Russian, after the others (the body's)."""
    rank = {"en": 2, "ru": 1}
    return tuple(sorted(found, key=lambda lang: (rank.get(lang, 0), lang)))


def read_source(store: Store, source_id: str) -> SourceRecord | None:
    iri = source_iri(source_id)
    return next((r for r in read_sources(store) if r.iri == iri), None)


def read_claim_counts(store: Store) -> dict[str, int]:
    """Claims per source IRI."""
    result = store.query(CLAIM_COUNTS_QUERY, prefixes=PREFIXES)
    assert isinstance(result, QuerySolutions)
    return {_text(row["src"]): int(_text(row["n"])) for row in result}


def read_passages(store: Store, source: SourceRecord, text: str | None) -> list[Passage]:
    """Every passage of the source with the claims citing it, in text order (outer first).

    A passage's exact words come from ``text`` when it is given, else from the store."""
    graph: dict[Variable, Term] = {Variable("g"): NamedNode(source.graph)}
    result = store.query(PASSAGES_QUERY, prefixes=PREFIXES, substitutions=graph)
    assert isinstance(result, QuerySolutions)
    spans: dict[str, tuple[int, int]] = {}
    claims: dict[str, list[ClaimRef]] = defaultdict(list)
    for row in result:
        passage, triple = _text(row["passage"]), row["triple"]
        if not isinstance(triple, Triple):
            continue
        subject, obj = triple.subject, triple.object
        if not isinstance(subject, NamedNode) or not isinstance(obj, NamedNode | Literal):
            continue
        spans[passage] = (int(_text(row["start"])), int(_text(row["end"])))
        claims[passage].append(ClaimRef(_text(row["claim"]), subject.value,
                                        triple.predicate.value, obj))
    if text is None:
        quotes = store.query(QUOTES_QUERY, prefixes=PREFIXES, substitutions=graph)
        assert isinstance(quotes, QuerySolutions)
        exact = {_text(row["passage"]): _text(row["exact"]) for row in quotes}
    else:
        exact = {iri: text[start:end] for iri, (start, end) in spans.items()}
    passages = [Passage(iri, start, end, exact.get(iri, ""),
                        tuple(sorted(claims[iri], key=lambda c: c.iri)))
                for iri, (start, end) in spans.items()]
    return sorted(passages, key=lambda p: (p.start, -p.end))


def read_source_claims(store: Store, source: SourceRecord) -> list[Triple]:
    """The claims stated in a source: their types, ``kz:statedIn`` and ``kz:evidence``."""
    src: dict[Variable, Term] = {Variable("src"): NamedNode(source.iri)}
    result = store.query(SOURCE_CLAIMS_QUERY, prefixes=PREFIXES, substitutions=src)
    assert isinstance(result, QuerySolutions)
    node = NamedNode(source.iri)
    stated, evidence = NamedNode(KZ_NS + "statedIn"), NamedNode(KZ_NS + "evidence")
    triples: set[Triple] = set()
    for row in result:
        claim, kind, passage = row["claim"], row["type"], row["passage"]
        assert isinstance(claim, NamedNode) and isinstance(kind, NamedNode)
        assert isinstance(passage, NamedNode)
        triples.update((Triple(claim, NamedNode(RDF_TYPE), kind), Triple(claim, stated, node),
                        Triple(claim, evidence, passage)))
    return sorted(triples, key=str)


def read_labels(store: Store, iris: Iterable[str], languages: Sequence[str]) -> dict[str, str]:
    """Each catalogue entity's preferred label, in the first of ``languages`` it has."""
    graph = NamedNode(graph_iri("entities"))
    order: dict[str, int] = {}
    for lang in languages:
        order.setdefault(lang.lower(), len(order))
    labels: dict[str, str] = {}
    for iri in iris:
        best: tuple[int, str] | None = None
        for quad in store.quads_for_pattern(NamedNode(iri), PREF_LABEL, None, graph):
            label = quad.object
            if isinstance(label, Literal):
                rank = order.get((label.language or "").lower(), len(order))
                if best is None or (rank, label.value) < best:
                    best = (rank, label.value)
        if best is not None:
            labels[iri] = best[1]
    return labels


def load_source_text(root: Path, source: SourceRecord) -> str:
    """The NFC text of a source, read from the project at ``root`` (its ``kz:file``).

    Raises TextUnavailableError when the file is missing, outside the project's data, or not
    the text the store was built from (another SHA-256)."""
    data = (root / "data").resolve()
    path = (root / source.file).resolve()
    if not source.file or not path.is_relative_to(data):
        raise TextUnavailableError(f"the store names no text file in the project for "
                                   f"source {source.id}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TextUnavailableError(f"{source.file} is not in the served project "
                                   f"({exc.strerror})") from exc
    if hashlib.sha256(raw).hexdigest() != source.sha256:
        raise TextUnavailableError(f"{source.file} has changed since this release was built "
                                   "(its SHA-256 differs), so its offsets may not match")
    return unicodedata.normalize("NFC", raw.decode("utf-8"))  # as kg.corpus reads it


def split_segments(text: str, passages: Sequence[Passage]) -> list[Segment]:
    """Cut the text at every passage boundary; each piece knows the passages covering it.

    Passages may overlap and nest; a passage outside the text is left out."""
    inside = [p for p in passages if 0 <= p.start < p.end <= len(text)]
    starting: dict[int, list[Passage]] = defaultdict(list)
    ending: dict[int, list[Passage]] = defaultdict(list)
    for p in sorted(inside, key=lambda p: (p.start, -p.end)):
        starting[p.start].append(p)
        ending[p.end].append(p)
    bounds = sorted({0, len(text), *starting, *ending})
    active: dict[str, Passage] = {}
    segments = []
    for start, end in itertools.pairwise(bounds):
        for p in ending.get(start, ()):
            del active[p.iri]
        for p in starting.get(start, ()):
            active[p.iri] = p
        covering = tuple(sorted(active.values(), key=lambda p: (p.start, -p.end)))
        segments.append(Segment(start, end, text[start:end], covering,
                                tuple(starting.get(start, ())), tuple(ending.get(end, ()))))
    return segments


def local_path(iri: str) -> str:
    """Where the server answers for an IRI: its path under BASE, else the IRI itself."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri
