"""The OpenRefine reconciliation service (W3C Reconciliation Service API 0.2) through HTTP.

Every kind of response is validated against the W3C schemas vendored in
tests/schemas/reconciliation-0.2 (see its README); references between them resolve locally.
"""

from __future__ import annotations

import json
import random
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from kg.project import Project

SCHEMAS = Path(__file__).parent / "schemas" / "reconciliation-0.2"
SWAGGER = "http://swagger.io/v2/schema.json"
AIMANOV = "person/shaken-aimanov"


def load_registry() -> tuple[Registry, dict[str, dict[str, Any]]]:
    """The vendored schemas by file name, in a registry under their $ids (no network).

    Their ``$schema`` (``http://json-schema.org/schema#``, "the latest draft") names no
    dialect, so they are read as draft 7, the draft of their keywords (``definitions``,
    ``contains``) and of the validator the specs repository's CI runs (ajv). The Swagger 2.0
    schema that ``manifest.json``'s ``authentication`` refers to is replaced by a permissive
    stand-in (see the README)."""
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8"))
               for p in sorted(SCHEMAS.glob("*.json"))}
    stand_in = {"definitions": {"securityDefinitions": {"additionalProperties": {}}}}
    resources = [(s["$id"], DRAFT7.create_resource(s)) for s in schemas.values()]
    resources.append((SWAGGER, Resource.from_contents(stand_in, default_specification=DRAFT7)))
    return Registry().with_resources(resources), schemas


REGISTRY, SCHEMA_FILES = load_registry()


def validate(instance: Any, schema: str) -> None:
    Draft7Validator(SCHEMA_FILES[schema], registry=REGISTRY).validate(instance)


def reconcile(client: FlaskClient, queries: dict[str, Any]) -> dict[str, Any]:
    validate(queries, "reconciliation-query-batch.json")
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    validate(body, "reconciliation-result-batch.json")
    assert set(body) == set(queries)
    return body


def best(client: FlaskClient, query: dict[str, Any]) -> dict[str, Any]:
    results: list[dict[str, Any]] = reconcile(client, {"q": query})["q"]["result"]
    assert results, query
    return results[0]


def test_the_schemas_bite() -> None:
    """The validation below can fail: a candidate without a score is rejected."""
    with pytest.raises(ValidationError):
        validate({"q0": {"result": [{"id": "x", "name": "x"}]}}, "reconciliation-result-batch.json")
    with pytest.raises(ValidationError):
        validate({"versions": ["0.2"], "name": "x", "identifierSpace": "x", "schemaSpace": "x",
                  "view": {"url": "no template"}}, "manifest.json")


def test_manifest_validates_and_its_urls_answer(client: FlaskClient) -> None:
    manifest = client.get("/reconcile").get_json()
    validate(manifest, "manifest.json")
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/kazcinema/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/kazcinema/ontology#"
    assert {"Person", "Film", "Organisation"} <= {t["id"] for t in manifest["defaultTypes"]}
    # OpenRefine percent-encodes the id into the templates
    view = manifest["view"]["url"].replace("{{id}}", "person%2Fshaken-aimanov")
    preview = manifest["preview"]["url"].replace("{{id}}", "person%2Fshaken-aimanov")
    for url in (view, preview):
        assert url.startswith("http://localhost/")
        assert client.get(url.removeprefix("http://localhost")).status_code == 200, url
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        response = client.get(service["service_path"], query_string={"prefix": "a"})
        assert service["service_url"] == "http://localhost" and response.status_code == 200
    propose = manifest["extend"]["propose_properties"]["service_path"]
    assert client.get(propose, query_string={"type": "Film"}).status_code == 200


def test_manifest_urls_follow_the_host(client: FlaskClient) -> None:
    manifest = client.get("/reconcile", base_url="https://kino.example.org").get_json()
    assert manifest["view"]["url"] == "https://kino.example.org/id/{{id}}"


@pytest.mark.parametrize("spelling", [
    "Shaken Aimanov", "Shaken Aymanov", "Шәкен Айманов", "Шакен Айманов", "Ш. Айманов",
    "shaken aimanov", "SHAKEN AIMANOV", "Şäken Aimanov", "Shäken Aimanov", "Shaken Aimanov ",
])
def test_aimanov_under_every_spelling_is_a_match(client: FlaskClient, spelling: str) -> None:
    for query in ({"query": spelling}, {"query": spelling, "type": "Person"}):
        first = best(client, query)
        assert first["id"] == AIMANOV and first["match"] is True, (query, first)
        assert first["type"][0]["id"] == "Person"


