"""Smoke test against a real server process: `kazcinema serve` (gunicorn) on a free port."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build
from kg.project import Project

NEEDLE = """SELECT ?name ?source ?quote WHERE {
  ?film skos:prefLabel "The Needle"@en .
  ?claim rdf:reifies <<( ?film kz:director ?director )>> ; kz:statedIn ?source ; kz:quote ?quote .
  ?director skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), "en")) }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(scratch_project: Project) -> Iterator[tuple[str, Project]]:
    port = free_port()
    exe = shutil.which("kazcinema", path=str(Path(sys.executable).parent)) or "kazcinema"
    # no store yet: serve must build first
    process = subprocess.Popen(
        [exe, "--root", str(scratch_project.root), "serve", "--port", str(port),
         "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    out = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"server did not start:\n{out}")
                time.sleep(0.3)
        yield base, scratch_project
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(url: str, accept: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


def test_real_server_answers_the_needle_question(server: tuple[str, Project]) -> None:
    base, project = server
    url = base + "/sparql?" + urllib.parse.urlencode({"query": NEEDLE})
    status, ctype, body = get(url, "application/sparql-results+json")
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    row = json.loads(body)["results"]["bindings"][0]
    assert row["name"]["value"] == "Rashid Nugmanov"
    assert row["source"]["value"].endswith("/source/002")
    assert "directed by Rashid Nugmanov" in row["quote"]["value"]
    status, ctype, body = get(url, "text/csv")
    assert ctype.startswith("text/csv")
    assert next(csv.DictReader(io.StringIO(body)))["name"] == "Rashid Nugmanov"

    # a new build is picked up by the running workers without a restart
    before = project.build.current_release()
    facts = project.facts / "000.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(project)
    assert project.build.current_release() != before
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?c a kz:Claim }"
    for _ in range(6):  # several requests reach both workers
        status, _, body = get(base + "/sparql?" + urllib.parse.urlencode({"query": count}),
                              "application/sparql-results+json")
        assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
