"""Network exports: one registry of writers, keyed by file suffix, read by the CLI, the HTTP
routes and the build (which writes every network in every format beside the dumps).

- ``graphml``: yEd, Cytoscape desktop, igraph (``networkx.write_graphml``);
- ``gexf``: Gephi, its timeline from the ``start``/``end`` of nodes and edges (networkx's GEXF
  writer, as 1.3: below);
- ``cyjs``: Cytoscape.js (``networkx.cytoscape_data``: ``elements.nodes[].data.id``,
  ``elements.edges[].data.source/target``, every attribute in ``data``);
- ``d3.json``: d3 force layouts (``networkx.node_link_data``: ``nodes``, ``links``);
- ``nodes.csv``, ``edges.csv``: Gephi's spreadsheet import, Palladio (``csv``, header rows
  ``Id,Label,…`` and ``Source,Target,Type,Weight,…``).

**GEXF 1.3.** networkx 3.6 has a ``"1.3"`` entry in ``GEXF.versions``, but writes what 1.3's
schema (gephi/gexf ``1.3/gexf.rnc``, ``dynamics.rnc``) does not allow, so the writer here is
networkx's with these corrections: the ``xsi`` namespace is ``http://www.w3.org/2001/
XMLSchema-instance`` (networkx's entry drops the ``www.``); ``timeformat`` is ``integer`` (1.3
allows integer, double, date, dateTime; networkx writes ``long`` for ints); 1.3 removed ``mode``
from ``<attributes>`` and has no ``name`` on ``<graph>`` (the name goes to
``<meta><description>``); ``timerepresentation="interval"`` is stated. ``lastmodifieddate`` is
left out so that the same store gives the same bytes. ``networkx.read_gexf(path,
version="1.3")`` reads the result back.

Output is deterministic: the networks come with sorted nodes and edges, and every writer keeps
their order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar
from xml.etree.ElementTree import Element, SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXF, GEXFWriter
from pyoxigraph import Store

from kg.networks import NETWORKS, build_network

log = logging.getLogger("kg.export")

GEXF_VERSION = "1.3"
NS_GEXF = "http://gexf.net/1.3"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True, slots=True)
class Exporter:
    key: str
    media_type: str
    description: str
    write: Callable[[nx.Graph, BinaryIO], None]


class Gexf13Writer(GEXFWriter):  # type: ignore[misc]
    """networkx's GEXF writer with a correct 1.3 namespace table (see the module docstring)."""

    versions: ClassVar[dict[str, dict[str, str]]] = {
        **GEXF.versions,
        GEXF_VERSION: {
            "NS_GEXF": NS_GEXF,
            "NS_VIZ": "http://gexf.net/1.3/viz",
            "NS_XSI": NS_XSI,
            "SCHEMALOCATION": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            "VERSION": "1.3",
        },
    }


def write_gexf(graph: nx.Graph, out: BinaryIO) -> None:
    writer = Gexf13Writer(version=GEXF_VERSION, prettyprint=True)
    writer.add_graph(graph)
    root: Element = writer.xml
    meta = root.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = f"Kazcinema (networkx {nx.__version__})"
        SubElement(meta, "description").text = (
            f"{graph.graph.get('name', '')}: {graph.graph.get('description', '')}")
    element = root.find("graph")
    assert element is not None
    element.attrib.pop("name", None)
    if element.get("timeformat") == "long":
        element.set("timeformat", "integer")
    if element.get("mode") == "dynamic":
        element.set("timerepresentation", "interval")
    for attributes in element.findall("attributes"):
        attributes.attrib.pop("mode", None)
    writer.write(out)


def write_graphml(graph: nx.Graph, out: BinaryIO) -> None:
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)


