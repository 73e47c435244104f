"""Networks over HTTP (server.networks): every network in every format, the options, the errors.

Each answer is read back with a real reader (networkx for GraphML and GEXF, json, csv) and the
formats of one network agree on its size.
"""

from __future__ import annotations

import csv
import io
import json
from functools import partial
from typing import Any

import networkx as nx
import pytest
from flask.testing import FlaskClient

from kg.export import EXPORTERS
from kg.networks import NETWORKS, NetworkOptions
from kg.project import Project
from server.networks import GraphCache, ego_iri

WILD_EAST = "https://w3id.org/kazcinema/id/film/the-wild-east"
SEVEN_SAMURAI = "https://w3id.org/kazcinema/id/film/seven-samurai"
QUOTE = "loosely based on Akira Kurosawa's Seven Samurai"


def read_back(key: str, body: bytes) -> tuple[int, int]:
    """Nodes and edges of ``body`` as the reader of format ``key`` sees them."""
    if key in ("graphml", "gexf"):
        graph = (nx.read_graphml(io.BytesIO(body)) if key == "graphml"
                 else nx.read_gexf(io.BytesIO(body), version="1.3"))
        return graph.number_of_nodes(), graph.number_of_edges()
    if key == "cyjs":
        elements = json.loads(body)["elements"]
        return len(elements["nodes"]), len(elements["edges"])
    if key == "d3.json":
        data = json.loads(body)
        return len(data["nodes"]), len(data.get("links", data.get("edges", [])))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert rows and None not in rows[0], "a header row naming every column"
    return (len(rows), -1) if key == "nodes.csv" else (-1, len(rows))


