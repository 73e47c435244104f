"""The architecture and vocabulary hold: kg never imports flask or server; terms are declared."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import rdflib

from kg.vocab import KZ, KZ_NS

REPO = Path(__file__).resolve().parents[1]


def imported_modules(package: str) -> set[str]:
    names: set[str] = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_kg_never_imports_flask_or_server() -> None:
    assert not {"flask", "werkzeug", "server", "gunicorn"} & imported_modules("kg")


def test_every_term_used_in_code_is_declared_in_the_ontology() -> None:
    graph = rdflib.Graph().parse(REPO / "ontology" / "kazcinema.ttl", format="turtle")
    declared = {str(s) for s in graph.subjects(rdflib.RDF.type, None)}
    used = {str(getattr(KZ, name)) for name in KZ.__annotations__}
    assert used and used <= declared, used - declared
    for path in list((REPO / "kg").rglob("*.py")) + list((REPO / "server").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for chunk in text.split('KZ_NS + "')[1:]:
            term = KZ_NS + chunk.split('"')[0]
            assert term in declared, f"{path.name}: {term}"


def test_ruff_and_mypy_pass() -> None:
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "kg", "server", "tests"],
                          cwd=REPO, capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    mypy = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                          text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout
