"""The example catalogue (queries/*.rq) through HTTP: /queries lists it, /queries/<name> runs
each example, and every example gives its expected answer on the built data, as JSON and as
CSV (the same check on both)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from ruamel.yaml import YAML

from kg.catalogue import load_queries
from kg.project import Project

REPO = Path(__file__).resolve().parents[1]
NAMES = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
ID = "https://w3id.org/kazcinema/id/"
SOURCE = "https://w3id.org/kazcinema/source/"

Row = dict[str, str]
Check = Callable[[list[Row]], None]


def json_rows(client: FlaskClient, name: str) -> list[Row]:
    response = client.get(f"/queries/{name}",
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/sparql-results+json"
    data = response.get_json()
    names = data["head"]["vars"]
    return [{n: flat(b[n]["value"]) if n in b else "" for n in names}
            for b in data["results"]["bindings"]]


def csv_rows(client: FlaskClient, name: str) -> list[Row]:
    response = client.get(f"/queries/{name}", query_string={"format": "csv"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True), newline=""))
    return [{k: flat(v) for k, v in row.items()} for row in reader]


def flat(value: str) -> str:
    """Quotes keep the line breaks of their texts; compare them with single spaces."""
    return " ".join(value.split())


def source(row: Row, key: str = "source") -> str:
    """"000" for https://w3id.org/kazcinema/source/000."""
    return row[key].removeprefix(SOURCE)


def words(value: str, separator: str = " ") -> set[str]:
    return {w for w in value.split(separator) if w}


# ---------------------------------------------------------------------------------------------
# the expected answer of each example


def check_claims_per_text(rows: list[Row]) -> None:
    assert {source(r) for r in rows} == {"000", "001", "002", "003", "004"}
    claims = {source(r): int(r["claims"]) for r in rows}
    assert all(n > 0 for n in claims.values())
    # 000 (three abstracts and a long Kazakh body) says the most; 001 (a short essay) the least
    assert max(claims, key=claims.__getitem__) == "000"
    assert min(claims, key=claims.__getitem__) == "001"


def check_disagreements(rows: list[Row]) -> None:
    # 000 dates the Union's founding to 1958 only; the I congress of January 1963 completed
    # the founding (recorded on the congress), which is not a second founding date
    assert not any(r["subject"] == ID + "event/000-union-founding-1958" for r in rows)
    assert all(r["quote"] and r["claim"] for r in rows)


def check_needle_director(rows: list[Row]) -> None:
    assert {(r["name"], source(r)) for r in rows} == {("Rashid Nugmanov", "002")}
    assert any("directed by Rashid Nugmanov" in r["quote"] for r in rows)


def check_person_spellings(rows: list[Row]) -> None:
    catalogue = YAML(typ="safe").load(REPO / "data" / "entities" / "person.yaml")
    assert len(rows) == len(catalogue)
    aimanov = next(r for r in rows if r["person"] == ID + "person/shaken-aimanov")
    assert {"Shaken Aimanov (en)", "Shaken Aymanov (en)", "Шәкен Айманов (kk)",
            "Шакен Айманов (ru)"} <= words(aimanov["names"], " · ")


def check_filmography(rows: list[Row]) -> None:
    assert {r["person"] for r in rows} == {ID + "person/shaken-aimanov"}
    ataman = [r for r in rows if r["film"] == ID + "film/the-end-of-the-ataman"]
    assert [(r["title"], r["titleKk"], r["credit"], r["year"]) for r in ataman] == [
        ("The End of the Ataman", "Атаманның ақыры", "director", "1970")]
    assert words(ataman[0]["sources"]) == {"000", "002"}
    credits = {(r["titleKk"], r["credit"], r["character"]) for r in rows}
    assert ("Жамбыл", "performer", "Жамбыл") in credits
    assert ("Абай әндері", "performer", "Шәріп") in credits
    assert ("Махаббат туралы аңыз", "director", "") in credits
    assert ("Атамекен", "director", "") in credits
    # films with a year come first, in order
    years = [r["year"] for r in rows if r["year"]]
    assert years == sorted(years) and rows[0]["year"]


