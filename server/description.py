"""What the endpoint says about itself, and whole graphs by the Graph Store Protocol (reads).

- ``GET /sparql`` asking for RDF and giving no query: the SPARQL 1.1 Service Description.
- ``GET /sparql?graph=IRI`` / ``?default`` (also at ``/store``, as Oxigraph's server has it):
  the triples of one named graph, or of the default graph (the union of all graphs), in any
  RDF format by Accept.
- ``GET /status``: the dataset version, triples, graphs, uptime, as JSON.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Response, jsonify, request, url_for
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    serialize,
)

from kg.results import graph_prefixes, graph_quads
from server.errors import ApiError
from server.formats import GRAPH_FORMATS, RESULT_FORMATS, SHORT_NAMES
from server.state import get_state

bp = Blueprint("description", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMAT_IRIS = {  # the W3C's IRIs for result and RDF formats
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
}


def _rdf_format() -> RdfFormat:
    forced = request.args.get("format")
    if forced:
        media = SHORT_NAMES.get(forced.lower(), forced.lower())
        if media not in GRAPH_FORMATS:
            raise ApiError(400, f"unknown RDF format {forced!r}; use one of "
                           f"{', '.join(GRAPH_FORMATS)}")
        return GRAPH_FORMATS[media]
    if not request.headers.get("Accept"):
        return RdfFormat.TURTLE
    best = request.accept_mimetypes.best_match(list(GRAPH_FORMATS))
    if best is None:
        raise ApiError(406, f"graphs are available as {', '.join(GRAPH_FORMATS)}")
    return GRAPH_FORMATS[best]


def _rdf_response(quads: list[Quad], fmt: RdfFormat) -> Response:
    data = serialize(graph_quads((q.triple for q in quads), fmt), format=fmt,  # type: ignore[arg-type]
                     prefixes=graph_prefixes(fmt))
    response = Response(data or b"", content_type=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


def service_description() -> Response:
    endpoint = NamedNode(url_for("sparql.sparql", _external=True))
    service, dataset, default = BlankNode("service"), BlankNode("dataset"), BlankNode("default")
    g = DefaultGraph()

    def sd(name: str) -> NamedNode:
        return NamedNode(SD + name)

    quads = [
        Quad(service, RDF_TYPE, sd("Service"), g),
        Quad(service, sd("endpoint"), endpoint, g),
        Quad(service, sd("supportedLanguage"), sd("SPARQL11Query"), g),
        Quad(service, sd("feature"), sd("UnionDefaultGraph"), g),
        Quad(service, sd("feature"), sd("BasicFederatedQuery"), g),
        Quad(service, sd("defaultDataset"), dataset, g),
        Quad(dataset, RDF_TYPE, sd("Dataset"), g),
        Quad(dataset, sd("defaultGraph"), default, g),
        Quad(default, RDF_TYPE, sd("Graph"), g),
    ]
    for media in [*RESULT_FORMATS, *GRAPH_FORMATS]:
        if media in FORMAT_IRIS:
            quads.append(Quad(service, sd("resultFormat"), NamedNode(FORMAT_IRIS[media]), g))
    for i, graph in enumerate(_graphs()):
        node = BlankNode(f"g{i}")
        quads += [Quad(dataset, sd("namedGraph"), node, g),
                  Quad(node, RDF_TYPE, sd("NamedGraph"), g),
                  Quad(node, sd("name"), NamedNode(graph), g)]
    return _rdf_response(quads, _rdf_format())


def _graphs() -> list[str]:
    result = get_state().store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert isinstance(result, QuerySolutions)
    return sorted(row["g"].value for row in result)


@bp.get("/store")
def graph_store_read() -> Response:
    """Graph Store Protocol, read-only: ``?graph=IRI`` or ``?default``."""
    graph = request.args.get("graph")
    if graph is None and "default" not in request.args:
        raise ApiError(400, "give ?graph=IRI (one named graph) or ?default (the default "
                       "graph: the union of all graphs)")
    fmt = _rdf_format()
    store = get_state().store
    if graph is not None:
        if graph not in _graphs():
            raise ApiError(404, f"no graph named <{graph}>; the graphs are listed by the "
                           "service description (GET /sparql with Accept: text/turtle)")
        quads = list(store.quads_for_pattern(None, None, None, NamedNode(graph)))
    else:
        seen = set()
        quads = []
        for quad in store.quads_for_pattern(None, None, None, None):
            if quad.triple not in seen:
                seen.add(quad.triple)
                quads.append(quad)
    return _rdf_response(quads, fmt)


@bp.get("/status")
def status() -> Response:
    state = get_state()
    release = state.release()
    manifest = release.manifest
    graphs = manifest.get("graphs")
    if not graphs:
        result = state.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        assert isinstance(result, QuerySolutions)
        graphs = {row["g"].value: int(row["n"].value)
                  for row in result}
    quads = manifest.get("quads") or sum(graphs.values())
    return jsonify({
        "dataset": {"version": release.id, "modified": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(release.modified)),
            "claims": manifest.get("claims"), "entities": manifest.get("entities")},
        "quads": quads,
        "graphs": graphs,
        "uptime_s": round(time.time() - state.started, 1),
        "process": os.getpid(),
        "query_deadline_s": state.deadline,
        "queries_stopped_at_deadline": state.executor.killed,
        "client_concurrency_limit": state.client_slots.limit,
    })

