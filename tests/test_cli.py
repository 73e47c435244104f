"""The installed ``kazcinema`` command, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json

from cli_runner import kazcinema

from kg.project import Project

NEEDLE = ('SELECT ?name ?quote WHERE { ?f skos:prefLabel "The Needle"@en . '
          '?c rdf:reifies <<( ?f kz:director ?d )>> ; kz:quote ?quote . '
          '?d skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), "en")) }')


def test_query_prints_a_table(built_project: Project) -> None:
    result = kazcinema(built_project, "query", NEEDLE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("|")[0].strip() == "name"
    assert "Rashid Nugmanov" in result.stdout and "(1 row)" in result.stdout


def test_query_json_and_csv(built_project: Project) -> None:
    as_json = json.loads(kazcinema(built_project, "query", NEEDLE, "--format", "json").stdout)
    assert as_json["results"]["bindings"][0]["name"]["value"] == "Rashid Nugmanov"
    as_csv = list(csv.DictReader(io.StringIO(
        kazcinema(built_project, "query", NEEDLE, "--format", "csv").stdout)))
    assert as_csv[0]["name"] == "Rashid Nugmanov"


def test_bad_query_is_a_clear_error(built_project: Project) -> None:
    result = kazcinema(built_project, "query", "SELECT WHERE {")
    assert result.returncode == 2
    assert "invalid SPARQL" in result.stderr and "Traceback" not in result.stderr


def test_build_prints_counts_per_step(scratch_project: Project) -> None:
    result = kazcinema(scratch_project, "build")
    assert result.returncode == 0, result.stderr
    for step in ("vocabulary:", "sources: 5 texts", "entities:", "claims: 0 →", "quads: 0 →",
                 "store:", "dumps:", "shacl: conforms", "published"):
        assert step in result.stderr, step


def test_bad_fact_file_is_reported_without_traceback(scratch_project: Project) -> None:
    facts = scratch_project.facts / "002.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("Viktor Tsoi", "Victor Tsoy", 1))
    result = kazcinema(scratch_project, "build")
    assert result.returncode == 1
    assert "002.yaml:" in result.stderr and "not found in" in result.stderr
    assert "published store is unchanged" in result.stderr
    assert "Traceback" not in result.stderr