def check_who_played_whom(rows: list[Row]) -> None:
    roles = {(r["actorKk"], r["filmKk"], r["character"], source(r)) for r in rows}
    assert ("Шәкен Айманов", "Жамбыл", "Жамбыл", "004") in roles
    assert ("Шәкен Айманов", "Абай әндері", "Шәріп", "004") in roles
    assert ("Қалыбек Қуанышбаев", "Абай әндері", "Абай", "004") in roles
    assert ("Viktor Tsoi", "The Needle", "Moro", "002") in {
        (r["actor"], r["film"], r["character"], source(r)) for r in rows}
    assert {r["film"] for r in rows if r["actor"] == "Asanali Ashimov"} == {
        "The End of the Ataman", "The Trans-Siberian Express", "The Manchurian Variant"}
    assert all(r["quote"] for r in rows)


def check_evacuations(rows: list[Row]) -> None:
    moves = {(r["organisation"], r["to"], source(r)) for r in rows}
    assert {("Mosfilm", "Almaty", "000"), ("Mosfilm", "Almaty", "002"),
            ("Lenfilm", "Almaty", "000"), ("Lenfilm", "Almaty", "002"),
            ("Gerasimov Institute of Cinematography", "Almaty", "002")} <= moves
    lenfilm = [r for r in rows if r["organisation"] == "Lenfilm"]
    assert {r["from"] for r in lenfilm} == {"Leningrad"}
    assert {r["asWritten"] for r in lenfilm} == {"«Ленфильм»", "Lenfilm"}


def check_studio_names(rows: list[Row]) -> None:
    renamings = [(r["date"], r["name"], r["newName"], r["by"], r["sources"])
                 for r in rows if r["kind"] == "renaming"]
    assert renamings == [
        ("1961-01-06", "Alma-Ata Film Studios", "Kazakhfilm",
         "Ministry of the Culture of the Kazakh SSR", "002"),
        ("1984", "Kazakhfilm", "", "named after Shaken Aimanov", "002")]
    assert (rows[0]["date"], rows[0]["kind"], rows[0]["name"]) == (
        "1942", "as written (Founding)", "көркем фильмдердің Алматы киностудиясы")
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)
    labels = {r["name"] for r in rows if r["kind"] == "catalogue label"}
    assert {"Kazakhfilm", "Alma-Ata Film Studios", "Қазақфильм"} <= labels


def check_who_says_what(rows: list[Row]) -> None:
    assert {source(r) for r in rows} == {"000", "002", "004"}
    said = {(source(r), r["direction"], r["property"], r["value"]) for r in rows}
    assert ("002", "object", "namedAfter", "Kazakhfilm") in said
    assert ("002", "object", "director", "The End of the Ataman") in said
    assert ("004", "object", "performer", "Performance event/004-aimanov-plays-zhambyl") in said
    assert ("000", "subject", "headOf", "Union of Cinematographers of Kazakhstan") in said
    assert {r["asWritten"] for r in rows} >= {"Shaken Aymanov", "Ш. Айманов", "Шәкен Айманов"}
    assert all(r["quote"] and r["claim"] for r in rows)


def check_new_wave(rows: list[Row]) -> None:
    assert {(r["film"], r["link"], r["year"], r["director"], r["school"]) for r in rows} == {
        ("The Needle", "catalystOf", "1988", "Rashid Nugmanov",
         "Gerasimov Institute of Cinematography"),
        ("Revenge", "partOfMovement", "1989", "Ermek Shinarbaev",
         "Gerasimov Institute of Cinematography")}
    assert all("alma-mater" in r["schoolQuote"] and r["period"] == "perestroika" for r in rows)


def check_awards(rows: list[Row]) -> None:
    groups = {(r["festival"], r["decade"]): r for r in rows}
    all_union = groups[("All-Union Film Festival", "1950s")]
    assert all_union["recognitions"] == "4"
    assert "үшінші орын → Біз осында тұрамыз 1958" in all_union["awards"]
    cannes_2000s = groups[("Cannes Film Festival", "2000s")]["awards"]
    assert "Grand Prix in Cannes’ Un Certain Regard → Tulpan 2008" in cannes_2000s
    assert "Sunflower" in groups[("Cannes Film Festival", "2020s")]["awards"]
    assert "Mongol 2008" in groups[("(no festival)", "2000s")]["awards"]
    assert words(groups[("(no festival)", "undated")]["sources"]) == {"000", "003"}


def check_single_source_claims(rows: list[Row]) -> None:
    links = {(r["subject"], r["property"], r["object"], source(r)) for r in rows}
    assert ("Kazakhfilm", "namedAfter", "Shaken Aimanov", "002") in links
    assert ("Kyz-Zhibek", "director", "Sultan Kozhykov", "000") in links
    assert ("Amangeldy", "productionCompany", "Lenfilm", "002") in links
    # stated by both 000 and 002: not resting on one source
    assert not any(s == "The End of the Ataman" and p == "director" for s, p, _, _ in links)


def check_corroborated(rows: list[Row]) -> None:
    found = {r["statement"]: words(r["sources"]) for r in rows}
    assert found["The End of the Ataman director Shaken Aimanov"] == {"000", "002"}
    assert found["Evacuation: Mosfilm"] == {"000", "002"}
    assert found["Evacuation: Lenfilm"] == {"000", "002"}
    mosfilm = next(r for r in rows if r["statement"] == "Evacuation: Mosfilm")
    assert "«Мосфильм»" in mosfilm["quotes"] and "Mosfilm and Lenfilm" in mosfilm["quotes"]


def check_turkish_series(rows: list[Row]) -> None:
    shown = {(r["series"], r["shownIn"], r["includesKazakhstan"]) for r in rows}
    assert {("Сұлтан Сүлеймен", "Ресей", "false"), ("Сұлтан Сүлеймен", "Италия", "false"),
            ("Сұлтан Сүлеймен", "Қытай", "false"),
            ("түрік сериалдары", "Орталық Азия", "true"),
            ("түрік сериалдары", "Таяу Шығыс", "false")} <= shown
    alp = [r for r in rows if r["series"] == "Алып-Арслан"]
    assert len(alp) == 1 and "6 бөлімнен" in alp[0]["description"]
    assert {source(r) for r in rows} == {"003"}


def check_ego_network(rows: list[Row]) -> None:
    edges = {(r["name"], r["relation"], r["direction"], r["sources"]) for r in rows}
    assert ("Shaken Aimanov", "namedAfter", "out", "002") in edges
    assert ("Shaken Aimanov", "worksFor", "in", "004") in edges
    assert ("Mosfilm", "Merger: participant / participant", "event", "002") in edges
    assert ("Ministry of the Culture of the Kazakh SSR", "Renaming: organisation / agent",
            "event", "002") in edges
    assert ("Біздің сүйікті дәрігеріміз", "productionCompany", "in", "000") in edges
    assert ID + "org/kazakhfilm" not in {r["neighbour"] for r in rows}


def check_union_congresses(rows: list[Row]) -> None:
    by_event = {r["congress"].removeprefix(ID + "event/"): r for r in rows}
    first = by_event["000-congress-1-1963"]
    assert (first["date"], first["endDate"]) == ("1963-01-09", "1963-01-10")
    second = by_event["000-congress-2-1969"]
    assert second["date"] == "1969-01-23"
    assert words(second["speakers"], ", ") == {"Shaken Aimanov", "Olzhas Suleymenov"}
    assert by_event["000-plenum-3-1965"]["date"] == "1965-11-10"
    assert by_event["000-plenum-3-1965"]["speakers"] == "А. Карпов"
    assert by_event["000-joint-plenum-1962-11"]["endDate"] == "1962-11-22"
    assert "000-cairo-conference-1961" not in by_event  # Aimanov went; the Union did not
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates) and dates[0] == "1959-11-17"