@pytest.mark.parametrize("name", ["Qwxzt Blorfindel", "Zzyzx Quaalude", "Бурбурбур Ъыъ", "", "42"])
def test_an_unknown_name_matches_nothing(client: FlaskClient, name: str) -> None:
    results = reconcile(client, {"q": {"query": name}, "t": {"query": name, "type": "Person"}})
    assert not any(c.get("match") for r in results.values() for c in r["result"])


def test_the_year_tells_namesakes_apart(client: FlaskClient) -> None:
    """"Nomad" is both a 2005 film and an ethno-music group: no match until the year says."""
    plain = reconcile(client, {"q": {"query": "Nomad"}})["q"]["result"]
    assert {"film/nomad-the-warriors", "org/nomad-ethno-group"} <= {c["id"] for c in plain}
    assert not any(c["match"] for c in plain)
    right = best(client, {"query": "Nomad", "properties": [{"pid": "releaseYear", "v": 2005}]})
    assert right["id"] == "film/nomad-the-warriors" and right["match"] is True
    assert {"id": "releaseYear", "value": True} in right["features"]
    wrong = reconcile(client, {"q": {"query": "Nomad",
                                     "properties": [{"pid": "releaseYear", "v": "1990"}]}})
    film = next(c for c in wrong["q"]["result"] if c["id"] == "film/nomad-the-warriors")
    assert {"id": "releaseYear", "value": False} in film["features"] and not film["match"]
    assert wrong["q"]["result"][0]["id"] == "org/nomad-ethno-group"


def test_the_year_changes_the_score(client: FlaskClient) -> None:
    def score(year: int | None) -> float:
        props = [] if year is None else [{"pid": "kz:releaseDate", "v": str(year)}]
        results = reconcile(client, {"q": {"query": "The Needle", "type": "Film",
                                           "properties": props}})["q"]["result"]
        return float(next(c["score"] for c in results if c["id"] == "film/the-needle"))

    assert score(1988) >= score(None) > score(1999)


@pytest.mark.parametrize("director,agrees", [
    ("Rashid Nugmanov", True), ("Рашид Нугманов", True), ({"id": "person/rashid-nugmanov"}, True),
    ("Shaken Aimanov", False), ({"id": "person/shaken-aimanov", "name": "x"}, False),
])
def test_the_director_constraint(client: FlaskClient, director: Any, agrees: bool) -> None:
    first = best(client, {"query": "The Needle", "type": "Film",
                          "properties": [{"pid": "director", "v": director}]})
    assert first["id"] == "film/the-needle"
    assert {"id": "director", "value": agrees} in first["features"]
    assert first["match"] is agrees


def test_type_strictness(client: FlaskClient) -> None:
    any_ = reconcile(client, {"q": {"query": "Shaken Aimanov", "type": "Film"}})["q"]["result"]
    assert AIMANOV not in {c["id"] for c in any_}
    should = reconcile(client, {"q": {"query": "Shaken Aimanov", "type": "Film",
                                      "type_strict": "should"}})["q"]["result"]
    person = next(c for c in should if c["id"] == AIMANOV)
    assert person["score"] <= 70 and not person["match"]
    # a class includes its subclasses; "all" asks for every type given
    studios = reconcile(client, {"q": {"query": "Kazakhfilm", "type": "Organisation"}})
    assert studios["q"]["result"][0]["type"][0]["id"] == "FilmStudio"
    both = reconcile(client, {"q": {"query": "Kazakhfilm", "type": ["Organisation", "Person"],
                                    "type_strict": "all"}})
    assert both["q"]["result"] == []


