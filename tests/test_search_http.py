"""``/search`` through HTTP: JSON for programs, HTML for people, the search box on every page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.name_index import NAMES_FILE, NameIndex
from server.search import load_name_index
from server.state import Release, get_state

AIMANOV = "https://w3id.org/kazcinema/id/person/shaken-aimanov"


class Page(HTMLParser):
    """The elements of a page, with their attributes, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


def search_json(client: FlaskClient, **params: Any) -> dict[str, Any]:
    response = client.get("/search", query_string={**params, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def test_json_results_name_the_match_all_labels_type_and_link(client: FlaskClient) -> None:
    body = search_json(client, q="Айманов")
    assert body["query"] == "Айманов"
    first = body["results"][0]
    assert first["id"] == AIMANOV and first["url"] == "/id/person/shaken-aimanov"
    assert first["type"] == "Person" and first["label"] == "Shaken Aimanov"
    assert "Айманов" in first["matched"] and first["matched_lang"] in ("kk", "ru")
    labels = {(label["lang"], label["value"]) for label in first["labels"]}
    assert {("en", "Shaken Aimanov"), ("kk", "Шәкен Айманов"), ("ru", "Шакен Айманов")} <= labels
    assert isinstance(first["score"], float) and isinstance(first["exact"], bool)
    assert client.get(first["url"]).status_code == 200


def test_accept_json_is_the_same_as_format_json(client: FlaskClient) -> None:
    by_accept = client.get("/search", query_string={"q": "Aimanov"},
                           headers={"Accept": "application/json"})
    assert by_accept.mimetype == "application/json"
    assert by_accept.get_json() == search_json(client, q="Aimanov")
    assert "Accept" in by_accept.headers["Vary"]


def test_html_results_show_the_match_all_labels_type_and_link(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "Shaken Aymanov"},
                          headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    text = " ".join(page.text)
    assert "/id/person/shaken-aimanov" in {a.get("href") for a in page.all("a")}
    for label in ("Shaken Aimanov", "Shaken Aymanov", "Шәкен Айманов", "Шакен Айманов"):
        assert label in text
    assert "Person" in text and "matched" in text


def test_type_filter(client: FlaskClient) -> None:
    films = search_json(client, q="Aimanov", type="Film")["results"]
    assert all(r["type"] == "Film" for r in films) and AIMANOV not in {r["id"] for r in films}
    people = search_json(client, q="Aimanov", type="Person")["results"]
    assert people[0]["id"] == AIMANOV
    unknown = client.get("/search", query_string={"q": "x", "type": "Spaceship"},
                         headers={"Accept": "application/json"})
    assert unknown.status_code == 400
    message = unknown.get_json()["message"]
    assert "Spaceship" in message and "Person" in message and "Film" in message


def test_lang_picks_the_names_shown(client: FlaskClient) -> None:
    first = search_json(client, q="Shaken Aimanov", lang="kk")["results"][0]
    assert first["id"] == AIMANOV and first["label"] == "Шәкен Айманов"
    html = client.get("/search", query_string={"q": "Shaken Aimanov", "lang": "ru"},
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "/id/person/shaken-aimanov?lang=ru" in html
    assert client.get("/search", query_string={"q": "x", "lang": "fr"}).status_code == 400


@pytest.mark.parametrize("params", [
    {"q": "x", "limit": "0"}, {"q": "x", "limit": "101"}, {"q": "x", "limit": "ten"},
    {"q": "x", "format": "xml"}, {"q": ""}, {},
])
def test_bad_requests_are_400(client: FlaskClient, params: dict[str, str]) -> None:
    response = client.get("/search", query_string={**params, "format": params.get("format",
                                                                                    "json")},
                          headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_limit_bounds_the_results(client: FlaskClient) -> None:
    assert len(search_json(client, q="a", limit=1)["results"]) <= 1
    assert len(search_json(client, q="a", limit=100)["results"]) <= 100


def test_an_empty_query_shows_the_form(client: FlaskClient) -> None:
    response = client.get("/search", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    assert {"q", "type", "lang"} <= {e.get("name") for e in page.all("input") + page.all("select")}


@pytest.mark.parametrize("text", ['"}; DROP ALL #', "<script>alert(1)</script>", "'", "\\",
                                  "Айманов'; --", "<b>Aimanov</b>"])
def test_metacharacters_are_harmless(client: FlaskClient, text: str) -> None:
    body = search_json(client, q=text)
    assert body["query"] == text.strip()
    html = client.get("/search", query_string={"q": text}, headers={"Accept": "text/html"})
    assert html.status_code == 200
    page = Page(html.get_data(as_text=True))
    assert not page.all("script") and not page.all("b")
    assert text.strip() in " ".join(page.text)  # shown back, as text
    # and the data is all still there
    assert search_json(client, q="Shaken Aimanov")["results"][0]["id"] == AIMANOV


@pytest.mark.parametrize("path", ["/", "/id/person/shaken-aimanov"])
def test_the_search_box_is_on_every_page(client: FlaskClient, path: str) -> None:
    page = Page(client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True))
    forms = [f for f in page.all("form") if f.get("action") == "/search"]
    assert forms and (forms[0].get("method") or "get").lower() == "get"
    assert "q" in {i.get("name") for i in page.all("input")}


def test_a_new_release_gets_a_new_index(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    def make() -> int:
        built.append(1)
        return len(built)

    with app.test_request_context():
        state = get_state()
        assert state.cached("test", make) == 1 and state.cached("test", make) == 1
        current = state.release()
        newer = Release("newer", current.path, current.store, current.modified, {})
        monkeypatch.setattr(state, "release", lambda: newer)
        assert state.cached("test", make) == 2 and state.cached("test", make) == 2


def test_the_index_is_read_from_the_release(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's names.json is served; the store is indexed only for a release without one."""
    with app.test_request_context():
        assert (get_state().release().path / NAMES_FILE).is_file()

        def refuse(store: object) -> NameIndex:
            raise AssertionError("indexed the store although the release has names.json")

        monkeypatch.setattr(NameIndex, "from_store", classmethod(lambda cls, s: refuse(s)))
        index = load_name_index()
        assert index.search("Шәкен Айманов")[0].iri == AIMANOV