def check_statistics(rows: list[Row]) -> None:
    numbers = {(source(r), r["measure"], r["value"], r["unit"], r["when"]) for r in rows}
    assert ("002", "No. of screens", "213", "screens", "2014") in numbers
    assert ("002", "Gross box office: total", "63600000", "USD", "2013") in numbers
    assert ("000", "шығарылған көркемсуретті фильмдер саны", "40", "films",
            "1946–1965") in numbers
    assert any(source(r) == "003" and r["value"] == "700000000" and r["unit"] == "viewers"
               for r in rows)
    assert {source(r) for r in rows} == {"000", "002", "003", "004"}


def check_cited_works(rows: list[Row]) -> None:
    works = {r["work"].removeprefix(ID + "work/"): r for r in rows}
    assert (source(works["002-ref-31"]), works["002-ref-31"]["title"],
            works["002-ref-31"]["authorName"]) == (
        "002", "The Partisan Movement, or Kazakhstan's New Wave Cinema", "Eduardo Guillot")
    assert (works["fedulin-1967"]["title"], works["fedulin-1967"]["year"]) == (
        "Кино в Казахстане", "1967")
    assert works["narymbet-2016"]["author"] == "Satybaldy Narimbetov"
    assert source(works["cevic-2014"]) == "003"
    assert {source(r) for r in rows} == {"000", "002", "003"}
    assert sum(1 for r in rows if source(r) == "002") == 40


def check_names_as_written(rows: list[Row]) -> None:
    forms = {(source(r), r["asWritten"], r["language"], r["inCatalogue"]) for r in rows}
    assert ("000", "Ш. Айманов", "kk", "true") in forms
    assert ("000", "Ш. Аймановтың", "kk", "false") in forms
    assert ("000", "Shaken Aymanov", "en", "true") in forms
    assert ("002", "Shaken Aimanov", "en", "true") in forms
    assert ("004", "Шәкен Айманов", "kk", "true") in forms
    top_000 = next(r for r in rows if source(r) == "000")
    assert top_000["asWritten"] == "Ш. Айманов"


def check_timeline(rows: list[Row]) -> None:
    assert (rows[0]["date"], rows[0]["kind"], source(rows[0])) == ("1928", "Founding", "002")
    assert "Lokomotiv Cinema" in rows[0]["participants"]
    dates = [r["date"][:10] for r in rows]
    assert dates == sorted(dates)
    events = {(r["date"], r["kind"], source(r)) for r in rows}
    assert ("1961-01-06", "Renaming", "002") in events
    assert ("1963-01-09", "Congress", "000") in events
    assert ("2021-11", "Recognition", "002") in events
    assert all(r["date"] for r in rows)


def check_missing_labels(rows: list[Row]) -> None:
    gaps = {r["entity"].removeprefix(ID): r["missing"] for r in rows}
    assert gaps["place/china"] == "ru"
    assert gaps["org/kazakhfilm"] == "ru"
    assert gaps["festival/moscow-iff"] == "ru"
    assert "person/shaken-aimanov" not in gaps  # named in all three languages
    assert not any(r["kind"] == "CitedWork" for r in rows)
    texts = [int(r["texts"]) for r in rows]
    assert texts == sorted(texts, reverse=True)


def check_speeches(rows: list[Row]) -> None:
    suleymenov = [r for r in rows if r["speaker"] == "Olzhas Suleymenov"
                  and r["gathering"] == "000-congress-2-1969"]
    assert suleymenov and {r["date"] for r in suleymenov} == {"1969-01-23"}
    assert any(r["speaker"] == "А. Карпов" and "шұжық" in r["said"] for r in rows)
    assert any(r["speaker"] == "Сигедин" and r["gathering"] == "000-council-1959-11-17"
               for r in rows)
    assert {source(r) for r in rows} == {"000", "003"}


