"""Search over every label of the catalogue, in every script and spelling, through the index
(as the server uses it) and through ``kazcinema search``."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_runner import kazcinema

from kg.entities import Entity, load_entities
from kg.name_index import CONFIDENT, NAMES_FILE, Match, NameIndex
from kg.names import (
    cyrillic_to_english,
    has_cyrillic,
    kk_to_bgn,
    kk_to_latin_2021,
    name_keys,
    ru_to_bgn,
    skeleton,
)
from kg.project import Project
from kg.store import open_read_only
from kg.vocab import KZ_NS, entity_iri, load_vocabulary

AIMANOV = entity_iri("person/shaken-aimanov")
UNKNOWN = ["Quentin Tarantino", "Жарқын Шаймерденов", "zzzz", "Steven Spielberg",
           "Андрей Тарковский", "Никита Михалков"]
HOSTILE = ['"} ; DROP GRAPH <x> ; #', "<script>alert(1)</script>", "'", "\\", '\\"', "",
           "   ", "%00\x00", "SELECT * WHERE { ?s ?p ?o }", "Aimanov' OR '1'='1", "x" * 100_000,
           "́", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")]


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    entity: Entity
    label: str  # the catalogue label the query is, or is made from
    what: str  # how it was made, for failure messages


@pytest.fixture(scope="module")
def index(built_project: Project) -> NameIndex:
    return NameIndex.from_store(open_read_only(built_project.build.store))


@pytest.fixture(scope="module")
def catalogue(built_project: Project) -> dict[str, Entity]:
    """The curated catalogue as the curators wrote it (data/entities/*.yaml)."""
    return load_entities(built_project.data, load_vocabulary(built_project.ontology))


@pytest.fixture(scope="module")
def owners(catalogue: dict[str, Entity]) -> dict[str, set[str]]:
    """Normalised label → the entities that have it: which queries are ambiguous by nature."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity in catalogue.values():
        for label in entity.labels:
            for key in name_keys(label.text):
                found[key.text].add(entity_iri(entity.id))
    return found


def finds(index: NameIndex, owners: dict[str, set[str]], case: Case) -> str | None:
    """None if the entity is at rank 1 (or, where the query or the label it is made from is the
    normalised label of several entities, at rank 1 among its type or among the tied top
    results); else what went wrong."""
    iri = entity_iri(case.entity.id)
    matches = index.search(case.query, limit=10)
    if matches and matches[0].iri == iri:
        return None
    keys = {*name_keys(case.query, query=True), *name_keys(case.label)}
    tied = set().union(*(owners.get(k.text, set()) for k in keys))
    if iri in tied and len(tied) > 1:
        of_type = index.search(case.query, types=[case.entity.type], limit=1)
        top = [m.iri for m in matches if matches and m.score == matches[0].score]
        if (of_type and of_type[0].iri == iri) or iri in top:
            return None
    return (f"{case.what} {case.query!r} → {iri}: got "
            f"{[(m.iri.rsplit('/id/')[-1], m.score, m.matched) for m in matches[:3]]}")


def run(index: NameIndex, owners: dict[str, set[str]], cases: list[Case]) -> list[str]:
    return [problem for case in cases if (problem := finds(index, owners, case))]


def test_every_label_finds_its_entity_at_rank_1(
    index: NameIndex, catalogue: dict[str, Entity], owners: dict[str, set[str]],
) -> None:
    cases = [Case(label.text, entity, label.text, f"{label.lang} label")
             for entity in catalogue.values() for label in entity.labels]
    assert len(cases) >= 800  # every label of every kind, not a handful
    assert {e.type for e in catalogue.values()} >= {"Person", "Film", "TVSeries", "FilmStudio"}
    assert run(index, owners, cases) == []


SCHEMES: dict[str, Callable[[str], str]] = {
    "2021 Latin": kk_to_latin_2021, "BGN/PCGN": kk_to_bgn, "English": cyrillic_to_english}


def test_transliterations_the_texts_do_not_use_find_the_entity(
    index: NameIndex, catalogue: dict[str, Entity], owners: dict[str, set[str]],
) -> None:
    cases: list[Case] = []
    for entity in catalogue.values():
        for label in entity.labels:
            if not has_cyrillic(label.text):
                continue
            for name, scheme in SCHEMES.items():
                if name == "BGN/PCGN" and label.lang == "ru":
                    scheme = ru_to_bgn
                cases.append(Case(scheme(label.text), entity, label.text, name))
    assert len(cases) >= 1000
    assert not any(has_cyrillic(case.query) for case in cases)
    assert run(index, owners, cases) == []


def typos(text: str) -> list[tuple[str, str]]:
    """A letter in the middle replaced, dropped, and swapped with the next one."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    i = letters[len(letters) // 2]
    other = "x" if text[i].lower() != "x" else "q"
    return [("replaced", text[:i] + other + text[i + 1:]), ("dropped", text[:i] + text[i + 1:]),
            ("swapped", text[:i] + text[i + 1:i + 2] + text[i] + text[i + 2:])]


def test_a_one_letter_typo_still_finds_the_entity(
    index: NameIndex, catalogue: dict[str, Entity], owners: dict[str, set[str]],
) -> None:
    cases = [Case(typo, entity, label.text, f"{kind} letter in {label.text!r}:")
             for entity in catalogue.values() for label in entity.labels
             if not has_cyrillic(label.text) and sum(ch.isalpha() for ch in label.text) >= 5
             for kind, typo in typos(label.text)]
    assert len(cases) >= 1000
    assert run(index, owners, cases) == []


@pytest.mark.parametrize("query", [
    "Aimanov", "Aymanov", "Айманов", "Aĭmanov", "Ajmanov", "Aimanow", "Şäken Aimanov",
    "Шакен Айманов", "Ш. Айманов", "Sh. Aimanov", "Aimanov Shaken", "Aimanov Sh.", "AIMANOV",
    "Shaken Aimanof",
])
def test_spellings_of_aimanov(index: NameIndex, query: str) -> None:
    assert index.search(query)[0].iri == AIMANOV


@pytest.mark.parametrize(("query", "iri"), [
    ("Nugmanof", "person/rashid-nugmanov"),
    ("Кыз Жибек", "film/kyz-zhibek"),
    ("Qyz Jibek", "film/kyz-zhibek"),
    ("Kazakfilm", "org/kazakhfilm"),
    ("Istanbul", "place/istanbul"),
    ("Бекмамбетов", "person/timur-bekmambetov"),
])
def test_typos_and_variants(index: NameIndex, query: str, iri: str) -> None:
    assert index.search(query)[0].iri == entity_iri(iri)


def test_full_names_and_initials_are_confident(index: NameIndex) -> None:
    for query in ("Shaken Aimanov", "Şäken Aimanov", "Sh. Aimanov", "Aimanov Shaken"):
        best = index.search(query)[0]
        assert best.iri == AIMANOV and best.score >= CONFIDENT, (query, best)
    exact = index.search("Шакен Айманов")[0]
    assert exact.exact and exact.score == 100 and exact.matched == "Шакен Айманов"
    assert exact.matched_lang == "ru"
    assert not index.search("Aimanov Shaken")[0].exact  # reordered: near, not equal
    surname = index.search("Aimanov")[0]
    assert surname.iri == AIMANOV and not surname.exact and surname.score < CONFIDENT


def test_shared_names_tie_and_types_tell_them_apart(index: NameIndex) -> None:
    top = [m for m in index.search("Жамбыл") if m.score == 100]
    assert {m.iri for m in top} == {entity_iri(i) for i in
                                    ("film/zhambyl-1952", "person/zhambyl", "place/zhambyl")}
    assert all(m.exact for m in top)
    assert [m.iri for m in top] == sorted(m.iri for m in top)  # stable: by IRI
    assert index.search("«Жамбыл»", types=["Film"])[0].iri == entity_iri("film/zhambyl-1952")
    assert index.search("Zhambyl", types=[KZ_NS + "Person"])[0].iri == entity_iri("person/zhambyl")


def test_unknown_names_are_not_matched_confidently(
    index: NameIndex, catalogue: dict[str, Entity],
) -> None:
    known = {skeleton(label.text) for e in catalogue.values() for label in e.labels}
    for query in UNKNOWN:
        assert skeleton(query) not in known
        for match in index.search(query, limit=20):
            assert not match.exact and match.score < CONFIDENT, (query, match)


def test_hostile_text_is_just_a_name(index: NameIndex) -> None:
    for query in HOSTILE:
        matches = index.search(query, lang="kk", types=["Person", "' } DROP"])
        assert all(isinstance(m, Match) and not m.exact for m in matches), query
    assert index.search("Aimanov", types=["NoSuchClass"]) == []
    assert index.search("Aimanov", types=["https://example.org/Person"]) == []
    assert index.search("Aimanov", limit=0) == []


def test_types_include_subclasses(index: NameIndex) -> None:
    studio = index.search("Kazakhfilm", types=["Organisation"])[0]
    assert studio.iri == entity_iri("org/kazakhfilm") and studio.kind == "FilmStudio"
    assert all(m.kind == "Person" for m in index.search("Kazakh", types=["Person"], limit=50))
    assert {"Person", "Film", "TVSeries", "FilmStudio", "Place"} <= set(index.kinds())
    assert index.kinds() == sorted(index.kinds())


def test_labels_and_language_fallback(index: NameIndex) -> None:
    studio = entity_iri("org/kazakhfilm")
    assert index.label_in(studio, "kk") == "Қазақфильм"
    assert index.label_in(studio, "en") == "Kazakhfilm"
    assert index.label_in(studio, "fr") == "Kazakhfilm"  # no French: English
    assert index.label_in(studio, "KK") == "Қазақфильм"
    nogerbek = entity_iri("person/bauyrzhan-nogerbek")  # kk and kk-Latn, no English
    assert index.label_in(nogerbek, "en") == "Бауыржан Нөгербек"
    assert index.label_in(nogerbek, "kk-Latn") == "Bauyrzhan Nogerbek"
    assert index.search("Nogerbek", lang="kk-Latn")[0].label == "Bauyrzhan Nogerbek"
    assert index.entity(studio) == ("FilmStudio", "Kazakhfilm")
    assert ("ru", "Шакен Айманов") in index.labels(AIMANOV) and len(index.labels(AIMANOV)) == 5
    assert index.entity(BASE_UNKNOWN) is None and index.labels(BASE_UNKNOWN) == []
    assert index.label_in(BASE_UNKNOWN, "en") == ""


BASE_UNKNOWN = entity_iri("person/nobody")


def test_the_build_writes_the_index(built_project: Project, index: NameIndex,
                                    tmp_path: Path) -> None:
    release = built_project.build.current_release()
    assert release is not None
    written = release / NAMES_FILE
    manifest = built_project.build.read_manifest()
    assert manifest is not None
    assert manifest["names"] == hashlib.sha256(written.read_bytes()).hexdigest()
    loaded = NameIndex.load(written)
    assert loaded.size == index.size and loaded.kinds() == index.kinds()
    for query in ["Aimanov", "Жамбыл", "Sh. Aimanov", "Kazakfilm", "zzzz", *UNKNOWN[:2]]:
        assert loaded.search(query, lang="kk") == index.search(query, lang="kk")
    # deterministic: the store's index, written again, is the same bytes
    index.write(tmp_path / NAMES_FILE)
    assert (tmp_path / NAMES_FILE).read_bytes() == written.read_bytes()
    data = json.loads(written.read_text(encoding="utf-8"))
    assert len(data["entities"]) == index.size[0] == manifest["entities"]


def test_load_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a name index"):
        NameIndex.load(path)


def test_cli_search_table_json_and_no_match(built_project: Project) -> None:
    table = kazcinema(built_project, "search", "Ш. Айманов", "--limit", "3")
    assert table.returncode == 0, table.stderr
    first = table.stdout.splitlines()[:3]
    assert first[0].startswith(" 1. 100.0 exact  Shaken Aimanov  [Person]  " + AIMANOV)
    assert "matched: Ш. Айманов (kk)" in first[1] and "Шакен Айманов (ru)" in first[2]

    as_json = json.loads(kazcinema(built_project, "search", "Kazakfilm", "--type",
                                   "Organisation", "--lang", "kk", "--format", "json").stdout)
    assert as_json[0]["iri"] == entity_iri("org/kazakhfilm") and as_json[0]["rank"] == 1
    assert as_json[0]["label"] == "Қазақфильм" and as_json[0]["kind"] == "FilmStudio"
    assert {"lang": "kk", "value": "Алматы киностудиясы"} in as_json[0]["labels"]

    nothing = kazcinema(built_project, "search", "zzzz")
    assert nothing.returncode == 0 and nothing.stdout.strip() == "no match for 'zzzz'"
    assert json.loads(kazcinema(built_project, "search", "zzzz", "--format", "json").stdout) == []
    hostile = kazcinema(built_project, "search", '"} ; DROP <script>', "--format", "json")
    assert hostile.returncode == 0 and "Traceback" not in hostile.stderr
    assert kazcinema(built_project, "search", "x", "--limit", "0").returncode == 2


def test_cli_search_indexes_the_store_when_the_release_has_no_index(
    built_project: Project, tmp_path: Path,
) -> None:
    copy = Project(tmp_path / "project")
    shutil.copytree(built_project.build.root, copy.build.root, symlinks=True)
    release = copy.build.current_release()
    assert release is not None
    (release / NAMES_FILE).unlink()
    result = kazcinema(copy, "search", "Aymanov")
    assert result.returncode == 0, result.stderr
    assert AIMANOV in result.stdout.splitlines()[0]