def cyjs(client: FlaskClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


def edges(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["data"] for e in data["elements"]["edges"]]


def wild_east_edges(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in edges(data)
            if {e["source"], e["target"]} == {WILD_EAST, SEVEN_SAMURAI}]


@pytest.mark.parametrize("name", list(NETWORKS))
def test_every_format_opens_with_a_real_reader_and_agrees_on_the_size(
        client: FlaskClient, name: str) -> None:
    sizes = {}
    for key, exporter in EXPORTERS.items():
        response = client.get(f"/networks/{name}.{key}")
        assert response.status_code == 200, (key, response.get_data(as_text=True))
        assert response.mimetype == exporter.media_type.split(";")[0], key
        assert response.headers["ETag"] and "Accept" in response.headers["Vary"]
        disposition = response.headers["Content-Disposition"]
        assert f'filename="{name}.{key}"' in disposition
        assert disposition.startswith("inline" if key.endswith(("cyjs", "json")) else "attachment")
        sizes[key] = read_back(key, response.data)
    nodes, edge_count = sizes["graphml"]
    assert nodes > 0, f"the {name} network is empty"
    for key, (n, e) in sizes.items():
        assert n in (nodes, -1) and e in (edge_count, -1), (key, sizes)


def test_the_wild_east_rests_on_seven_samurai_with_its_source_and_quote(
        client: FlaskClient) -> None:
    found = wild_east_edges(cyjs(client, "/networks/influence.cyjs"))
    assert found, "no influence edge between The Wild East and Seven Samurai"
    edge = found[0]
    assert "002" in edge["sources"].split(";")
    assert QUOTE in edge["quotes"]
    assert all(c.startswith("https://w3id.org/kazcinema/claim/") for c in edge["claims"].split(";"))


def test_a_period_drops_the_edges_outside_it(client: FlaskClient) -> None:
    whole = cyjs(client, "/networks/influence.cyjs")
    sixties = cyjs(client, "/networks/influence.cyjs?from=1960&to=1969")
    assert wild_east_edges(whole) and not wild_east_edges(sixties)  # 1993
    assert len(edges(sixties)) < len(edges(whole))
    for edge in edges(sixties):
        if edge.get("start") is not None:
            assert edge["start"] <= 1969 and edge.get("end", edge["start"]) >= 1960, edge


def test_excluding_a_source_drops_what_rests_on_it_alone(client: FlaskClient) -> None:
    whole = cyjs(client, "/networks/influence.cyjs")
    without = cyjs(client, "/networks/influence.cyjs?exclude=002")
    assert not wild_east_edges(without)
    assert len(edges(without)) < len(edges(whole))
    assert all("002" not in e["sources"].split(";") for e in edges(without))
    only = cyjs(client, "/networks/influence.cyjs?source=002")
    assert wild_east_edges(only)
    assert all(set(e["sources"].split(";")) == {"002"} for e in edges(only))


def test_relation_and_ego_options_narrow_the_network(client: FlaskClient) -> None:
    whole = cyjs(client, "/networks/influence.cyjs")
    based_on = cyjs(client, "/networks/influence.cyjs?relation=basedOn")
    assert edges(based_on) and {e["relation"] for e in edges(based_on)} == {"basedOn"}
    assert len(edges(based_on)) < len(edges(whole))
    ids = []
    for ego in ("film/seven-samurai", "/id/film/seven-samurai", SEVEN_SAMURAI):
        data = cyjs(client, f"/networks/influence.cyjs?ego={ego}&radius=1")
        ids.append(sorted(n["data"]["id"] for n in data["elements"]["nodes"]))
    assert ids[0] == ids[1] == ids[2]
    assert WILD_EAST in ids[0] and len(ids[0]) < len(whole["elements"]["nodes"])


def test_labels_follow_the_language_order(client: FlaskClient) -> None:
    def labels(query: str) -> dict[str, str]:
        data = cyjs(client, f"/networks/influence.cyjs{query}")
        return {n["data"]["id"]: n["data"]["label"] for n in data["elements"]["nodes"]}

    revenge = "https://w3id.org/kazcinema/id/film/revenge"
    english, russian = labels(""), labels("?lang=ru,en")
    assert english.keys() == russian.keys()
    assert (english[revenge], russian[revenge]) == ("Revenge", "Месть")


def test_the_viewer_page_loads_the_network_with_its_options(client: FlaskClient) -> None:
    response = client.get("/networks/influence?from=1960&to=1969")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'data-url="/networks/influence.cyjs?from=1960&amp;to=1969"' in html
    assert "/static/cytoscape/cytoscape.min.js" in html and "network-viewer.js" in html
    assert "period: 1960–1969" in html
    assert 'href="/networks/influence.gexf?from=1960&amp;to=1969"' in html
    assert client.get("/static/cytoscape/cytoscape.min.js").status_code == 200


def test_options_change_the_etag_and_a_matching_conditional_get_is_304(
        client: FlaskClient) -> None:
    first = client.get("/networks/influence.graphml")
    tag = first.headers["ETag"]
    assert client.get("/networks/influence.graphml").headers["ETag"] == tag
    period = client.get("/networks/influence.graphml?from=1960&to=1969")
    assert period.headers["ETag"] != tag
    assert 'filename="influence-from-1960-to-1969.graphml"' in \
        period.headers["Content-Disposition"]
    assert client.get("/networks/influence.graphml",
                      headers={"If-None-Match": tag}).status_code == 304


def test_without_options_the_file_the_build_wrote_is_served(
        client: FlaskClient, built_project: Project) -> None:
    written = sorted((built_project.build.root / "current" / "networks").glob("influence.*"))
    assert written, "the build wrote no networks/ beside the dumps"
    for path in written:
        key = path.name.removeprefix("influence.")
        if key in EXPORTERS:
            assert client.get(f"/networks/{path.name}").data == path.read_bytes(), key


@pytest.mark.parametrize(("query", "parameter"), [
    ("from=abc", "from"), ("to=19x9", "to"), ("from=1970&to=1960", "from"),
    ("source=999", "999"), ("exclude=999", "999"), ("ego=film/no-such-film", "ego"),
    ("relation=noSuchRelation", "noSuchRelation"), ("radius=2", "ego"),
    ("lang=english", "english"), ("colour=red", "colour"),
])
def test_a_bad_option_is_a_400_that_names_it(
        client: FlaskClient, query: str, parameter: str) -> None:
    for url in (f"/networks/influence.graphml?{query}", f"/networks/influence?{query}"):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 400, (url, response.get_data(as_text=True))
        body = response.get_json()
        assert body["status"] == 400 and parameter in body["message"], body
        assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/networks/nonesuch.graphml", "/networks/nonesuch",
                                 "/networks/influence.xlsx"])
def test_an_unknown_network_or_format_is_a_404_naming_the_available_ones(
        client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 404
    message = response.get_json()["message"]
    expected = NETWORKS if "nonesuch" in url else EXPORTERS
    assert all(name in message for name in expected), message


def test_the_index_lists_every_network_with_its_size_and_links(client: FlaskClient) -> None:
    response = client.get("/networks")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for name in NETWORKS:
        assert f'href="/networks/{name}"' in html, name
        for key in EXPORTERS:
            assert f'href="/networks/{name}.{key}"' in html, (name, key)
        data = cyjs(client, f"/networks/{name}.cyjs")
        row = html.split(f'id="network-{name}"')[1].split("</tr>")[0]
        assert f"<td>{len(data['elements']['nodes'])}</td>" in row, row
    assert 'href="/networks"' in client.get("/").get_data(as_text=True)  # in the nav


def test_ego_is_an_iri_a_page_path_or_kind_slug() -> None:
    for value in ("film/x", "/id/film/x", "id/film/x", "https://w3id.org/kazcinema/id/film/x",
                  "http://localhost:5000/id/film/x"):
        assert ego_iri(value) == "https://w3id.org/kazcinema/id/film/x", value


def test_the_cache_keeps_the_latest_networks() -> None:
    cache = GraphCache(2)
    built: list[str] = []

    def build(name: str) -> nx.Graph:
        built.append(name)
        return nx.Graph(name=name)

    options = NetworkOptions()
    for name in ("a", "b", "a", "c", "a", "b"):
        cache.get(("r1", name, options), partial(build, name))
    assert built == ["a", "b", "c", "b"]