def _write_json(data: Any, out: BinaryIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    out.write(b"\n")


def write_cytoscape(graph: nx.Graph, out: BinaryIO) -> None:
    data = nx.cytoscape_data(graph, name="label")
    for index, edge in enumerate(data["elements"]["edges"]):
        edge["data"]["id"] = f"e{index}"
    _write_json(data, out)


def write_node_link(graph: nx.Graph, out: BinaryIO) -> None:
    _write_json(nx.node_link_data(graph, edges="links"), out)


NODE_COLUMNS = (("Id", "iri"), ("Label", "label"), ("Kind", "kind"), ("Start", "start"),
                ("End", "end"), ("Degree", "degree"), ("Betweenness", "betweenness"),
                ("PageRank", "pagerank"), ("Community", "community"), ("URL", "url"))
EDGE_COLUMNS = (("Relation", "relation"), ("Start", "start"), ("End", "end"),
                ("Sources", "sources"), ("SourceCount", "source_count"), ("Claims", "claims"),
                ("Quotes", "quotes"))


def _csv_writer(out: BinaryIO) -> tuple[io.TextIOWrapper, Any]:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    return text, csv.writer(text)


def write_nodes_csv(graph: nx.Graph, out: BinaryIO) -> None:
    text, writer = _csv_writer(out)
    writer.writerow([title for title, _ in NODE_COLUMNS])
    for node, attrs in graph.nodes(data=True):
        row = [attrs.get(key, "") for _, key in NODE_COLUMNS]
        row[0] = node
        writer.writerow(row)
    text.detach()


def write_edges_csv(graph: nx.Graph, out: BinaryIO) -> None:
    text, writer = _csv_writer(out)
    kind = "Directed" if graph.is_directed() else "Undirected"
    writer.writerow(["Source", "Target", "Type", "Weight", *(t for t, _ in EDGE_COLUMNS)])
    for u, v, attrs in graph.edges(data=True):
        writer.writerow([u, v, kind, attrs.get("weight", 1.0),
                         *(attrs.get(key, "") for _, key in EDGE_COLUMNS)])
    text.detach()


EXPORTERS: dict[str, Exporter] = {e.key: e for e in (
    Exporter("graphml", "application/graphml+xml", "GraphML (yEd, Cytoscape, igraph)",
             write_graphml),
    Exporter("gexf", "application/gexf+xml", "GEXF 1.3 with time intervals (Gephi)",
             write_gexf),
    Exporter("cyjs", "application/json", "Cytoscape.js JSON (elements)", write_cytoscape),
    Exporter("d3.json", "application/json", "d3 node-link JSON (nodes, links)",
             write_node_link),
    Exporter("nodes.csv", "text/csv; charset=utf-8",
             "nodes with a header row (Gephi spreadsheet import, Palladio)", write_nodes_csv),
    Exporter("edges.csv", "text/csv; charset=utf-8",
             "edges with a header row (Gephi spreadsheet import, Palladio)", write_edges_csv),
)}


def export_bytes(graph: nx.Graph, key: str) -> bytes:
    """The graph in the format ``key`` (a key of EXPORTERS; KeyError for another)."""
    exporter = EXPORTERS[key]
    out = io.BytesIO()
    exporter.write(graph, out)
    return out.getvalue()


def write_network_files(store: Store, target: Path) -> dict[str, str]:
    """Every network with default options in every format, as ``{network}.{key}`` files in
    ``target`` with a SHA256SUMS; returns file name → SHA-256."""
    target.mkdir(parents=True, exist_ok=True)
    sums: dict[str, str] = {}
    for name in NETWORKS:
        started = time.perf_counter()
        graph = build_network(store, name)
        size = 0
        for key in EXPORTERS:
            data = export_bytes(graph, key)
            (target / f"{name}.{key}").write_bytes(data)
            sums[f"{name}.{key}"] = hashlib.sha256(data).hexdigest()
            size += len(data)
        log.info("networks: %s: %d nodes, %d edges, %d files, %s bytes (%.2f s)", name,
                 graph.number_of_nodes(), graph.number_of_edges(), len(EXPORTERS),
                 f"{size:,}", time.perf_counter() - started)
    (target / "SHA256SUMS").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8")
    return sums
