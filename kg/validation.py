"""SHACL validation of a built graph (pyshacl over the RDF 1.1 projection, all graphs as one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyshacl import validate


@dataclass(frozen=True, slots=True)
class ShaclReport:
    conforms: bool
    violations: int
    text: str


def validate_shacl(nquads: bytes, shapes: Path) -> ShaclReport:
    """Validate the union of all graphs (claims, catalogue, sources, ontology) against shapes."""
    dataset = rdflib.Dataset()
    dataset.parse(data=nquads, format="nquads")
    union = rdflib.Graph()
    for s, p, o, _graph in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    conforms, report_graph, report_text = validate(
        union, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in report_graph.subjects(sh.resultSeverity, sh.Violation))
    return ShaclReport(bool(conforms), violations, str(report_text))
