"""The SPARQL service through real server processes: deadlines, limits, HTTP caching and
compression, CORS, the service description, Graph Store reads, /status, `load` and reloads."""

from __future__ import annotations

import gzip
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from live_server import live_server

from kg.build import build
from kg.project import Project

NEEDLE = """SELECT ?name WHERE { ?film skos:prefLabel "The Needle"@en .
  ?claim rdf:reifies <<( ?film kz:director ?d )>> . ?d skos:prefLabel ?name .
  FILTER(LANG(?name) = "en") }"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def fetch(url: str, headers: dict[str, str] | None = None, data: bytes | None = None,
          method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sparql_url(base: str, query: str, **params: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **params})


@pytest.fixture(scope="module")
def server(built_project: Project) -> Iterator[str]:
    with live_server(built_project.root, "--no-build", "--timeout", "4",
                     "--client-concurrency", "0") as base:
        yield base


def test_a_runaway_query_is_stopped_and_nobody_else_notices(server: str) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["status"], _, outcome["body"] = fetch(sparql_url(server, RUNAWAY))
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    for _ in range(5):  # served meanwhile: all answered while the runaway still runs
        status, _, body = fetch(sparql_url(server, NEEDLE))
        assert status == 200 and b"Rashid Nugmanov" in body
    assert thread.is_alive()
    thread.join(timeout=60)
    assert outcome["status"] == 503
    assert b"deadline" in outcome["body"]  # type: ignore[operator]
    assert outcome["seconds"] >= 4  # type: ignore[operator]  # stopped at, not before, 4 s
    # the stopped process was replaced: queries keep working
    status, _, body = fetch(sparql_url(server, NEEDLE))
    assert status == 200 and b"Rashid Nugmanov" in body


def test_conditional_get_gives_304_with_the_same_etag(server: str) -> None:
    url = sparql_url(server, NEEDLE)
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    status, again, body = fetch(url, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]
    status, _, _ = fetch(url, {"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304
    # another format is another representation: another ETag
    status, csv_headers, _ = fetch(url, {"Accept": "text/csv"})
    assert status == 200 and csv_headers["ETag"] != headers["ETag"]
    assert "Accept" in headers["Vary"]


def test_results_are_compressed_when_the_client_asks(server: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2000"
    status, headers, body = fetch(sparql_url(server, query),
                                  {"Accept-Encoding": "gzip", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(body).decode()
    assert text.splitlines()[0] == "s,p,o" and len(text.splitlines()) == 2001


def test_cors_is_on(server: str) -> None:
    status, headers, _ = fetch(sparql_url(server, NEEDLE), {"Origin": "https://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = fetch(f"{server}/sparql", {
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"}, method="OPTIONS")
    assert status == 200 and "POST" in headers["Access-Control-Allow-Methods"]


def test_a_body_over_the_limit_is_413(server: str) -> None:
    big = urllib.parse.urlencode({"query": "# " + "x" * (2 << 20) + "\n" + NEEDLE}).encode()
    status, _, body = fetch(f"{server}/sparql", {
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}, big)
    assert status == 413
    assert json.loads(body)["status"] == 413


def test_service_description_and_graph_store_reads(server: str) -> None:
    status, headers, body = fetch(f"{server}/sparql", {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    description = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(f"{server}/sparql")) in description
    names = {str(o) for o in description.objects(None, sd.name)}
    graph = "https://w3id.org/kazcinema/graph/002"
    assert graph in names and "https://w3id.org/kazcinema/graph/entities" in names
    status, headers, body = fetch(f"{server}/store?" + urllib.parse.urlencode({"graph": graph}),
                                  {"Accept": "application/n-triples"})
    assert status == 200 and b"directed by Rashid Nugmanov" in body
    status, _, body = fetch(f"{server}/sparql?" + urllib.parse.urlencode({"graph": graph}),
                            {"Accept": "application/n-triples"})
    assert status == 200 and b"directed by Rashid Nugmanov" in body
    status, _, _ = fetch(f"{server}/store?graph=https://example.org/none")
    assert status == 404


def test_status_reports_the_dataset(server: str, built_project: Project) -> None:
    status, _, body = fetch(f"{server}/status")
    data = json.loads(body)
    assert status == 200
    assert data["dataset"]["version"] == built_project.build.current_release().name  # type: ignore[union-attr]
    assert data["quads"] > 20_000 and "https://w3id.org/kazcinema/graph/000" in data["graphs"]
    assert data["uptime_s"] >= 0 and data["query_deadline_s"] == 4


def test_one_client_over_its_concurrency_gets_429(built_project: Project) -> None:
    with live_server(built_project.root, "--no-build", "--timeout", "3",
                     "--client-concurrency", "1") as base:
        thread = threading.Thread(target=fetch, args=(sparql_url(base, RUNAWAY),))
        thread.start()
        time.sleep(0.5)
        status, headers, body = fetch(sparql_url(base, NEEDLE))
        assert status == 429 and headers["Retry-After"] == "1"
        assert b"at once" in body
        thread.join(timeout=30)
        status, _, _ = fetch(sparql_url(base, NEEDLE))  # the slot was given back
        assert status == 200


def hammer(url: str, stop: threading.Event, failures: list[str], answers: list[bytes]) -> None:
    while not stop.is_set():
        try:
            status, _, body = fetch(url)
        except OSError as exc:
            failures.append(repr(exc))
            return
        if status != 200:
            failures.append(f"{status}: {body[:200]!r}")
        answers.append(body)


def test_load_replaces_a_store_while_it_is_served(tmp_path: Path,
                                                  built_project: Project) -> None:
    first, second = tmp_path / "one.ttl", tmp_path / "two.nq"
    first.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    second.write_text(f'<https://example.org/a> <https://example.org/p> "2"{integer} '
                      f'<https://example.org/g> .\n<https://example.org/b> '
                      f'<https://example.org/p> "3"{integer} <https://example.org/g> .\n',
                      encoding="utf-8")
    store = tmp_path / "store"
    from cli_runner import kazcinema

    result = kazcinema(built_project, "load", "--store", str(store), str(first))
    assert result.returncode == 0, result.stderr
    with live_server(built_project.root, "--store", str(store), "--timeout", "5",
                     "--client-concurrency", "0") as base:
        url = sparql_url(base, COUNT, format="csv")
        assert fetch(url)[2].decode().split() == ["n", "1"]
        stop, failures, answers = threading.Event(), [], []
        workers = [threading.Thread(target=hammer, args=(url, stop, failures, answers))
                   for _ in range(3)]
        for worker in workers:
            worker.start()
        result = kazcinema(built_project, "load", "--store", str(store), str(second))
        assert result.returncode == 0, result.stderr
        time.sleep(1)
        stop.set()
        for worker in workers:
            worker.join()
        assert failures == []
        assert fetch(url)[2].decode().split() == ["n", "2"]  # named graphs kept
        graph = sparql_url(base, "SELECT ?g WHERE { GRAPH ?g { ?s ?p 3 } }", format="csv")
        assert "https://example.org/g" in fetch(graph)[2].decode()
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    result = kazcinema(built_project, "load", "--store", str(store), str(bad))
    assert result.returncode == 1 and "bad.ttl" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_rebuild_under_load_fails_no_request(scratch_project: Project) -> None:
    build(scratch_project)
    with live_server(scratch_project.root, "--no-build", "--client-concurrency", "0") as base:
        stop, failures, answers = threading.Event(), [], []
        url = sparql_url(base, NEEDLE)
        workers = [threading.Thread(target=hammer, args=(url, stop, failures, answers))
                   for _ in range(3)]
        for worker in workers:
            worker.start()
        before = scratch_project.build.current_release()
        facts = scratch_project.facts / "002.yaml"
        facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        build(scratch_project)
        time.sleep(1)
        stop.set()
        for worker in workers:
            worker.join()
        assert scratch_project.build.current_release() != before
        assert failures == [] and len(answers) > 10
        assert all(b"Rashid Nugmanov" in body for body in answers)
        _, _, body = fetch(f"{base}/status")
        assert json.loads(body)["dataset"]["version"] == \
            scratch_project.build.current_release().name  # type: ignore[union-attr]
