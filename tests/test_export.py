"""Every network export re-opens in a real reader (networkx, igraph, json, csv) with the nodes,
edges and time attributes of the graph; the CLI writes files and rejects bad options; the
build writes every network in every format."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph
import networkx as nx
import pytest
from cli_runner import kazcinema
from pyoxigraph import Store

from kg.export import EXPORTERS, export_bytes, write_network_files
from kg.networks import NETWORKS, build_network
from kg.project import Project
from kg.store import open_read_only
from kg.vocab import entity_iri

WILD_EAST = entity_iri("film/the-wild-east")
SEVEN_SAMURAI = entity_iri("film/seven-samurai")
GEXF = "{http://gexf.net/1.3}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


@pytest.fixture(scope="module")
def store(built_project: Project) -> Store:
    return open_read_only(built_project.build.store)


@pytest.fixture(scope="module")
def influence(store: Store) -> nx.DiGraph:
    return build_network(store, "influence")


@pytest.fixture(scope="module")
def collaboration(store: Store) -> nx.Graph:
    return build_network(store, "collaboration")


def test_the_registry_has_every_format() -> None:
    assert set(EXPORTERS) == {"graphml", "gexf", "cyjs", "d3.json", "nodes.csv", "edges.csv"}
    for key, exporter in EXPORTERS.items():
        assert exporter.key == key and exporter.media_type and exporter.description
    with pytest.raises(KeyError):
        export_bytes(nx.Graph(), "png")


@pytest.mark.parametrize("name", ["influence", "collaboration"])
def test_graphml_reopens_in_networkx_with_its_attributes(store: Store, name: str) -> None:
    graph = build_network(store, name)
    back = nx.read_graphml(io.BytesIO(export_bytes(graph, "graphml")))
    assert back.is_directed() == graph.is_directed()
    assert sorted(back.nodes) == sorted(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    for node, attrs in graph.nodes(data=True):
        assert back.nodes[node] == attrs
    for u, v, attrs in graph.edges(data=True):
        assert back.edges[u, v] == attrs


def test_graphml_reopens_in_igraph(influence: nx.DiGraph, tmp_path: Path) -> None:
    path = tmp_path / "influence.graphml"
    path.write_bytes(export_bytes(influence, "graphml"))
    graph = igraph.Graph.Read_GraphML(str(path))  # igraph's C reader wants a real file
    assert graph.is_directed()
    assert graph.vcount() == influence.number_of_nodes()
    assert graph.ecount() == influence.number_of_edges()
    ids = graph.vs["id"]
    assert sorted(ids) == sorted(influence.nodes)
    wild = graph.vs[ids.index(WILD_EAST)]
    assert wild["label"] == "The Wild East" and wild["kind"] == "Film"
    assert wild["start"] == 1993
    edge = graph.es[graph.get_eid(ids.index(WILD_EAST), ids.index(SEVEN_SAMURAI))]
    assert edge["relation"] == "basedOn" and edge["sources"] == "002"
    assert edge["weight"] == 1.0 and edge["start"] == 1993


def test_gexf_is_version_1_3_with_time(influence: nx.DiGraph) -> None:
    root = ET.fromstring(export_bytes(influence, "gexf"))
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    assert root.get(f"{XSI}schemaLocation") == "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    assert root.find(f"{GEXF}meta/{GEXF}description") is not None
    assert root.find(f"{GEXF}meta").get("lastmodifieddate") is None  # type: ignore[union-attr]
    graph = root.find(f"{GEXF}graph")
    assert graph is not None
    assert graph.get("defaultedgetype") == "directed"
    assert graph.get("mode") == "dynamic"
    assert graph.get("timeformat") == "integer"
    assert graph.get("timerepresentation") == "interval"
    # 1.3 has no name on <graph> and no mode on <attributes>
    assert graph.get("name") is None
    assert all(a.get("mode") is None for a in graph.iter(f"{GEXF}attributes"))
    nodes = graph.findall(f"{GEXF}nodes/{GEXF}node")
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    assert len(nodes) == influence.number_of_nodes()
    assert len(edges) == influence.number_of_edges()
    wild = next(n for n in nodes if n.get("id") == WILD_EAST)
    assert wild.get("start") == "1993" and wild.get("label") == "The Wild East"
    edge = next(e for e in edges if (e.get("source"), e.get("target")) == (WILD_EAST,
                                                                          SEVEN_SAMURAI))
    assert (edge.get("start"), edge.get("end")) == ("1993", "1993")
    dated = [e for e in edges if e.get("start") is not None]
    assert dated and all(e.get("end") is not None for e in dated)


def test_gexf_reopens_in_networkx(collaboration: nx.Graph) -> None:
    back = nx.read_gexf(io.BytesIO(export_bytes(collaboration, "gexf")), version="1.3")
    assert not back.is_directed()
    assert back.graph["mode"] == "dynamic"
    assert back.number_of_nodes() == collaboration.number_of_nodes()
    assert back.number_of_edges() == collaboration.number_of_edges()
    aimanov = entity_iri("person/shaken-aimanov")
    kuanyshbaev = entity_iri("person/kalibek-kuanyshbaev")
    edge = back.edges[aimanov, kuanyshbaev]
    assert edge["weight"] == 2.0
    assert edge["start"] == collaboration.edges[aimanov, kuanyshbaev]["start"]
    assert isinstance(edge["start"], int) and isinstance(edge["end"], int)
    assert back.nodes[aimanov]["label"] == collaboration.nodes[aimanov]["label"]
    assert back.nodes[aimanov]["community"] == collaboration.nodes[aimanov]["community"]


def test_cytoscape_json_reopens(influence: nx.DiGraph) -> None:
    data = json.loads(export_bytes(influence, "cyjs"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert len(nodes) == influence.number_of_nodes()
    assert len(edges) == influence.number_of_edges()
    assert all(n["data"]["id"] and n["data"]["name"] == n["data"]["label"] for n in nodes)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    wild = next(e["data"] for e in edges if e["data"]["source"] == WILD_EAST)
    assert wild["target"] == SEVEN_SAMURAI and wild["quotes"] and wild["claims"]
    back = nx.cytoscape_graph(data)
    assert back.is_directed()
    assert sorted(back.nodes) == sorted(influence.nodes)
    assert back.edges[WILD_EAST, SEVEN_SAMURAI]["relation"] == "basedOn"


def test_d3_node_link_json_reopens(collaboration: nx.Graph) -> None:
    data = json.loads(export_bytes(collaboration, "d3.json"))
    assert len(data["nodes"]) == collaboration.number_of_nodes()
    assert len(data["links"]) == collaboration.number_of_edges()
    assert {"source", "target", "weight", "sources"} <= set(data["links"][0])
    back = nx.node_link_graph(data, edges="links")
    assert nx.utils.graphs_equal(back, collaboration)


def test_csv_nodes_and_edges_have_headers_and_a_row_each(influence: nx.DiGraph) -> None:
    nodes = list(csv.DictReader(io.StringIO(export_bytes(influence, "nodes.csv").decode())))
    edges = list(csv.DictReader(io.StringIO(export_bytes(influence, "edges.csv").decode())))
    assert len(nodes) == influence.number_of_nodes()
    assert len(edges) == influence.number_of_edges()
    assert list(nodes[0])[:2] == ["Id", "Label"]
    assert list(edges[0])[:4] == ["Source", "Target", "Type", "Weight"]
    wild = next(row for row in nodes if row["Id"] == WILD_EAST)
    assert wild["Label"] == "The Wild East" and wild["Start"] == "1993"
    assert wild["End"] == ""  # unknown: empty, never "None"
    edge = next(row for row in edges if row["Source"] == WILD_EAST)
    assert edge["Target"] == SEVEN_SAMURAI and edge["Type"] == "Directed"
    assert edge["Relation"] == "basedOn" and edge["Sources"] == "002"
    assert "Seven Samurai" in edge["Quotes"]
    assert all("None" not in row.values() for row in nodes + edges)


@pytest.mark.parametrize("key", list(EXPORTERS))
def test_exports_are_deterministic(store: Store, key: str) -> None:
    first = export_bytes(build_network(store, "comention"), key)
    assert first == export_bytes(build_network(store, "comention"), key)


def test_cli_writes_a_file(built_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "nineties.gexf"
    result = kazcinema(built_project, "export", "influence", "--format", "gexf", "--lang",
                       "kk,en", "--start", "1990", "--end", "1999", "-o", str(out))
    assert result.returncode == 0, result.stderr
    back = nx.read_gexf(out, version="1.3")
    assert back.has_edge(WILD_EAST, SEVEN_SAMURAI)
    assert not back.has_edge(entity_iri("film/the-needle"), entity_iri("movement/kazakh-new-wave"))
    result = kazcinema(built_project, "export", "collaboration", "--format", "nodes.csv",
                       "--ego", "person/rashid-nugmanov", "--exclude", "001", "003")
    assert result.returncode == 0, result.stderr
    ids = {row["Id"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert ids == {entity_iri("person/rashid-nugmanov"), entity_iri("person/viktor-tsoi")}


@pytest.mark.parametrize(("args", "message"), [
    (("friendship",), "error: NETWORK: unknown network 'friendship'"),
    (("influence", "--format", "png"), "error: --format: unknown format 'png'"),
    (("influence", "--source", "009"), "error: --source: unknown source 009"),
    (("influence", "--relation", "likes"), "error: --relation: unknown relation likes"),
    (("influence", "--start", "nineteen"), "error: --start: not a whole number"),
    (("influence", "--ego", "person/nobody-at-all"), "error: --ego: no entity"),
])
def test_cli_rejects_a_bad_option_in_one_line(built_project: Project, args: tuple[str, ...],
                                              message: str) -> None:
    result = kazcinema(built_project, "export", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_the_build_wrote_every_network_in_every_format(built_project: Project,
                                                       tmp_path: Path) -> None:
    release = built_project.build.current_release()
    manifest = built_project.build.read_manifest()
    assert release is not None and manifest is not None
    folder = release / "networks"
    expected = {f"{name}.{key}" for name in NETWORKS for key in EXPORTERS}
    assert set(manifest["networks"]) == expected
    assert {p.name for p in folder.iterdir()} == expected | {"SHA256SUMS"}
    for name, digest in manifest["networks"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    back = nx.read_graphml(folder / "influence.graphml")
    assert back.edges[WILD_EAST, SEVEN_SAMURAI]["sources"] == "002"
    # the same store gives the same files
    again = write_network_files(open_read_only(built_project.build.store), tmp_path)
    assert again == manifest["networks"]
