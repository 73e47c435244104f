"""Result formats by media type and by short name, from pyoxigraph's own format objects."""

from __future__ import annotations

from pyoxigraph import QueryResultsFormat, RdfFormat


def bare_media_type(fmt: QueryResultsFormat | RdfFormat) -> str:
    """The media type without parameters (pyoxigraph says "text/csv; charset=utf-8")."""
    return fmt.media_type.split(";")[0]


# SELECT / ASK; the first is the default for clients that send no Accept
RESULT_FORMATS: dict[str, QueryResultsFormat] = {
    bare_media_type(f): f
    for f in (QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.CSV,
              QueryResultsFormat.TSV)
}
RESULT_ALIASES: dict[str, QueryResultsFormat] = {
    "application/json": QueryResultsFormat.JSON,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
}
# CONSTRUCT / DESCRIBE
GRAPH_FORMATS: dict[str, RdfFormat] = {
    bare_media_type(f): f
    for f in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG,
              RdfFormat.RDF_XML, RdfFormat.JSON_LD)
}
GRAPH_ALIASES: dict[str, RdfFormat] = {
    "application/x-turtle": RdfFormat.TURTLE,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/json": RdfFormat.JSON_LD,
}
HTML = "text/html"

# ?format= short names (file extensions and common names) → media type
SHORT_NAMES: dict[str, str] = {
    "json": "application/sparql-results+json", "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
    "ntriples": "application/n-triples", "nq": "application/n-quads",
    "nquads": "application/n-quads", "trig": "application/trig", "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json", "html": HTML,
}
