"""The build: atomic publication, stable claim IRIs, dumps that parse, one graph per source."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import build
from kg.errors import DataError
from kg.project import Project
from kg.store import open_read_only
from kg.vocab import BASE, KZ_NS, graph_iri

CLAIMS = f"SELECT ?c WHERE {{ GRAPH ?g {{ ?c a <{KZ_NS}Claim> }} }}"


def claim_iris(project: Project) -> set[str]:
    store = open_read_only(project.build.store)
    return {row["c"].value for row in store.query(CLAIMS)}  # type: ignore[index,union-attr]


def test_claim_iris_are_stable_across_builds(scratch_project: Project) -> None:
    first = build(scratch_project)
    before = claim_iris(scratch_project)
    second = build(scratch_project)
    assert second.release != first.release
    assert claim_iris(scratch_project) == before
    assert len(before) == first.claims > 0
    # the same inputs give byte-identical dumps
    manifest = scratch_project.build.read_manifest()
    assert manifest is not None
    old = json.loads((first.release / "manifest.json").read_text())
    assert old["dumps"] == manifest["dumps"]


def test_failed_build_leaves_the_published_store(scratch_project: Project) -> None:
    good = build(scratch_project)
    facts = scratch_project.facts / "002.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("Rashid Nugmanov",
                                                              "Rashid Nugmanow", 1))
    with pytest.raises(DataError):
        build(scratch_project)
    assert scratch_project.build.current_release() == good.release
    assert claim_iris(scratch_project)  # still readable
    leftovers = [p for p in scratch_project.build.releases.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_failure_after_the_store_is_written_leaves_the_published_store(
    scratch_project: Project,
) -> None:
    good = build(scratch_project)
    # a shape nothing satisfies: the build fails at SHACL, after writing store and dumps
    with scratch_project.shapes.open("a", encoding="utf-8") as fh:
        fh.write(f"""
<urn:test:impossible> a <http://www.w3.org/ns/shacl#NodeShape> ;
  <http://www.w3.org/ns/shacl#targetClass> <{KZ_NS}Claim> ;
  <http://www.w3.org/ns/shacl#property> [
    <http://www.w3.org/ns/shacl#path> <urn:test:never> ;
    <http://www.w3.org/ns/shacl#minCount> 1 ] .
""")
    from kg.errors import BuildError

    with pytest.raises(BuildError, match="SHACL"):
        build(scratch_project)
    assert scratch_project.build.current_release() == good.release
    assert scratch_project.is_stale()


def test_one_named_graph_per_source_with_claims(built_project: Project) -> None:
    manifest = built_project.build.read_manifest()
    assert manifest is not None
    graphs = manifest["graphs"]
    for name in ("000", "002", "entities", "sources", "ontology"):
        assert graphs.get(graph_iri(name), 0) > 0, name
    store = open_read_only(built_project.build.store)
    # every claim sits in the graph of the source it is stated in
    rows = list(store.query(f"""
        SELECT ?g ?src WHERE {{ GRAPH ?g {{ ?c a <{KZ_NS}Claim> ; <{KZ_NS}statedIn> ?src }}
        FILTER(STRAFTER(STR(?g), "graph/") != STRAFTER(STR(?src), "source/")) }}"""))
    assert rows == []


def test_every_dump_parses(built_project: Project) -> None:
    manifest = built_project.build.read_manifest()
    assert manifest is not None
    dumps = built_project.build.dumps
    sums = dict(line.split("  ")[::-1] for line in
                (dumps / "SHA256SUMS").read_text().splitlines())
    quads = manifest["quads"]
    for name, fmt in (("kazcinema.nq.gz", ox.RdfFormat.N_QUADS),
                      ("kazcinema.trig.gz", ox.RdfFormat.TRIG),
                      ("kazcinema-rdf11.nq.gz", ox.RdfFormat.N_QUADS)):
        raw = (dumps / name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == sums[name]
        parsed = list(ox.parse(gzip.decompress(raw), format=fmt))
        assert len(parsed) >= quads, name
    dataset = rdflib.Dataset()
    dataset.parse(data=gzip.decompress((dumps / "kazcinema-rdf11.nq.gz").read_bytes()),
                  format="nquads")
    statements = {s for s, _, _, _ in dataset.quads((None, rdflib.RDF.type, rdflib.RDF.Statement,
                                                     None))}
    assert len(statements) == manifest["claims"]


def test_shacl_sparql_constraint_finds_a_claim_whose_triple_is_missing(
    built_project: Project,
) -> None:
    from kg.dumps import read_rdf11_projection
    from kg.validation import validate_shacl

    data = read_rdf11_projection(open_read_only(built_project.build.store))
    assert validate_shacl(data, built_project.shapes).conforms
    # drop the asserted triple "The Needle directed by Rashid Nugmanov", keep its claim
    needle, director = f"<{BASE}id/film/the-needle>", f"<{KZ_NS}director>"
    lines = [line for line in data.decode().splitlines()
             if not (line.startswith(f"{needle} {director} ") and "/graph/002>" in line)]
    assert len(lines) < len(data.decode().splitlines())
    report = validate_shacl("\n".join(lines).encode(), built_project.shapes)
    assert not report.conforms
    assert "ClaimTripleAssertedShape: 1 violation(s)" in report.text