def test_a_batch_of_a_hundred_queries(client: FlaskClient, built_project: Project) -> None:
    """70 real labels in every script, 15 with a typo, 15 names that are not in the data."""
    labels = unique_labels(built_project)
    rng = random.Random(7)
    exact = rng.sample(sorted(labels), 70)
    long = sorted(label for label in labels if len(label) >= 12 and label not in exact)
    typos = {typo(label, rng): labels[label] for label in rng.sample(long, 15)}
    unknown = [f"{a} {b}" for a, b in zip(
        ["Qorvax", "Blimfrod", "Xantheo", "Prrrt", "Zebulon", "Vyxx", "Quillon", "Jabberwock",
         "Грымзабур", "Ыщщъ", "Фываолд", "Zzzz", "Mxyzptlk", "Kwyjibo", "Snarfle"],
        ["Ugglethorpe", "Narnwick", "Plotz", "Fnord", "Glorbax", "Dweezil", "Throgmorton",
         "Vorpal", "Ъхъхъх", "Прстнк", "Джжжж", "Yyyy", "Ozymandiax", "Bamboozlequ", "Wugwug"],
        strict=True)]
    queries = {f"e{i}": {"query": label} for i, label in enumerate(exact)}
    queries |= {f"t{i}": {"query": label} for i, label in enumerate(typos)}
    queries |= {f"u{i}": {"query": name} for i, name in enumerate(unknown)}
    assert len(queries) == 100
    results = reconcile(client, queries)
    for i, label in enumerate(exact):
        first = results[f"e{i}"]["result"][0]
        assert first["id"] == labels[label] and first["match"], (label, first)
    for i, (label, ident) in enumerate(typos.items()):
        assert results[f"t{i}"]["result"][0]["id"] == ident, label
    for i in range(len(unknown)):
        assert not any(c["match"] for c in results[f"u{i}"]["result"]), unknown[i]


