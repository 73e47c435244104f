"""Source pages, passages and the sources index: the full text with every claim's passage
highlighted and linked, passages that dereference, and each source's description in RDF."""

from __future__ import annotations

import io
import itertools
import time
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, parse

from kg.corpus import Source, load_sources
from kg.passages import TextUnavailableError
from kg.project import Project
from kg.store import open_read_only
from kg.vocab import BASE, DCTERMS_NS, KZ_NS, OA_NS, SKOS_NS, graph_iri, passage_iri, source_iri
from server import create_app

STATED_IN = NamedNode(KZ_NS + "statedIn")
EVIDENCE = NamedNode(KZ_NS + "evidence")
MARKUP = '\n<script>alert("x")</script> & <b>bold</b> &amp; "quoted"'


@dataclass
class Mark:
    start: int  # offsets in the text content of the page's text
    end: int
    classes: frozenset[str]
    title: str


class SourcePage(HTMLParser):
    """What a source page shows: its text (as a browser reads it), the marks and anchors in
    it, every link and element on the page, and all its text."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.all_text = ""
        self.marks: list[Mark] = []
        self.anchors: dict[str, int] = {}
        self.links: list[str] = []
        self.elements: list[str] = []
        self._depth = 0  # > 0 inside the text's <div>
        self._mark: tuple[int, frozenset[str], str] | None = None
        self.link_texts: dict[str, set[str]] = {}  # href → the texts of links to it
        self._href: str | None = None
        self._link_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        self.elements.append(tag)
        if tag == "a" and "href" in attr:
            self.links.append(attr["href"])
            self._href = attr["href"]
            self.link_texts.setdefault(self._href, set()).add("")
        if self._depth:
            self._depth += tag == "div"
            if "id" in attr:
                self.anchors[attr["id"]] = len(self.text)
            if tag == "mark":
                self._mark = (len(self.text), frozenset(attr.get("class", "").split()),
                              attr.get("title", ""))
        elif tag == "div" and "text" in attr.get("class", "").split():
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            texts = self.link_texts[self._href]
            texts.discard("")
            texts.add(self._link_text.strip())
            self._href, self._link_text = None, ""
        if self._depth and tag == "div":
            self._depth -= 1
        if tag == "mark" and self._mark is not None:
            start, classes, title = self._mark
            self.marks.append(Mark(start, len(self.text), classes, title))
            self._mark = None

    def handle_data(self, data: str) -> None:
        self.all_text += data
        if self._href is not None:
            self._link_text += data
        if self._depth:
            self.text += data

    def marked(self, start: int, end: int) -> list[Mark]:
        return [m for m in self.marks if start <= m.start and m.end <= end]


def read_page(html: bytes) -> SourcePage:
    page = SourcePage()
    page.feed(html.decode("utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def store(built_project: Project) -> Store:
    return open_read_only(built_project.build.store)


@pytest.fixture(scope="module")
def sources(built_project: Project) -> dict[str, Source]:
    return load_sources(built_project.data)


@pytest.fixture(scope="module")
def pages(app: Flask, sources: dict[str, Source]) -> dict[str, SourcePage]:
    client = app.test_client()
    found = {}
    for sid in sources:
        response = client.get(f"/source/{sid}")
        assert response.status_code == 200, sid
        found[sid] = read_page(response.data)
    return found


def value(term: object) -> str:
    assert isinstance(term, NamedNode | Literal)
    return term.value


def claims_of(store: Store, sid: str) -> set[str]:
    return {value(q.subject) for q in store.quads_for_pattern(
        None, STATED_IN, NamedNode(source_iri(sid)), None)}


def passages_of(store: Store, sid: str) -> dict[tuple[int, int], str]:
    """(start, end) → exact words of every passage a claim of the source cites."""
    spans = {}
    prefix = f"{BASE}passage/{sid}-"
    for quad in store.quads_for_pattern(None, EVIDENCE, None, NamedNode(graph_iri(sid))):
        passage = value(quad.object)
        if passage.startswith(prefix):
            exact = next(store.quads_for_pattern(NamedNode(passage + "#quote"),
                                                 NamedNode(OA_NS + "exact"), None, None))
            start, end = passage.rsplit("-", 2)[1:]
            spans[int(start), int(end)] = value(exact.object)
    return spans


def sample(items: list[tuple[int, int]], n: int = 25) -> list[tuple[int, int]]:
    items = sorted(items)
    return items[:: max(1, len(items) // n)]


def test_the_index_lists_every_source_with_its_claims(client: FlaskClient, store: Store,
                                                      sources: dict[str, Source]) -> None:
    response = client.get("/sources")
    assert response.status_code == 200
    page = read_page(response.data)
    html = response.data.decode()
    for sid, source in sources.items():
        assert f"/source/{sid}" in page.links
        row = html[html.index(f'id="source-{sid}"'):].split("</tr>")[0]
        assert f"<td>{len(claims_of(store, sid))}</td>" in row
        assert source.kind in row


def test_every_claim_of_a_source_is_linked_from_its_page(
        pages: dict[str, SourcePage], store: Store) -> None:
    for sid, page in pages.items():
        linked = {BASE + link[1:] for link in page.links if link.startswith("/claim/")}
        assert linked == claims_of(store, sid), sid
        assert any(link.startswith("/id/") for link in page.links)


def test_entities_are_named_in_the_language_of_the_text(
        pages: dict[str, SourcePage], store: Store, sources: dict[str, Source]) -> None:
    checked = 0
    for sid, page in pages.items():
        lang = sources[sid].languages[0]
        for href, texts in page.link_texts.items():
            if not href.startswith("/id/"):
                continue
            labels = {value(q.object) for q in store.quads_for_pattern(
                NamedNode(BASE + href[1:]), NamedNode(SKOS_NS + "prefLabel"), None, None)
                if isinstance(q.object, Literal) and q.object.language == lang}
            if labels:
                checked += 1
                assert texts == labels, (sid, href)
    assert checked > 50


def test_the_page_shows_the_text_whose_offsets_the_claims_use(
        pages: dict[str, SourcePage], sources: dict[str, Source]) -> None:
    for sid, page in pages.items():
        assert page.text == sources[sid].text, sid


def test_each_passage_is_anchored_and_highlighted_exactly(
        pages: dict[str, SourcePage], store: Store) -> None:
    for sid, page in pages.items():
        spans = passages_of(store, sid)
        assert {f"passage-{s}-{e}" for s, e in spans} <= set(page.anchors), sid
        for start, end in sample(list(spans)):
            assert page.anchors[f"passage-{start}-{end}"] == start
            marks = page.marked(start, end)
            assert "".join(page.text[m.start:m.end] for m in marks) == spans[start, end]
            assert all(a.end == b.start for a, b in itertools.pairwise(marks))
            assert marks[0].start == start and marks[-1].end == end


def test_overlapping_passages_are_cut_into_segments(pages: dict[str, SourcePage],
                                                   store: Store) -> None:
    overlapping = 0
    for sid, page in pages.items():
        spans = sorted(passages_of(store, sid))
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            if s2 < e1:  # the second starts inside the first: a boundary inside its marks
                overlapping += 1
                assert any(m.start == s2 for m in page.marks), (sid, s2)
        assert all(m.end > m.start and m.title for m in page.marks)
    assert overlapping, "the corpus has overlapping passages; this test must see some"


def test_a_passage_in_the_query_is_selected(client: FlaskClient, store: Store) -> None:
    for sid in ("000", "002"):
        spans = passages_of(store, sid)
        ordered = sorted(spans)
        overlapping = {span for a, b in itertools.pairwise(ordered) if b[0] < a[1]
                       for span in (a, b)}
        assert overlapping or sid == "002"
        for start, end in sorted(overlapping) + sample(ordered, 3):
            page = read_page(client.get(f"/source/{sid}?passage={start}-{end}").data)
            selected = [m for m in page.marks if "selected" in m.classes]
            assert selected == page.marked(start, end), (sid, start, end)
            assert "".join(page.text[m.start:m.end] for m in selected) == spans[start, end]
    plain = read_page(client.get("/source/002").data)
    assert not any("selected" in m.classes for m in plain.marks)


def test_a_malformed_selection_is_a_bad_request(client: FlaskClient) -> None:
    assert client.get("/source/002?passage=abc").status_code == 400
    response = client.get("/source/002?passage=1-2")
    assert response.status_code == 200 and b"has no passage 1" in response.data


def test_a_passage_sends_browsers_to_its_place_in_the_text(client: FlaskClient,
                                                          store: Store) -> None:
    for start, end in sample(list(passages_of(store, "002")), 3):
        for headers in ({}, {"Accept": "text/html"}):
            response = client.get(f"/passage/002-{start}-{end}", headers=headers)
            assert response.status_code == 303
            location = urlsplit(response.headers["Location"])
            assert (location.path, location.query, location.fragment) == (
                "/source/002", f"passage={start}-{end}", f"passage-{start}-{end}")


def test_a_passage_in_turtle_has_its_selectors_and_claims(client: FlaskClient,
                                                          store: Store) -> None:
    (start, end), exact = next(iter(sorted(passages_of(store, "002").items())))
    iri = passage_iri("002", start, end)
    for response in (client.get(f"/passage/002-{start}-{end}.ttl"),
                     client.get(f"/passage/002-{start}-{end}", headers={"Accept": "text/turtle"})):
        assert response.status_code == 200 and response.mimetype == "text/turtle"
        graph = Store()
        graph.extend(parse(response.data, format=RdfFormat.TURTLE))
        objects = partial(objects_of, graph)
        assert objects(iri, OA_NS + "hasSelector") == {iri + "#quote", iri + "#position"}
        assert objects(iri + "#quote", OA_NS + "exact") == {exact}
        assert objects(iri + "#position", OA_NS + "start") == {str(start)}
        assert objects(iri + "#position", OA_NS + "end") == {str(end)}
        citing = {value(q.subject) for q in graph.quads_for_pattern(
            None, EVIDENCE, NamedNode(iri), None)}
        assert citing == {value(q.subject) for q in store.quads_for_pattern(
            None, EVIDENCE, NamedNode(iri), None)} != set()


def objects_of(graph: Store, subject: str, predicate: str) -> set[str]:
    return {value(q.object) for q in graph.quads_for_pattern(
        NamedNode(subject), NamedNode(predicate), None, None)}


@pytest.mark.parametrize("path", ["/passage/002-1-2", "/passage/002-1-2.ttl",
                                  "/passage/nonsense", "/passage/999-3351-3429.nt",
                                  "/source/999", "/source/999.ttl", "/source/..%2F002"])
def test_unknown_passages_and_sources_are_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_source_page_refuses_what_it_cannot_give(client: FlaskClient) -> None:
    response = client.get("/source/002", headers={"Accept": "image/png"})
    assert response.status_code == 406


@pytest.mark.parametrize(("suffix", "media"), [
    ("ttl", "text/turtle"), ("nt", "application/n-triples"),
    ("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json")])
def test_a_source_description_parses_in_every_format(client: FlaskClient, store: Store,
                                                     sources: dict[str, Source], suffix: str,
                                                     media: str) -> None:
    src = source_iri("002")
    for response in (client.get(f"/source/002.{suffix}"),
                     client.get("/source/002", headers={"Accept": media})):
        assert response.status_code == 200 and response.mimetype == media
        assert "Accept" in response.headers["Vary"]
        if suffix in ("ttl", "nt"):
            fmt = RdfFormat.TURTLE if suffix == "ttl" else RdfFormat.N_TRIPLES
            triples = list(parse(response.data, format=fmt))
            titles = {t.object for t in triples
                      if t.subject == NamedNode(src) and t.predicate.value == DCTERMS_NS + "title"}
            assert titles == {Literal(sources["002"].title)}
            claims = {value(t.subject) for t in triples if t.predicate == STATED_IN}
        else:
            graph = rdflib.Graph().parse(io.BytesIO(response.data),
                                         format="xml" if suffix == "rdf" else "json-ld")
            title = graph.value(rdflib.URIRef(src), rdflib.DCTERMS.title)
            assert str(title) == sources["002"].title
            claims = {str(c) for c in graph.subjects(rdflib.URIRef(STATED_IN.value),
                                                     rdflib.URIRef(src))}
        assert claims == claims_of(store, "002")


def test_the_page_names_itself_and_its_language(client: FlaskClient) -> None:
    html = client.get("/source/000.html?passage=1-2").data.decode()
    assert '<link rel="canonical" href="http://localhost/source/000">' in html
    assert '<html lang="kk">' in html


def test_markup_in_a_text_is_shown_as_text(client: FlaskClient, sources: dict[str, Source],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    text = sources["004"].text + MARKUP
    monkeypatch.setattr("server.sources.load_source_text", lambda root, source: text)
    response = client.get("/source/004")
    page = read_page(response.data)
    assert page.text == text
    assert "script" not in page.elements and "b" not in page.elements


def test_without_the_text_the_page_lists_the_quotes(built_project: Project, tmp_path: Path,
                                                    store: Store) -> None:
    """Serving a store (``--store DIR``) from elsewhere than the project: no text files."""
    app = create_app({"ROOT": str(tmp_path), "STORE": str(built_project.build.root),
                      "TESTING": True})
    response = app.test_client().get("/source/002")
    assert response.status_code == 200
    html = response.data.decode()
    assert "full text is not available" in html and 'class="text"' not in html
    page = read_page(response.data)
    assert {BASE + x[1:] for x in page.links if x.startswith("/claim/")} == claims_of(store,
                                                                                       "002")
    spans = passages_of(store, "002")
    assert all(f"«{exact}»" in page.all_text for exact in spans.values())


def test_a_changed_text_is_not_shown_with_stale_offsets(client: FlaskClient,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(root: Path, source: object) -> str:
        raise TextUnavailableError("data/corpus/x.txt has changed since this release was built")

    monkeypatch.setattr("server.sources.load_source_text", changed)
    response = client.get("/source/002")
    assert response.status_code == 200 and b"has changed since" in response.data


def test_the_biggest_source_page_renders_quickly(client: FlaskClient,
                                                 pages: dict[str, SourcePage]) -> None:
    biggest = max(pages, key=lambda sid: len(pages[sid].marks))
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert client.get(f"/source/{biggest}").status_code == 200
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5, timings