def check_trips_abroad(rows: list[Row]) -> None:
    assert {(r["traveller"], r["destination"]) for r in rows} == {
        ("Mazhit Begalin", "Mexico"), ("А. Карпов", "France"), ("Қ. Сатыбалдин", "India"),
        ("И. Верещагин", "China"), ("О. Зекки", "China")}


def check_training(rows: list[Row]) -> None:
    moscow = [r for r in rows if r["mentionsMoscow"] == "true"]
    assert any("training of young film directors of Kazakhstan in Moscow studios" in r["quote"]
               for r in moscow)
    assert any("Мәскеу студиоларында" in r["quote"] for r in moscow)
    assert any("alma-mater" in r["quote"] and r["about"] == "Kazakh New Wave" for r in rows)
    assert not any("Trans-Siberian" in r["quote"] for r in rows)  # a train is not training
    assert rows[0]["mentionsMoscow"] == "true"


def check_films_by_decade(rows: list[Row]) -> None:
    decades = {r["decade"]: r for r in rows}
    assert decades["1930s"]["titles"] == "Amangeldy (1939)"
    assert {"The Needle (1988)", "Revenge (1989)"} <= words(decades["1980s"]["titles"], " · ")
    assert decades["1940s"]["texts"] == "004"
    assert [r["decade"] for r in rows] == sorted(decades)
    assert int(decades["undated"]["films"]) > 0


def check_shared_entities(rows: list[Row]) -> None:
    shared = {r["entity"].removeprefix(ID): r for r in rows}
    aimanov = shared["person/shaken-aimanov"]
    assert aimanov["texts"] == "3"
    assert {t.split(":")[0] for t in words(aimanov["claimsPerText"])} == {"000", "002", "004"}
    assert shared["concept/cinema-of-kazakhstan"]["texts"] == "5"
    assert "film/the-end-of-the-ataman" in shared
    assert all(int(r["texts"]) >= 2 for r in rows)


def check_bans(rows: list[Row]) -> None:
    assert {(r["work"], r["bannedBy"], r["involved"]) for r in rows} == {
        ("Ақ шаңқан таулар", "С. Имашев", "Д.А. Қонаев")}
    assert any("15 жыл" in r["said"] for r in rows)
    assert {source(r) for r in rows} == {"000"}


CHECKS: dict[str, Check] = {
    "awards-by-festival-and-decade": check_awards,
    "bans": check_bans,
    "cited-works": check_cited_works,
    "claims-per-text": check_claims_per_text,
    "corroborated": check_corroborated,
    "disagreements": check_disagreements,
    "ego-network": check_ego_network,
    "evacuations": check_evacuations,
    "filmography": check_filmography,
    "films-by-decade": check_films_by_decade,
    "missing-labels": check_missing_labels,
    "names-as-written": check_names_as_written,
    "needle-director": check_needle_director,
    "new-wave": check_new_wave,
    "person-spellings": check_person_spellings,
    "shared-entities": check_shared_entities,
    "single-source-claims": check_single_source_claims,
    "speeches": check_speeches,
    "statistics": check_statistics,
    "studio-names": check_studio_names,
    "timeline": check_timeline,
    "training-and-schools": check_training,
    "trips-abroad": check_trips_abroad,
    "turkish-series": check_turkish_series,
    "union-congresses": check_union_congresses,
    "who-played-whom": check_who_played_whom,
    "who-says-what": check_who_says_what,
}


# ---------------------------------------------------------------------------------------------


def test_the_catalogue_has_twenty_examples_each_with_its_expected_answer() -> None:
    assert len(NAMES) >= 20
    assert set(CHECKS) == set(NAMES), "every example in queries/ needs a check here"


