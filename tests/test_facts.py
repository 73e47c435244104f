"""Loading fact files: every kind of bad input is an error naming file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.corpus import find_quote
from kg.project import Project
from server.cli import main


def run_cli(project: Project, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(project.root), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first occurrence of ``old``; returns its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old):], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def test_validate_accepts_the_curated_data(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 0, out
    assert re.search(r"ok: 5 sources, \d+ entities, \d+ claims in \d+ fact files", out)


def test_quote_not_in_source_is_rejected_with_file_and_line(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = scratch_project.facts / "002.yaml"
    line = replace_once(facts, "Rashid Nugmanov", "Rashid Nugmanow")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert re.search(rf"002\.yaml:{line}: passages\[\d+\]\.(quote|claims\[\d+\]\.object|"
                     r"events\[\d+\]\.roles\.\w+): ", out), out
    assert "not found in" in out and "Nugmanow" in out


def test_unknown_property_is_rejected(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = scratch_project.facts / "002.yaml"
    line = replace_once(facts, "property: director", "property: directedBy")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert re.search(rf"002\.yaml:{line}: passages\[\d+\]\.claims\[\d+\]\.property: "
                     r"unknown property 'directedBy'", out), out


def test_unknown_entity_is_rejected(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = scratch_project.facts / "002.yaml"
    line = replace_once(facts, "person/rashid-nugmanov", "person/rashid-nugmanoff")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert f"002.yaml:{line}:" in out and "unknown entity 'person/rashid-nugmanoff'" in out


def test_unknown_class_in_catalogue_is_rejected(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    entities = scratch_project.data / "entities" / "person.yaml"
    line = replace_once(entities, "type: Person", "type: Persona")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert f"person.yaml:{line}:" in out and "unknown class 'Persona'" in out


def test_an_id_defined_twice_names_both_places(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (scratch_project.data / "entities" / "zz-extra.yaml").write_text(
        "person/shaken-aimanov:\n  type: Person\n  labels:\n    en: [Shaken Aimanov]\n",
        encoding="utf-8")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert "zz-extra.yaml:1:" in out and "already defined at" in out and "person.yaml:" in out


def test_malformed_date_is_rejected(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = scratch_project.facts / "002.yaml"
    text = facts.read_text(encoding="utf-8")
    match = re.search(r"releaseDate\n(\s+)object: '?(\d{4})'?", text) or re.search(
        r"object: '?(1988)'?", text)
    assert match, "the 002 facts give a year somewhere"
    old = match.group(0)
    line = replace_once(facts, old, old.replace(match.group(match.lastindex or 0), "19x8"))
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert "malformed date '19x8'" in out and "002.yaml:" in out
    assert re.search(r"002\.yaml:(\d+):", out) and line > 0


def test_yaml_syntax_error_names_the_line(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = scratch_project.facts / "000.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n  - quote: [unclosed\n",
                     encoding="utf-8")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert re.search(r"000\.yaml:\d+: not valid YAML", out), out
    assert "Traceback" not in out


def test_changed_text_is_refused(
    scratch_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    text = next((scratch_project.data / "corpus").glob("004_*.txt"))
    text.write_text(text.read_text(encoding="utf-8") + " ", encoding="utf-8")
    code, out = run_cli(scratch_project, "validate", capsys=capsys)
    assert code == 1
    assert "sources.yaml:" in out and "the text changed" in out


def test_quote_matches_across_line_breaks_and_keeps_exact_text() -> None:
    text = "The first line\n\nends here. Next."
    span = find_quote(text, "first line ends here.")
    assert span is not None
    assert text[span.start:span.end] == span.exact == "first line\n\nends here."
    assert find_quote(text, "first line ends there.") is None
