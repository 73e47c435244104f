"""What an IRI of the dataset dereferences to: its description, as quads, and the evidence in it.

``describe(store, iri)`` gathers, for an IRI X (an entity, an event, a claim or a graph):

a. every quad whose subject is X, in any graph (an entity's class and labels from
   graph/entities, and what each text states about it, in the text's graph);
b. for each of those triples, the claims that reify it (``?c rdf:reifies <<( X ?p ?o )>>``,
   found by the triple term, in the graph that asserts it): each claim's own quads, its
   passage (``passage/{src}-{start}-{end}``) and the passage's two selectors (``…#quote``,
   ``…#position``);
c. when X is a claim: its reified triple as asserted in its graph, and its passage and
   selectors (X's own quads are already in a);
d. incoming links: quads whose object is X, at most ``INCOMING_LIMIT`` of them;
e. the labels (``skos:prefLabel``, ``rdfs:label``) of every IRI mentioned in a–d, subjects,
   predicates, objects and the terms of triple terms, so that a client can show names
   (ontology terms get theirs from graph/ontology, sources their titles from graph/sources).

``describe_graph`` adds to that, for a named graph, its quad count (``void:triples``).
Only triple patterns (``Store.quads_for_pattern``) and one parameterised count are used: no
request text is ever put into query text. The result keeps each quad's graph;
``server.negotiation`` turns it into triples.

``Evidence`` reads a claim back out of a description (source, quote, names as written,
passage offsets), and ``choose_label`` picks the label to show in a language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)

from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH
from kg.vocab import BASE, KZ_NS, OA_NS, RDF_NS, RDFS_NS, SKOS_NS, XSD_NS, graph_iri

Term = NamedNode | BlankNode | Literal | Triple
Graph = NamedNode | BlankNode | DefaultGraph

INCOMING_LIMIT = 500
LANGUAGE_ORDER = ("en", "kk", "ru")  # after the chosen language, before any other

TYPE = NamedNode(RDF_NS + "type")
REIFIES = NamedNode(RDF_NS + "reifies")
PREF_LABEL = NamedNode(SKOS_NS + "prefLabel")
ALT_LABEL = NamedNode(SKOS_NS + "altLabel")
RDFS_LABEL = NamedNode(RDFS_NS + "label")
LABELS = (PREF_LABEL, RDFS_LABEL)
NAMES = frozenset({PREF_LABEL, ALT_LABEL, RDFS_LABEL})
STATED_IN = NamedNode(KZ_NS + "statedIn")
EVIDENCE = NamedNode(KZ_NS + "evidence")
QUOTE = NamedNode(KZ_NS + "quote")
SUBJECT_AS_WRITTEN = NamedNode(KZ_NS + "subjectAsWritten")
OBJECT_AS_WRITTEN = NamedNode(KZ_NS + "objectAsWritten")
HAS_SELECTOR = NamedNode(OA_NS + "hasSelector")
START = NamedNode(OA_NS + "start")
END = NamedNode(OA_NS + "end")
VOID_TRIPLES = NamedNode("http://rdfs.org/ns/void#triples")
XSD_INTEGER = NamedNode(XSD_NS + "integer")
# ?g is bound by substitution, never written into the text
COUNT_QUADS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def describe(store: Store, iri: str) -> list[Quad]:
    """The description of ``iri`` (a–e above); empty when the IRI is in no triple."""
    node = NamedNode(iri)
    out = _Collector()
    own = list(store.quads_for_pattern(node, None, None, None))
    out.add(own)
    claims: list[NamedNode] = []
    for quad in own:
        if quad.predicate == REIFIES and isinstance(quad.object, Triple):  # c: X is a claim
            t = quad.object
            out.add(store.quads_for_pattern(t.subject, t.predicate, t.object, quad.graph_name))
            claims.append(node)
        else:  # b: the claims that reify X's triple in the graph that asserts it
            for reifier in store.quads_for_pattern(None, REIFIES, quad.triple, quad.graph_name):
                if isinstance(reifier.subject, NamedNode) and reifier.subject != node:
                    claims.append(reifier.subject)
                    out.add(store.quads_for_pattern(reifier.subject, None, None, None))
    for claim in claims:
        for evidence in store.quads_for_pattern(claim, EVIDENCE, None, None):
            if isinstance(evidence.object, NamedNode):
                out.add(_passage_quads(store, evidence.object))
    out.add(islice(store.quads_for_pattern(None, None, node, None), INCOMING_LIMIT))  # d
    out.add(label_quads(store, mentioned(out.quads)))  # e
    return out.quads


def describe_graph(store: Store, iri: str, count: int | None = None) -> list[Quad]:
    """A named graph's description: ``describe`` plus its quad count (counted unless given);
    empty if the IRI is in no triple and names no graph."""
    count = graph_quad_count(store, iri) if count is None else count
    quads = describe(store, iri)
    if count:
        quads.append(Quad(NamedNode(iri), VOID_TRIPLES,
                          Literal(str(count), datatype=XSD_INTEGER), DefaultGraph()))
    return quads


def _passage_quads(store: Store, passage: NamedNode) -> Iterator[Quad]:
    for quad in store.quads_for_pattern(passage, None, None, None):
        yield quad
        if quad.predicate == HAS_SELECTOR and isinstance(quad.object, NamedNode):
            yield from store.quads_for_pattern(quad.object, None, None, None)


def mentioned(quads: Iterable[Quad]) -> set[NamedNode]:
    """Every IRI in subject, predicate or object position, inside triple terms too."""
    found: set[NamedNode] = set()

    def visit(term: Term) -> None:
        if isinstance(term, NamedNode):
            found.add(term)
        elif isinstance(term, Triple):
            visit(term.subject)
            found.add(term.predicate)
            visit(term.object)

    for quad in quads:
        visit(quad.subject)
        found.add(quad.predicate)
        visit(quad.object)
    return found


def label_quads(store: Store, iris: Iterable[NamedNode]) -> Iterator[Quad]:
    """The ``skos:prefLabel`` and ``rdfs:label`` quads of each IRI, in every graph."""
    for iri in iris:
        for prop in LABELS:
            yield from store.quads_for_pattern(iri, prop, None, None)


def graph_quad_count(store: Store, iri: str) -> int:
    """The number of quads in the named graph ``iri`` (0 if there is no such graph)."""
    solutions = store.query(COUNT_QUADS, substitutions={Variable("g"): NamedNode(iri)})
    for row in solutions if isinstance(solutions, QuerySolutions) else ():
        count = row["n"]
        return int(count.value) if isinstance(count, Literal) else 0
    return 0


class _Collector:
    """Quads in first-seen order, without repeats."""

    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self._seen: set[Quad] = set()

    def add(self, quads: Iterable[Quad]) -> None:
        for quad in quads:
            if quad not in self._seen:
                self._seen.add(quad)
                self.quads.append(quad)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One claim, as read from a description: which text, which words, where."""

    claim: str
    source: str  # the source's IRI
    quote: str
    subject_as_written: str | None
    object_as_written: str | None
    passage: str | None
    start: int | None
    end: int | None

    @property
    def source_id(self) -> str:
        return self.source.rsplit("/", 1)[-1]


def evidence_by_triple(quads: Sequence[Quad]) -> dict[Triple, list[Evidence]]:
    """The claims in ``quads``, keyed by the triple each reifies (ordered by source, quote)."""
    by_subject: dict[Term, dict[NamedNode, list[Term]]] = {}
    for quad in quads:
        by_subject.setdefault(quad.subject, {}).setdefault(quad.predicate, []).append(quad.object)
    found: dict[Triple, list[Evidence]] = {}
    for subject, props in by_subject.items():
        triples = [t for t in props.get(REIFIES, []) if isinstance(t, Triple)]
        if not triples or not isinstance(subject, NamedNode):
            continue
        passage = _first(props, EVIDENCE)
        start = end = None
        if isinstance(passage, NamedNode):
            position = by_subject.get(NamedNode(passage.value + "#position"), {})
            start, end = _int(_first(position, START)), _int(_first(position, END))
        evidence = Evidence(
            claim=subject.value, source=_text(_first(props, STATED_IN)) or "",
            quote=_text(_first(props, QUOTE)) or "",
            subject_as_written=_text(_first(props, SUBJECT_AS_WRITTEN)),
            object_as_written=_text(_first(props, OBJECT_AS_WRITTEN)),
            passage=passage.value if isinstance(passage, NamedNode) else None,
            start=start, end=end)
        for triple in triples:
            found.setdefault(triple, []).append(evidence)
    for items in found.values():
        items.sort(key=lambda e: (e.source, e.start or 0, e.claim))
    return found


def _first(props: dict[NamedNode, list[Term]], prop: NamedNode) -> Term | None:
    values = props.get(prop)
    return values[0] if values else None


def _text(term: Term | None) -> str | None:
    if isinstance(term, NamedNode | Literal):
        return term.value
    return None


def _int(term: Term | None) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def language_rank(tag: str, lang: str) -> int:
    """Where a language tag comes in the fallback order: chosen, en, kk, ru, any other."""
    order = (lang, *(x for x in LANGUAGE_ORDER if x != lang))
    return order.index(tag) if tag in order else len(order)


def choose_label(labels: Iterable[Literal], lang: str) -> Literal | None:
    """The label to show in ``lang`` (fallback chosen → en → kk → ru → any, untagged last)."""
    ranked = sorted(labels, key=lambda lit: (language_rank(lit.language or "~", lang),
                                             lit.language or "~"))
    return ranked[0] if ranked else None


def labels_of(quads: Iterable[Quad]) -> dict[NamedNode, list[Literal]]:
    """Each subject's ``skos:prefLabel`` then ``rdfs:label`` literals, from ``quads``."""
    found: dict[NamedNode, list[Literal]] = {}
    for prop in LABELS:  # preferred labels first: choose_label's sort is stable
        for quad in quads:
            if (quad.predicate == prop and isinstance(quad.subject, NamedNode)
                    and isinstance(quad.object, Literal)):
                found.setdefault(quad.subject, []).append(quad.object)
    return found


def is_catalogue_graph(graph: Graph) -> bool:
    return isinstance(graph, NamedNode) and graph.value in {
        graph_iri(ENTITIES_GRAPH), graph_iri(SOURCES_GRAPH), graph_iri(ONTOLOGY_GRAPH)}


def local_path(iri: str) -> str | None:
    """The server's path for a dataset IRI (``{BASE}id/x`` → ``/id/x``); None if not ours."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else None