def test_every_example_has_a_title_and_a_description() -> None:
    queries = load_queries(REPO / "queries")  # raises on a missing title or description
    assert [q.name for q in queries] == NAMES
    for query in queries:
        assert query.title and query.description, query.name
        assert not re.search(r"^\s*PREFIX\s", query.text, re.I | re.M), (
            f"{query.name}: the endpoint pre-declares the prefixes")


# no two texts (or passages) currently give different values: the report's one former
# entry was a false disagreement (the 1963 completion of the Union's founding read as a
# second founding date)
MAY_ANSWER_NOTHING = {"disagreements"}


@pytest.mark.parametrize("name", NAMES)
def test_example_answers_as_expected_in_json_and_csv(client: FlaskClient, name: str) -> None:
    from_json = json_rows(client, name)
    from_csv = csv_rows(client, name)
    if name in MAY_ANSWER_NOTHING and not from_json:
        assert not from_csv
        CHECKS[name](from_json)
        return
    assert from_json, f"{name} answers nothing"
    assert len(from_csv) == len(from_json)
    assert list(from_csv[0]) == list(from_json[0])
    CHECKS[name](from_json)
    CHECKS[name](from_csv)


def test_filmography_finds_the_person_under_any_spelling(client: FlaskClient) -> None:
    text = (REPO / "queries" / "filmography.rq").read_text("utf-8")
    assert '"Aymanov"' in text
    films = []
    for spelling in ("Aymanov", "Aimanov", "АЙМАНОВ", "Шакен Айманов"):
        query = text.replace('"Aymanov"', f'"{spelling}"')
        response = client.post("/sparql", data={"query": query},
                               headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200
        films.append({b["film"]["value"] for b in response.get_json()["results"]["bindings"]})
    assert ID + "film/the-end-of-the-ataman" in films[0]
    assert all(f == films[0] for f in films)


def test_an_example_runs_as_a_page_for_browsers(client: FlaskClient) -> None:
    response = client.get("/queries/who-played-whom", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Шәкен Айманов" in page and "Жамбыл" in page and "Moro" in page
    assert "kz:Performance" in page  # the query itself is shown


def test_an_example_answers_in_the_other_formats(client: FlaskClient) -> None:
    tsv = client.get("/queries/trips-abroad", query_string={"format": "tsv"})
    assert tsv.mimetype == "text/tab-separated-values" and "Мексика" in tsv.get_data(as_text=True)
    xml = client.get("/queries/trips-abroad",
                     headers={"Accept": "application/sparql-results+xml"})
    assert xml.mimetype == "application/sparql-results+xml" and b"Mazhit Begalin" in xml.data


def test_an_unknown_example_is_404_naming_the_catalogue(client: FlaskClient) -> None:
    response = client.get("/queries/no-such-query", headers={"Accept": "application/json"})
    assert response.status_code == 404
    message = response.get_json()["message"]
    assert "no-such-query" in message and "/queries" in message


def test_the_catalogue_lists_every_example_as_json(client: FlaskClient) -> None:
    response = client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    entries = response.get_json()
    assert [e["name"] for e in entries] == NAMES
    for entry in entries:
        assert entry["title"] and entry["description"] and entry["query"]
        assert entry["url"] == f"/queries/{entry['name']}"
        assert entry["formats"]["csv"] == f"/queries/{entry['name']}?format=csv"
    assert client.get("/queries", query_string={"format": "json"}).get_json() == entries


def test_the_catalogue_is_a_page_for_browsers(client: FlaskClient) -> None:
    response = client.get("/queries", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    page = response.get_data(as_text=True)
    for query in load_queries(REPO / "queries"):
        assert str(escape(query.title)) in page
        assert f'href="/queries/{query.name}"' in page
        assert f'href="/queries/{query.name}?format=csv"' in page


def test_the_examples_are_those_of_the_served_project(built_project: Project) -> None:
    # the fixture serves a copy of queries/; the catalogue must not depend on the checkout
    assert sorted(p.stem for p in built_project.queries.glob("*.rq")) == NAMES