def unique_labels(project: Project) -> dict[str, str]:
    """Every entity label that names one entity only (folded for case): label → entity id."""
    store = ox.Store.read_only(str(project.build.store))
    rows = store.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e ?l WHERE { GRAPH <https://w3id.org/kazcinema/graph/entities> {
        ?e skos:prefLabel|skos:altLabel ?l } }""")
    owners: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for row in rows:  # type: ignore[union-attr]
        label = row["l"].value
        owners.setdefault(label.casefold(), set()).add(row["e"].value)
        spelled[label.casefold()] = label
    prefix = "https://w3id.org/kazcinema/id/"
    return {spelled[k]: next(iter(v)).removeprefix(prefix) for k, v in owners.items()
            if len(v) == 1}


def typo(label: str, rng: random.Random) -> str:
    """Swap two neighbouring letters inside the label."""
    spots = [i for i in range(1, len(label) - 2) if label[i].isalpha() and label[i + 1].isalpha()
             and label[i] != label[i + 1]]
    i = rng.choice(spots)
    return label[:i] + label[i + 1] + label[i] + label[i + 2:]


def test_suggest_services_validate(client: FlaskClient) -> None:
    entities = client.get("/reconcile/suggest/entity", query_string={"prefix": "Айманов"})
    validate(entities.get_json(), "suggest-entities-response.json")
    assert entities.get_json()["result"][0]["id"] == AIMANOV
    typed = client.get("/reconcile/suggest/entity",
                       query_string={"prefix": "Aimanov", "type": "Film"}).get_json()
    assert AIMANOV not in {r["id"] for r in typed["result"]}
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "stud"}).get_json()
    validate(types, "suggest-types-response.json")
    studio = next(t for t in types["result"] if t["id"] == "FilmStudio")
    assert studio["broader"][0]["id"] == "Organisation"
    props = client.get("/reconcile/suggest/property", query_string={"prefix": "dir"}).get_json()
    validate(props, "suggest-properties-response.json")
    assert "director" in {p["id"] for p in props["result"]}
    assert client.get("/reconcile/suggest/entity").status_code == 400


def test_propose_and_extend(client: FlaskClient) -> None:
    proposed = client.get("/reconcile/extend/propose", query_string={"type": "Film"}).get_json()
    # 0.2 has no schema for this response: its shape is checked here
    assert proposed["type"] == "Film"
    assert all(set(p) == {"id", "name"} for p in proposed["properties"])
    assert {"releaseYear", "director", "label_kk"} <= {p["id"] for p in proposed["properties"]}
    people = client.get("/reconcile/extend/propose", query_string={"type": "Person"}).get_json()
    assert "directed" in {p["id"] for p in people["properties"]}
    assert "releaseYear" not in {p["id"] for p in people["properties"]}
    query = {"ids": ["film/the-needle", AIMANOV, "film/no-such-film"],
             "properties": [{"id": "releaseYear"}, {"id": "director"}, {"id": "label_kk"},
                            {"id": "directed", "settings": {"lang": "kk", "limit": "2"}}]}
    validate(query, "data-extension-query.json")
    response = client.post("/reconcile", data={"extend": json.dumps(query)}).get_json()
    validate(response, "data-extension-response.json")
    assert [m["id"] for m in response["meta"]] == ["releaseYear", "director", "label_kk",
                                                     "directed"]
    needle = response["rows"]["film/the-needle"]
    assert needle["releaseYear"] == [{"int": 1988}]
    assert needle["director"] == [{"id": "person/rashid-nugmanov", "name": "Rashid Nugmanov"}]
    aimanov = response["rows"][AIMANOV]
    assert {"str": "Шәкен Айманов"} in aimanov["label_kk"] and len(aimanov["directed"]) == 2
    assert response["rows"]["film/no-such-film"] == {p["id"]: [] for p in query["properties"]}
    bad = client.post("/reconcile", data={"extend": json.dumps(
        {"ids": [], "properties": [{"id": "shoeSize"}]})}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "shoeSize" in bad.get_json()["message"]


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_preview_shows_the_entity_and_escapes_markup(client: FlaskClient, app: Flask) -> None:
    page = client.get("/reconcile/preview", query_string={"id": "film/the-needle"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "The Needle" in text and "Rashid Nugmanov" in text and "1988" in text
    assert 'href="http://localhost/id/film/the-needle"' in text
    with app.test_request_context():
        html = render_template("preview.html", label="<script>alert(1)</script>", kind="<b>",
                               labels=[("en", "<img src=x onerror=alert(1)>")],
                               facts=[("<i>", ["<script>"])], url="/id/x")
    parser = Elements()
    parser.feed(html)
    assert not {"script", "img", "b", "i"} & set(parser.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    missing = client.get("/reconcile/preview", query_string={"id": "<script>alert(1)</script>"},
                         headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<script>alert" not in missing.get_data(as_text=True)


def test_jsonp_callback(client: FlaskClient) -> None:
    response = client.get("/reconcile", query_string={"callback": "jQuery123_456"})
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/javascript"
    assert body.startswith("/**/jQuery123_456(") and body.endswith(");")
    validate(json.loads(body[len("/**/jQuery123_456("):-2]), "manifest.json")
    queries = json.dumps({"q0": {"query": "Шәкен Айманов"}})
    answer = client.get("/reconcile", query_string={"queries": queries, "callback": "cb"})
    assert json.loads(answer.get_data(as_text=True)[len("/**/cb("):-2])["q0"]["result"][0][
        "id"] == AIMANOV
    for bad in ("alert(1)//", "a b", "x;y", "</script>"):
        assert client.get("/reconcile", query_string={"callback": bad}).status_code == 400


@pytest.mark.parametrize("field,value", [
    ("queries", "{not json"), ("queries", "[1, 2]"), ("queries", '{"q0": {"query": 5}}'),
    ("queries", '{"q0": {"query": "x", "type": "Spaceship"}}'),
    ("queries", '{"q0": {"query": "x", "properties": [{"pid": "shoeSize", "v": 1}]}}'),
    ("queries", '{"q0": {"query": "x", "type_strict": "maybe"}}'),
    ("extend", "{\"ids\": ["), ("extend", '{"ids": "film/x"}'),
])
def test_bad_input_is_a_400_naming_the_field(client: FlaskClient, field: str, value: str) -> None:
    for method in (client.get, client.post):
        kwargs: dict[str, Any] = ({"query_string": {field: value}} if method == client.get
                                  else {"data": {field: value}})
        response = method("/reconcile", headers={"Accept": "application/json"}, **kwargs)
        assert response.status_code == 400
        body = response.get_json()
        assert field in body["message"] and "Traceback" not in body["message"]


@pytest.mark.parametrize("text", ['"}; DROP ALL #', "<script>alert(1)</script>", "'", "\\"])
def test_metacharacters_are_only_text(client: FlaskClient, text: str) -> None:
    results = reconcile(client, {"q": {"query": text, "properties": [
        {"pid": "director", "v": text}, {"pid": "releaseYear", "v": text},
        {"pid": "occupation", "v": text}]}})
    assert not any(c["match"] for c in results["q"]["result"])
    assert client.get("/reconcile/preview", query_string={"id": text}).status_code == 404
    assert client.get("/sparql", query_string={
        "query": "ASK { <https://w3id.org/kazcinema/id/person/shaken-aimanov> ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"}).get_json()["boolean"] is True
