"""One entity per real thing: spellings in every script resolve to one entity, look-alikes stay
apart, and questions about the Kazakh texts are answered by SPARQL over the built store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.project import Project
from kg.query import run_query
from kg.vocab import BASE

AIMANOV = f"{BASE}id/person/shaken-aimanov"


def select(project: Project, query: str) -> list[dict[str, str]]:
    store = ox.Store.read_only(str(project.build.store))
    result = run_query(store, query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None}  # type: ignore[union-attr]
            for row in result]


def entities_labelled(project: Project, label: str, lang: str) -> set[str]:
    literal = ox.Literal(label, language=lang)
    rows = select(project,
                  f"SELECT DISTINCT ?e WHERE {{ ?e skos:prefLabel|skos:altLabel {literal} }}")
    return {row["e"] for row in rows}


@pytest.mark.parametrize("label,lang", [
    ("Shaken Aimanov", "en"), ("Shaken Aymanov", "en"),  # 002 and 000's English abstract
    ("Шәкен Айманов", "kk"), ("Ш. Айманов", "kk"),  # the Kazakh texts
    ("Шакен Айманов", "ru"),  # 000's Russian abstract
])
def test_every_spelling_finds_the_one_aimanov(built_project: Project, label: str,
                                              lang: str) -> None:
    assert entities_labelled(built_project, label, lang) == {AIMANOV}


def test_texts_in_three_scripts_speak_of_the_same_aimanov(built_project: Project) -> None:
    rows = select(built_project, f"""SELECT DISTINCT ?source ?written WHERE {{
      ?claim kz:statedIn ?source .
      {{ ?claim rdf:reifies <<( <{AIMANOV}> ?p ?o )>> ; kz:subjectAsWritten ?written }}
      UNION {{ ?claim rdf:reifies <<( ?s ?p <{AIMANOV}> )>> ; kz:objectAsWritten ?written }}
    }}""")
    sources = {row["source"].rsplit("/", 1)[-1] for row in rows}
    assert {"000", "002", "004"} <= sources
    written = {row["written"] for row in rows}
    # the name as each text writes it, in Latin and in Kazakh Cyrillic (declined forms too)
    assert any(w.startswith("Aimanov") or "Aimanov" in w for w in written)
    assert any("Айманов" in w for w in written)
    assert len(written) >= 4


def test_a_film_and_what_it_is_named_after_stay_apart(built_project: Project) -> None:
    # «Жамбыл» the 1952 film, Zhambyl the poet, and the region named after him: three things
    found = entities_labelled(built_project, "Жамбыл", "kk")
    values = " ".join(f"<{e}>" for e in found)
    rows = select(built_project, f"SELECT ?e ?t WHERE {{ VALUES ?e {{ {values} }} ?e a ?t . "
                  "FILTER(?t IN (kz:Film, kz:Person, kz:Place)) }")
    assert sorted(row["t"].rsplit("#", 1)[-1] for row in rows) == ["Film", "Person", "Place"]
    # Amangeldy the film is not Amankeldı İmanov the man
    film = entities_labelled(built_project, "Амангелді", "kk")
    person = entities_labelled(built_project, "Amankeldı İmanov", "en")
    assert film and person and not film & person


def test_festivals_in_one_city_stay_apart(built_project: Project) -> None:
    rows = select(built_project, """SELECT DISTINCT ?f WHERE {
      ?f a kz:Festival ; skos:prefLabel|skos:altLabel ?l .
      FILTER(CONTAINS(LCASE(STR(?l)), "cannes") || CONTAINS(STR(?l), "Канн")) }""")
    assert len(rows) >= 3  # the film festival, the short-film one, the children's one


def test_who_played_whom_in_a_kazakh_text(built_project: Project) -> None:
    rows = select(built_project, """SELECT ?character ?source WHERE {
      ?actor skos:prefLabel "Шәкен Айманов"@kk . ?film a kz:Film ; skos:prefLabel "Жамбыл"@kk .
      ?role kz:performer ?actor ; kz:film ?film ; kz:characterName ?character .
      ?claim rdf:reifies <<( ?role kz:characterName ?character )>> ; kz:statedIn ?source }""")
    assert [(r["character"], r["source"].rsplit("/", 1)[-1]) for r in rows] == [("Жамбыл", "004")]


def test_what_was_evacuated_where_according_to_each_text(built_project: Project) -> None:
    rows = select(built_project, """SELECT DISTINCT ?studio ?source WHERE {
      ?e a kz:Evacuation ; kz:organisation ?o ; kz:toPlace ?to .
      ?to skos:prefLabel "Almaty"@en . ?o skos:prefLabel ?studio . FILTER(LANG(?studio) = "en")
      ?claim rdf:reifies <<( ?e kz:organisation ?o )>> ; kz:statedIn ?source }""")
    said = {(r["studio"], r["source"].rsplit("/", 1)[-1]) for r in rows}
    assert {("Mosfilm", "000"), ("Lenfilm", "000"), ("Mosfilm", "002"),
            ("Lenfilm", "002")} <= said
