"""Records → RDF quads: one named graph per source, every asserted triple a reified claim."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad, Triple

from kg.corpus import Source
from kg.entities import Entity
from kg.facts import Claim, ObjectValue
from kg.vocab import (
    DCTERMS_NS,
    KZ_NS,
    OA_NS,
    PROV_NS,
    RDF_NS,
    RDFS_NS,
    SCHEMA_NS,
    SKOS_NS,
    XSD_NS,
    claim_iri,
    entity_iri,
    graph_iri,
    passage_iri,
    source_iri,
)

ENTITIES_GRAPH = "entities"
SOURCES_GRAPH = "sources"
ONTOLOGY_GRAPH = "ontology"


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


A = _n(RDF_NS + "type")
REIFIES = _n(RDF_NS + "reifies")
RDF_STATEMENT = _n(RDF_NS + "Statement")
RDF_SUBJECT = _n(RDF_NS + "subject")
RDF_PREDICATE = _n(RDF_NS + "predicate")
RDF_OBJECT = _n(RDF_NS + "object")
XSD_INT = _n(XSD_NS + "integer")  # Oxigraph normalises derived integer types to xsd:integer


def _object_term(obj: ObjectValue) -> NamedNode | Literal:
    if obj.is_iri:
        return _n(obj.value)
    if obj.lang:
        return Literal(obj.value, language=obj.lang)
    return Literal(obj.value, datatype=_n(obj.datatype or XSD_NS + "string"))


def claims_to_quads(claims: Iterable[Claim]) -> Iterator[Quad]:
    """The asserted triples, their claims (RDF 1.2 reifiers) and the passages behind them."""
    passages_done: set[str] = set()
    for claim in claims:
        graph = _n(graph_iri(claim.source))
        subject, predicate, obj = _n(claim.subject), _n(claim.predicate), _object_term(claim.object)
        node = _n(claim_iri(claim.id))
        span = claim.span
        passage = passage_iri(claim.source, span.start, span.end)
        source = _n(source_iri(claim.source))
        yield Quad(subject, predicate, obj, graph)
        yield Quad(node, A, _n(KZ_NS + "Claim"), graph)
        yield Quad(node, A, _n(OA_NS + "Annotation"), graph)
        yield Quad(node, REIFIES, Triple(subject, predicate, obj), graph)
        yield Quad(node, _n(KZ_NS + "statedIn"), source, graph)
        yield Quad(node, _n(KZ_NS + "evidence"), _n(passage), graph)
        yield Quad(node, _n(OA_NS + "hasTarget"), _n(passage), graph)
        yield Quad(node, _n(KZ_NS + "quote"), Literal(span.exact), graph)
        if claim.subject_as_written:
            yield Quad(node, _n(KZ_NS + "subjectAsWritten"),
                       Literal(claim.subject_as_written, language=claim.lang), graph)
        if claim.object_as_written:
            yield Quad(node, _n(KZ_NS + "objectAsWritten"),
                       Literal(claim.object_as_written, language=claim.lang), graph)
        if passage not in passages_done:
            passages_done.add(passage)
            yield from _passage_quads(passage, source, claim, graph)


def _passage_quads(passage: str, source: NamedNode, claim: Claim, graph: NamedNode
                   ) -> Iterator[Quad]:
    span = claim.span
    node = _n(passage)
    quote_selector, position_selector = _n(passage + "#quote"), _n(passage + "#position")
    yield Quad(node, A, _n(KZ_NS + "Passage"), graph)
    yield Quad(node, A, _n(OA_NS + "SpecificResource"), graph)
    yield Quad(node, _n(OA_NS + "hasSource"), source, graph)
    yield Quad(node, _n(DCTERMS_NS + "language"), Literal(claim.lang), graph)
    yield Quad(node, _n(OA_NS + "hasSelector"), quote_selector, graph)
    yield Quad(node, _n(OA_NS + "hasSelector"), position_selector, graph)
    yield Quad(quote_selector, A, _n(OA_NS + "TextQuoteSelector"), graph)
    yield Quad(quote_selector, _n(OA_NS + "exact"), Literal(span.exact), graph)
    yield Quad(quote_selector, _n(OA_NS + "prefix"), Literal(span.prefix), graph)
    yield Quad(quote_selector, _n(OA_NS + "suffix"), Literal(span.suffix), graph)
    yield Quad(position_selector, A, _n(OA_NS + "TextPositionSelector"), graph)
    yield Quad(position_selector, _n(OA_NS + "start"), Literal(str(span.start), datatype=XSD_INT),
               graph)
    yield Quad(position_selector, _n(OA_NS + "end"), Literal(str(span.end), datatype=XSD_INT),
               graph)


def entities_to_quads(entities: Iterable[Entity]) -> Iterator[Quad]:
    """The curated catalogue: each entity's class and every spelling, in graph/entities."""
    graph = _n(graph_iri(ENTITIES_GRAPH))
    for entity in entities:
        node = _n(entity_iri(entity.id))
        yield Quad(node, A, _n(KZ_NS + entity.type), graph)
        for label in entity.labels:
            text = Literal(label.text, language=label.lang)
            kind = "prefLabel" if label.preferred else "altLabel"
            yield Quad(node, _n(SKOS_NS + kind), text, graph)
            if label.preferred:
                yield Quad(node, _n(RDFS_NS + "label"), text, graph)


