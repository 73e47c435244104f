"""The VoID description of the dataset (https://www.w3.org/TR/void/), computed from a store.

The build writes it into the release as ``void.ttl``, beside the dumps it lists: counting
needs a pass over every quad, which a request should not pay for, and the file travels with
the release it describes. Links to the endpoint and the dumps are written under ``BASE``
(``{BASE}sparql``, ``{BASE}dumps/<name>``); the server answers for BASE under its own host and
rewrites those two kinds of link to it when it serves the description.

IRIs: the description is ``{BASE}void`` (a ``void:DatasetDescription``), the dataset
``{BASE}void#dataset``, its class and property partitions ``{BASE}void#class-kz-Film``,
``{BASE}void#property-kz-director`` (prefixed name, or a hash for an IRI without a prefix).
Each named graph is a ``void:subset`` under its own IRI (``{BASE}graph/002``), so what
``graph/sources`` says of it (``dcterms:source``) and what VoID says agree.

VoID counts triples, not quads: ``void:triples`` of the dataset is the number of distinct
triples in the union of the graphs (what a query without GRAPH sees); each subset's
``void:triples`` is its graph's size, so their sum is the number of quads.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, serialize

from kg.dumps import DUMPS
from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH
from kg.vocab import (
    BASE,
    DATA_LICENSE,
    DCTERMS_NS,
    KZ_NS,
    ONTOLOGY_IRI,
    PREFIXES,
    RDF_NS,
    XSD_NS,
    graph_iri,
)

VOID_NS = "http://rdfs.org/ns/void#"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
FORMATS_NS = "http://www.w3.org/ns/formats/"
DESCRIPTION_IRI = BASE + "void"
DATASET_IRI = DESCRIPTION_IRI + "#dataset"
ENDPOINT_IRI = BASE + "sparql"
PREFIXES_WITH_VOID = {**PREFIXES, "void": VOID_NS, "foaf": FOAF_NS}

TITLE = "Kazcinema: a knowledge graph of the history of cinema in Kazakhstan"
DESCRIPTION = (
    "What five texts in English, Kazakh and Russian say about the history of cinema in "
    "Kazakhstan, as claims with evidence: one named graph per text, every asserted triple "
    "reified as a claim with its source, exact quote and character offsets; a curated entity "
    "catalogue with names in every script; source metadata; the Kazcinema ontology."
)
GRAPH_TITLES = {
    ENTITIES_GRAPH: "the curated entity catalogue",
    SOURCES_GRAPH: "metadata of the source texts",
    ONTOLOGY_GRAPH: "the Kazcinema ontology",
}
# example resources: the most described catalogue entity of each of these classes
EXAMPLE_CLASSES = ("Film", "Person", "Organisation")
DUMP_FORMATS = {  # the W3C's IRIs of the dumps' formats, as void:feature
    RdfFormat.N_QUADS: "N-Quads", RdfFormat.TRIG: "TriG", RdfFormat.TURTLE: "Turtle",
    RdfFormat.JSON_LD: "JSON-LD",
}


@dataclass(frozen=True, slots=True)
class Statistics:
    """What VoID counts, from one pass over the store."""

    quads: int
    triples: int  # distinct triples of the union of all graphs
    entities: int  # distinct IRI subjects under BASE
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]  # class IRI → distinct instances
    properties: dict[str, int]  # property IRI → distinct triples
    graphs: dict[str, int]  # graph IRI → quads
    graph_sources: dict[str, str]  # graph IRI → the source it holds the claims of
    examples: list[str]


def count_statistics(store: Store) -> Statistics:
    graphs: Counter[str] = Counter()
    triples: set[Triple] = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        graphs[quad.graph_name.value] += 1  # type: ignore[union-attr]
        triples.add(quad.triple)
    rdf_type = RDF_NS + "type"
    instances: dict[str, set[str]] = {}  # class IRI → its instances in N-Triples form
    described: Counter[str] = Counter()
    for t in triples:
        described[str(t.subject)] += 1
        if t.predicate.value == rdf_type and isinstance(t.object, NamedNode):
            instances.setdefault(t.object.value, set()).add(str(t.subject))
    subjects = {t.subject for t in triples}
    sources = {
        t.subject.value: t.object.value for t in triples
        if t.predicate.value == DCTERMS_NS + "source" and isinstance(t.subject, NamedNode)
        and isinstance(t.object, NamedNode) and t.subject.value in graphs
    }
    examples = []
    for name in EXAMPLE_CLASSES:
        members = [m for m in instances.get(KZ_NS + name, ()) if m.startswith("<")]
        if members:  # the most described; ties to the first IRI
            best = min(members, key=lambda m: (-described[m], m))
            examples.append(best[1:-1])
    return Statistics(
        quads=sum(graphs.values()),
        triples=len(triples),
        entities=sum(1 for s in subjects
                     if isinstance(s, NamedNode) and s.value.startswith(BASE)),
        distinct_subjects=len(subjects),
        distinct_objects=len({t.object for t in triples}),
        classes={c: len(m) for c, m in sorted(instances.items())},
        properties=dict(sorted(Counter(t.predicate.value for t in triples).items())),
        graphs=dict(sorted(graphs.items())),
        graph_sources=dict(sorted(sources.items())),
        examples=examples,
    )


def void_triples(stats: Statistics, *, modified: datetime, dumps: Iterable[str],
                 endpoint: str = ENDPOINT_IRI) -> list[Triple]:
    """The description: the dataset, its partitions and subsets. ``dumps``: their URLs."""
    void, dct = _Namespace(VOID_NS), _Namespace(DCTERMS_NS)
    a = NamedNode(RDF_NS + "type")
    ds = NamedNode(DATASET_IRI)
    doc = NamedNode(DESCRIPTION_IRI)
    out = [
        Triple(doc, a, void("DatasetDescription")),
        Triple(doc, dct("title"), Literal("VoID description of Kazcinema", language="en")),
        Triple(doc, NamedNode(FOAF_NS + "primaryTopic"), ds),
        Triple(ds, a, void("Dataset")),
        Triple(ds, dct("title"), Literal(TITLE, language="en")),
        Triple(ds, dct("description"), Literal(DESCRIPTION, language="en")),
        Triple(ds, dct("license"), NamedNode(DATA_LICENSE)),
        Triple(ds, dct("modified"), Literal(modified.isoformat(timespec="seconds"),
                                            datatype=NamedNode(XSD_NS + "dateTime"))),
        Triple(ds, NamedNode(FOAF_NS + "homepage"), NamedNode(BASE)),
        Triple(ds, void("sparqlEndpoint"), NamedNode(endpoint)),
        Triple(ds, void("uriSpace"), Literal(BASE)),
        Triple(ds, void("triples"), _int(stats.triples)),
        Triple(ds, void("entities"), _int(stats.entities)),
        Triple(ds, void("distinctSubjects"), _int(stats.distinct_subjects)),
        Triple(ds, void("distinctObjects"), _int(stats.distinct_objects)),
        Triple(ds, void("classes"), _int(len(stats.classes))),
        Triple(ds, void("properties"), _int(len(stats.properties))),
        Triple(ds, NamedNode(PREFIXES["rdfs"] + "comment"), Literal(
            f"{stats.quads} quads in {len(stats.graphs)} named graphs (each a void:subset); "
            f"{stats.triples} distinct triples in their union, the default graph of the "
            "SPARQL endpoint.", language="en")),
    ]
    out += [Triple(ds, void("dataDump"), NamedNode(url)) for url in dumps]
    out += [Triple(ds, void("feature"), NamedNode(FORMATS_NS + name))
            for name in sorted(set(DUMP_FORMATS.values()))]
    out += [Triple(ds, void("vocabulary"), NamedNode(v)) for v in _vocabularies(stats)]
    out += [Triple(ds, void("exampleResource"), NamedNode(iri)) for iri in stats.examples]
    # the dataset's links first, then each part: Turtle then writes every node once
    parts: list[Triple] = []
    for cls, count in stats.classes.items():
        part = NamedNode(f"{DESCRIPTION_IRI}#class-{_fragment(cls)}")
        out.append(Triple(ds, void("classPartition"), part))
        parts += [Triple(part, a, void("Dataset")), Triple(part, void("class"), NamedNode(cls)),
                  Triple(part, void("entities"), _int(count))]
    for prop, count in stats.properties.items():
        part = NamedNode(f"{DESCRIPTION_IRI}#property-{_fragment(prop)}")
        out.append(Triple(ds, void("propertyPartition"), part))
        parts += [Triple(part, a, void("Dataset")),
                  Triple(part, void("property"), NamedNode(prop)),
                  Triple(part, void("triples"), _int(count))]
    for graph, count in stats.graphs.items():
        node = NamedNode(graph)
        out.append(Triple(ds, void("subset"), node))
        parts += [Triple(node, a, void("Dataset")), Triple(node, void("triples"), _int(count)),
                  Triple(node, dct("title"), Literal(_graph_title(graph), language="en"))]
        if graph in stats.graph_sources:
            parts.append(Triple(node, dct("source"), NamedNode(stats.graph_sources[graph])))
    return out + parts


def dump_iris() -> list[str]:
    """Where the dumps are published: ``{BASE}dumps/<name>``."""
    return [f"{BASE}dumps/{name}" for name in DUMPS]


def write_void(store: Store, path: Path, *, modified: datetime) -> Statistics:
    """Count the store and write its description as Turtle; returns the counts."""
    stats = count_statistics(store)
    data = serialize(void_triples(stats, modified=modified, dumps=dump_iris()),
                     format=RdfFormat.TURTLE, prefixes=PREFIXES_WITH_VOID) or b""
    path.write_bytes(data)
    return stats


class _Namespace:
    """``void("triples")`` → ``NamedNode(VOID_NS + "triples")``."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def __call__(self, name: str) -> NamedNode:
        return NamedNode(self.namespace + name)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=NamedNode(XSD_NS + "integer"))


def _graph_title(graph: str) -> str:
    name = graph.removeprefix(graph_iri(""))
    return GRAPH_TITLES.get(name, f"what source text {name} says: its claims and passages")


def _fragment(iri: str) -> str:
    """``kz-Film`` for a prefixed IRI, a short hash otherwise; safe in a fragment."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = iri.removeprefix(namespace)
        if local != iri and local:
            return f"{prefix}-{quote(local, safe='-._~')}"
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _vocabularies(stats: Statistics) -> list[str]:
    """The namespaces of the classes and properties used; the ontology by its own IRI."""
    used = {_namespace(iri) for iri in [*stats.classes, *stats.properties]}
    return sorted(ONTOLOGY_IRI if ns == KZ_NS else ns for ns in used)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]
