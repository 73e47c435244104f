"""Curators' tools: `kazcinema report` (disagreements) and `kazcinema coverage`, and the
evidence itself: every claim's quote is, character for character, at its offsets in its text."""

from __future__ import annotations

import json
import unicodedata

import pyoxigraph as ox
from cli_runner import kazcinema

from kg.build import build
from kg.project import Project
from kg.query import run_query

# A second text that contradicts 002 on The Needle: another release year, and another name for
# Tsoi's character. The quote is a real sentence of 001 (the fixture needs some quote there).
CONTRADICTION = """source: "001"
passages:
  - quote: "Қазақ кино индустриясы қарқын алып, халықаралық аренада барған сайын көрініп келеді."
    claims:
      - subject: film/the-needle
        property: releaseDate
        object: 1990
        as written: Ине
    events:
      - id: test-tsoi-in-the-needle
        type: Performance
        roles: {performer: person/viktor-tsoi, film: film/the-needle, characterName: Моро-2}
"""


def add_contradiction(project: Project) -> None:
    (project.facts / "zz-test-contradiction.yaml").write_text(CONTRADICTION, encoding="utf-8")


def test_report_lists_both_sides_of_a_disagreement(scratch_project: Project) -> None:
    add_contradiction(scratch_project)
    build(scratch_project)
    result = kazcinema(scratch_project, "report", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = {(d["subject"], d["predicate"]): d for d in json.loads(result.stdout)}
    year = found[("The Needle (film/the-needle)", "kz:releaseDate")]
    assert {(s["source"], s["value"]) for s in year["sides"]} == {("002", "1988"),
                                                                  ("001", "1990")}
    assert any("Released in 1988" in s["quote"] for s in year["sides"])
    role = [d for (subject, prop), d in found.items()
            if prop == "kz:characterName" and "event/" in subject]
    assert len(role) == 1
    assert {s["value"] for s in role[0]["sides"]} == {"Moro@en", "Моро-2@kk"}
    text = kazcinema(scratch_project, "report")
    assert "The Needle (film/the-needle)  kz:releaseDate" in text.stdout
    assert "Released in 1988" in text.stdout


def test_report_is_empty_of_a_value_both_texts_share(scratch_project: Project) -> None:
    # the same year from two texts is agreement, not disagreement
    add_contradiction(scratch_project)
    path = scratch_project.facts / "zz-test-contradiction.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("object: 1990", "object: 1988")
                    .replace("Моро-2", "Moro"), encoding="utf-8")
    build(scratch_project)
    result = kazcinema(scratch_project, "report", "--format", "json")
    pairs = {(d["subject"], d["predicate"]) for d in json.loads(result.stdout)}
    assert ("The Needle (film/the-needle)", "kz:releaseDate") not in pairs
    assert not any(p == "kz:characterName" and "test-tsoi" in s for s, p in pairs)


def test_coverage_counts_sentences_and_lists_the_bare_ones(scratch_project: Project) -> None:
    result = kazcinema(scratch_project, "coverage", "--format", "json")
    assert result.returncode == 0, result.stderr
    texts = {t["source"]: t for t in json.loads(result.stdout)}
    assert sorted(texts) == ["000", "001", "002", "003", "004"]
    needle = "The film, directed by Rashid Nugmanov, cast Viktor Tsoi as the central figure."
    assert needle not in {s["text"] for s in texts["002"]["bare"]}
    before = texts["002"]["covered"]
    # take the passage away: its sentence becomes bare, the count drops
    facts = scratch_project.facts / "002.yaml"
    source = facts.read_text(encoding="utf-8")
    start = source.index(f'  - quote: "{needle}"')
    end = source.index("  - quote:", start + 10)
    facts.write_text(source[:start] + source[end:], encoding="utf-8")
    after = json.loads(kazcinema(scratch_project, "coverage", "--format", "json",
                                 "--source", "002").stdout)[0]
    assert after["covered"] == before - 1
    assert needle in {s["text"] for s in after["bare"]}
    table = kazcinema(scratch_project, "coverage", "--source", "002")
    assert "002_15ce26942183d280.txt:" in table.stdout and needle in table.stdout


def test_coverage_names_an_unknown_text(scratch_project: Project) -> None:
    result = kazcinema(scratch_project, "coverage", "--source", "999")
    assert result.returncode == 2
    assert "unknown source 999" in result.stderr


def test_every_quote_is_at_its_offsets_in_its_text(built_project: Project) -> None:
    store = ox.Store.read_only(str(built_project.build.store))
    rows = run_query(store, """SELECT ?file ?quote ?start ?end WHERE {
      ?claim kz:statedIn ?source ; kz:quote ?quote ; kz:evidence ?passage .
      ?source kz:file ?file .
      ?passage oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ;
               oa:start ?start ; oa:end ?end }""")
    assert isinstance(rows, ox.QuerySolutions)
    texts: dict[str, str] = {}
    checked = 0
    for row in rows:
        name = row["file"].value  # type: ignore[union-attr]
        if name not in texts:
            raw = (built_project.root / name).read_text(encoding="utf-8")
            texts[name] = unicodedata.normalize("NFC", raw)
        start, end = int(row["start"].value), int(row["end"].value)  # type: ignore[union-attr]
        assert texts[name][start:end] == row["quote"].value  # type: ignore[union-attr]
        checked += 1
    assert checked >= 400
