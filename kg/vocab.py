"""Namespaces, IRIs and the closed vocabulary read from ontology/kazcinema.ttl."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, XSD
from rdflib.namespace import DefinedNamespace, Namespace

BASE = "https://w3id.org/kazcinema/"
ONTOLOGY_IRI = BASE + "ontology"
# the graph quotes a CC BY-SA text (002, Wikipedia), so the data is shared alike; the ontology
# alone is CC BY 4.0 (ontology/kazcinema.ttl)
DATA_LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"
ONTOLOGY_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
KZ_NS = ONTOLOGY_IRI + "#"

OA_NS = "http://www.w3.org/ns/oa#"
PROV_NS = "http://www.w3.org/ns/prov#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
SCHEMA_NS = "https://schema.org/"
RDF_NS = str(RDF)
RDFS_NS = str(RDFS)
XSD_NS = str(XSD)

# prefixes declared for every query (endpoint, CLI) and every serialisation
PREFIXES: dict[str, str] = {
    "kz": KZ_NS,
    "kzid": BASE + "id/",
    "kzsrc": BASE + "source/",
    "kzclaim": BASE + "claim/",
    "kzgraph": BASE + "graph/",
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "xsd": XSD_NS,
    "owl": str(OWL),
    "skos": SKOS_NS,
    "dcterms": DCTERMS_NS,
    "prov": PROV_NS,
    "oa": OA_NS,
    "schema": SCHEMA_NS,
}


class KZ(DefinedNamespace):
    """The ontology terms the code itself uses; a test checks each is declared in the TTL."""

    _NS = Namespace(KZ_NS)
    _fail = True

    Claim: rdflib.URIRef
    Passage: rdflib.URIRef
    Source: rdflib.URIRef
    DateValue: rdflib.URIRef
    statedIn: rdflib.URIRef
    evidence: rdflib.URIRef
    quote: rdflib.URIRef
    subjectAsWritten: rdflib.URIRef
    objectAsWritten: rdflib.URIRef
    sha256: rdflib.URIRef
    file: rdflib.URIRef
    director: rdflib.URIRef


def entity_iri(entity_id: str) -> str:
    return f"{BASE}id/{entity_id}"


def source_iri(source_id: str) -> str:
    return f"{BASE}source/{source_id}"


def graph_iri(name: str) -> str:
    return f"{BASE}graph/{name}"


def claim_iri(claim_id: str) -> str:
    return f"{BASE}claim/{claim_id}"


def passage_iri(source_id: str, start: int, end: int) -> str:
    return f"{BASE}passage/{source_id}-{start}-{end}"


# written by the build from a claim's evidence; a fact file may not state them
PROVENANCE_PROPERTIES = frozenset(
    {"statedIn", "evidence", "quote", "subjectAsWritten", "objectAsWritten", "sha256", "file"}
)


class ValueKind(enum.Enum):
    """What a property's values are, read from its declaration and rdfs:range."""

    ENTITY = "entity"  # owl:ObjectProperty: an entity id
    DATE = "date"  # kz:DateValue: YYYY, YYYY-MM or YYYY-MM-DD
    YEAR = "year"  # xsd:gYear
    TEXT = "text"  # rdf:langString: tagged with the passage's language
    STRING = "string"  # xsd:string
    NUMBER = "number"  # xsd:decimal / xsd:integer


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The classes and properties of the ontology, by local name."""

    classes: frozenset[str]
    event_classes: frozenset[str]
    properties: dict[str, ValueKind]

    def class_iri(self, name: str) -> str:
        return KZ_NS + name

    def property_iri(self, name: str) -> str:
        return KZ_NS + name


def load_vocabulary(path: Path) -> Vocabulary:
    """Read the ontology's classes and properties (with the kind of value each takes)."""
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    kz = Namespace(KZ_NS)

    def local(term: rdflib.term.Node | None) -> str | None:
        text = str(term)
        return text[len(KZ_NS) :] if text.startswith(KZ_NS) else None

    classes = {name for c in graph.subjects(RDF.type, OWL.Class) if (name := local(c))}
    event_root = kz.Event
    events: set[str] = set()
    for c in graph.transitive_subjects(RDFS.subClassOf, event_root):
        if (name := local(c)) and c != event_root:
            events.add(name)
    for extra in ("Performance", "Observation"):
        if extra in classes:
            events.add(extra)

    properties: dict[str, ValueKind] = {}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        if name := local(prop):
            properties[name] = ValueKind.ENTITY
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        if name := local(prop):
            properties[name] = _datatype_kind(graph.value(prop, RDFS.range), kz)
    for name in PROVENANCE_PROPERTIES:
        properties.pop(name, None)
    return Vocabulary(frozenset(classes), frozenset(events), properties)


def _datatype_kind(rng: rdflib.term.Node | None, kz: Namespace) -> ValueKind:
    if rng == kz.DateValue:
        return ValueKind.DATE
    if rng == XSD.gYear:
        return ValueKind.YEAR
    if rng == RDF.langString:
        return ValueKind.TEXT
    if rng in (XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.double):
        return ValueKind.NUMBER
    return ValueKind.STRING