def sources_to_quads(sources: Mapping[str, Source]) -> Iterator[Quad]:
    """Source metadata (graph/sources), and which named graph holds each source's claims."""
    graph = _n(graph_iri(SOURCES_GRAPH))
    for source in sources.values():
        node = _n(source_iri(source.id))
        yield Quad(node, A, _n(KZ_NS + "Source"), graph)
        yield Quad(node, A, _n(PROV_NS + "Entity"), graph)
        yield Quad(node, A, _n(SCHEMA_NS + "CreativeWork"), graph)
        yield Quad(node, _n(DCTERMS_NS + "identifier"), Literal(source.id), graph)
        yield Quad(node, _n(DCTERMS_NS + "title"), Literal(source.title), graph)
        yield Quad(node, _n(RDFS_NS + "label"), Literal(source.title), graph)
        for author in source.authors:
            yield Quad(node, _n(DCTERMS_NS + "creator"), Literal(author), graph)
        for lang in source.languages:
            yield Quad(node, _n(DCTERMS_NS + "language"), Literal(lang), graph)
        yield Quad(node, _n(DCTERMS_NS + "type"), Literal(source.kind, language="en"), graph)
        yield Quad(node, _n(DCTERMS_NS + "rights"), Literal(source.rights, language="en"), graph)
        if source.note:
            yield Quad(node, _n(SKOS_NS + "note"), Literal(source.note, language="en"), graph)
        yield Quad(node, _n(KZ_NS + "sha256"), Literal(source.sha256), graph)
        yield Quad(node, _n(KZ_NS + "file"), Literal(f"data/{source.file.parent.name}/"
                                                     f"{source.file.name}"), graph)
        yield Quad(_n(graph_iri(source.id)), _n(DCTERMS_NS + "source"), node, graph)


def rdf12_to_rdf11(quads: Iterable[Quad]) -> Iterator[Quad]:
    """Project RDF 1.2 reifiers onto RDF 1.1 reification, which rdflib and pyshacl read.

    ``c rdf:reifies <<( s p o )>>`` becomes ``c a rdf:Statement; rdf:subject s; rdf:predicate
    p; rdf:object o``; every other quad is kept as it is.
    """
    for quad in quads:
        obj = quad.object
        if quad.predicate == REIFIES and isinstance(obj, Triple):
            yield Quad(quad.subject, A, RDF_STATEMENT, quad.graph_name)
            yield Quad(quad.subject, RDF_SUBJECT, obj.subject, quad.graph_name)
            yield Quad(quad.subject, RDF_PREDICATE, obj.predicate, quad.graph_name)
            yield Quad(quad.subject, RDF_OBJECT, obj.object, quad.graph_name)
        else:
            yield quad
