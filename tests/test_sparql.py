"""The SPARQL 1.1 Protocol at /sparql: three forms, every format, every error status."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parents[1]
NEEDLE = """SELECT ?name ?source ?quote WHERE {
  ?film skos:prefLabel "The Needle"@en .
  ?claim rdf:reifies <<( ?film kz:director ?director )>> ;
         kz:statedIn ?source ; kz:quote ?quote .
  ?director skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), "en"))
}"""
CONSTRUCT = """CONSTRUCT { ?claim ?p ?o } WHERE {
  ?film skos:prefLabel "The Needle"@en .
  ?claim rdf:reifies <<( ?film kz:director ?d )>> ; ?p ?o }"""
SOURCE_002 = "https://w3id.org/kazcinema/source/002"


def check_needle_json(data: dict[str, object]) -> None:
    rows = data["results"]["bindings"]  # type: ignore[index]
    assert rows, "The Needle has a director"
    assert {r["name"]["value"] for r in rows} == {"Rashid Nugmanov"}
    assert {r["source"]["value"] for r in rows} == {SOURCE_002}
    assert any("directed by Rashid Nugmanov" in r["quote"]["value"] for r in rows)


def test_get_returns_json_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": NEEDLE})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert "Accept" in response.headers["Vary"].split(", ")
    check_needle_json(response.get_json())


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": NEEDLE},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    check_needle_json(response.get_json())


def test_post_sparql_query_body(client: FlaskClient) -> None:
    response = client.post("/sparql", data=NEEDLE.encode(),
                           content_type="application/sparql-query; charset=utf-8")
    assert response.status_code == 200
    check_needle_json(response.get_json())


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])  # CSV is lossy by design and pyoxigraph will not parse it: see the csv module test below
def test_select_formats_parse_back(client: FlaskClient, accept: str,
                                   fmt: ox.QueryResultsFormat) -> None:
    response = client.get("/sparql", query_string={"query": NEEDLE},
                          headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    results = ox.parse_query_results(response.data, format=fmt)
    rows = list(results)  # type: ignore[arg-type]
    assert rows and all("Rashid Nugmanov" in str(row["name"]) for row in rows)


def test_csv_is_readable_by_the_csv_module(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": NEEDLE, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["name"] == "Rashid Nugmanov"
    assert rows[0]["source"] == SOURCE_002


def test_q_values_choose_the_format(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": NEEDLE},
                          headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml"})
    assert response.mimetype == "application/sparql-results+xml"


def test_ask(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { ?s a kz:Film }"})
    assert response.get_json()["boolean"] is True


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_construct_formats_parse_back(client: FlaskClient, accept: str,
                                      fmt: ox.RdfFormat) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == accept
    quads = list(ox.parse(response.data, format=fmt))
    assert any(str(q.object) == f"<{SOURCE_002}>" for q in quads)
    if accept in ("application/rdf+xml", "application/ld+json"):
        # RDF 1.1 formats get the projection, which rdflib reads too
        graph = rdflib.Graph().parse(data=response.data, format="xml" if "xml" in accept
                                     else "json-ld")
        assert (None, rdflib.RDF.subject, None) in graph


def test_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "nt"},
                          headers={"Accept": "text/turtle"})
    assert response.mimetype == "application/n-triples"


def error_of(response: object) -> dict[str, object]:
    data: dict[str, object] = json.loads(response.data)  # type: ignore[attr-defined]
    return data


JSON = {"Accept": "application/json"}


def test_syntax_error_is_400_with_the_parser_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELEC * WHERE { ?s ?p ?o }"},
                          headers=JSON)
    assert response.status_code == 400
    body = error_of(response)
    assert body["status"] == 400 and "invalid SPARQL query" in str(body["message"])
    assert "1:" in str(body["message"])  # the parser says where


def test_two_queries_are_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", headers=JSON)
    assert response.status_code == 400
    assert "2 times" in str(error_of(response)["message"])


def test_missing_query_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"nothing": "here"}, headers=JSON)
    assert response.status_code == 400


def test_unacceptable_format_is_406_naming_the_supported(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": NEEDLE},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


def test_unsupported_body_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"<x/>", content_type="application/xml",
                           headers=JSON)
    assert response.status_code == 415
    assert "application/sparql-query" in str(error_of(response)["message"])


@pytest.mark.parametrize("how", ["form", "body", "query", "get"])
def test_updates_are_403(client: FlaskClient, how: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if how == "form":
        response = client.post("/sparql", data={"update": update}, headers=JSON)
    elif how == "body":
        response = client.post("/sparql", data=update, content_type="application/sparql-update",
                               headers=JSON)
    elif how == "query":
        response = client.post("/sparql", data={"query": "PREFIX x: <urn:x>\n" + update},
                               headers=JSON)
    else:
        response = client.get("/sparql", query_string={"update": update}, headers=JSON)
    assert response.status_code == 403
    assert "read-only" in str(error_of(response)["message"])
    check = client.get("/sparql", query_string={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert check.get_json()["boolean"] is False


def test_default_graph_is_the_union_and_dataset_parameters_narrow_it(
    client: FlaskClient,
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?c a kz:Claim }"
    union = client.get("/sparql", query_string={"query": count}).get_json()
    only_000 = client.get("/sparql", query_string={
        "query": count, "default-graph-uri": "https://w3id.org/kazcinema/graph/000"}).get_json()
    n_union = int(union["results"]["bindings"][0]["n"]["value"])
    n_000 = int(only_000["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_000 < n_union


def test_browser_gets_an_html_form_and_table(client: FlaskClient) -> None:
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    form = client.get("/sparql", headers=html)
    assert form.status_code == 200 and b'id="yasgui"' in form.data  # the query editor
    table = client.get("/sparql", query_string={"query": NEEDLE}, headers=html)
    assert table.mimetype == "text/html" and b"Rashid Nugmanov" in table.data


def test_front_page_explains_layout_and_examples_run(client: FlaskClient) -> None:
    page = client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "default graph" in text and "kzgraph:entities" in text
    import re

    links = re.findall(r'href="(/sparql\?query=[^"]+)"', text)
    assert len(links) == 3
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.get_json()["results"]["bindings"], link
    assert 'href="/queries"' in text


def test_dumps_download(client: FlaskClient) -> None:
    response = client.get("/dumps/kazcinema-rdf11.nq.gz")
    assert response.status_code == 200 and response.data[:2] == b"\x1f\x8b"
    assert client.get("/dumps/nope.gz", headers=JSON).status_code == 404


def test_other_methods_are_405_with_allow(client: FlaskClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.open("/sparql", method=method, headers={"Accept": "application/json"})
        assert response.status_code == 405
        assert {"GET", "POST"} <= set(response.headers["Allow"].replace(" ", "").split(","))
        assert response.get_json()["status"] == 405
