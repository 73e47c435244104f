"""Entity, event, claim and graph IRIs dereference: HTML pages and RDF descriptions."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse

from kg.build import build
from kg.describe import describe
from kg.project import Project
from kg.store import open_read_only
from kg.vocab import BASE, KZ_NS, SKOS_NS
from server import create_app

AIMANOV = BASE + "id/person/shaken-aimanov"
FORMATS = {  # suffix → (media type, parser)
    "ttl": ("text/turtle", "oxigraph"), "nt": ("application/n-triples", "oxigraph"),
    "rdf": ("application/rdf+xml", "xml"), "jsonld": ("application/ld+json", "json-ld"),
}


def parsed_triples(body: bytes, suffix: str) -> set[tuple[str, str, str]]:
    """The body's triples as (subject, predicate, object) strings, with the suffix's parser."""
    media, parser = FORMATS[suffix]
    if parser == "oxigraph":
        fmt = RdfFormat.from_media_type(media)
        assert fmt is not None
        return {(str(getattr(q.subject, "value", q.subject)), q.predicate.value,
                 str(getattr(q.object, "value", q.object))) for q in parse(body, format=fmt)}
    graph = rdflib.Graph().parse(data=body, format=parser)
    return {(str(s), str(p), str(o)) for s, p, o in graph}


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_entity_description_negotiates_by_accept_and_by_suffix(
        client: FlaskClient, suffix: str) -> None:
    media = FORMATS[suffix][0]
    for response in (client.get("/id/person/shaken-aimanov", headers={"Accept": media}),
                     client.get(f"/id/person/shaken-aimanov.{suffix}")):
        assert response.status_code == 200
        assert response.mimetype == media
        assert response.headers["Vary"] == "Accept" or "Accept" in response.headers["Vary"]
        assert f'</id/person/shaken-aimanov.{suffix}>; rel="alternate"' in \
            response.headers["Link"]
        triples = parsed_triples(response.data, suffix)
        assert (AIMANOV, SKOS_NS + "prefLabel", "Шәкен Айманов") in triples
        assert (AIMANOV, KZ_NS + "worksFor", BASE + "id/org/kazakhfilm") in triples
        # the claims behind its triples travel with it, quotes included
        assert any(p == KZ_NS + "quote" and "Шәкен Айманов" in o for _, p, o in triples)


def test_turtle_carries_claims_as_rdf_12_triple_terms(client: FlaskClient) -> None:
    body = client.get("/id/person/shaken-aimanov.ttl").data
    reified = [q.object for q in parse(body, format=RdfFormat.TURTLE)
               if q.predicate.value.endswith("#reifies")]
    assert reified and all(isinstance(t, Triple) and t.subject == NamedNode(AIMANOV)
                           for t in reified)


def test_claim_and_graph_describe_themselves(client: FlaskClient) -> None:
    claim_iri = next(s for s, p, o in parsed_triples(
        client.get("/id/person/shaken-aimanov.nt").data, "nt")
        if s.startswith(BASE + "claim/") and p == KZ_NS + "statedIn")
    path = claim_iri[len(BASE) - 1:]
    triples = parsed_triples(client.get(path, headers={"Accept": "text/turtle"}).data, "ttl")
    assert any(s == claim_iri and p == KZ_NS + "evidence" for s, p, _ in triples)
    assert any(s.endswith("#position") and p.endswith("#start") for s, p, _ in triples)
    page = client.get(path)
    assert page.mimetype == "text/html" and "Shaken Aimanov" in page.text
    assert "/source/" in page.text and "passage=" in page.text

    graph = client.get("/graph/002.ttl")
    assert (BASE + "graph/002", "http://purl.org/dc/terms/source", BASE + "source/002") in \
        parsed_triples(graph.data, "ttl")
    page = client.get("/graph/002")
    assert 'href="/source/002"' in page.text
    assert "/store?graph=https%3A%2F%2Fw3id.org%2Fkazcinema%2Fgraph%2F002" in page.text


def test_unacceptable_media_type_is_406(client: FlaskClient) -> None:
    for path in ("/id/person/shaken-aimanov", "/graph/002"):
        response = client.get(path, headers={"Accept": "image/png"})
        assert response.status_code == 406
        assert "text/turtle" in response.text


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/person/nobody.ttl",
                                  "/claim/000-0000000000000000", "/graph/999",
                                  "/id/a%20b", "/id/event/999-nothing"])
def test_unknown_id_is_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "no triple" in response.json["message"] or "not a valid IRI" in \
        response.json["message"]


def test_entity_page_shows_names_in_every_language_and_the_quotes(client: FlaskClient) -> None:
    page = client.get("/id/person/shaken-aimanov")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.text
    assert "<h1 lang=\"en\">Shaken Aimanov</h1>" in text
    for name in ("Шәкен Айманов", "Шакен Айманов", "Ш. Айманов", "Shaken Aymanov"):
        assert name in text
    assert "the major figure of Kazakh SSR" in text  # a quote of text 002
    assert 'href="/source/002?passage=' in text and 'href="/claim/002-' in text
    assert '<link rel="canonical" href="http://localhost/id/person/shaken-aimanov">' in text
    assert "Events" in text and "/id/event/004-aimanov-plays-zhambyl" in text
    assert "What links here" in text and 'href="/id/film/the-end-of-the-ataman"' in text
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert embedded is not None
    jsonld = json.loads(embedded.group(1))
    assert jsonld["@type"] == "Person" and jsonld["sameAs"] == AIMANOV
    assert "Шәкен Айманов" in jsonld["alternateName"]

    russian = client.get("/id/person/shaken-aimanov?lang=ru").text
    assert '<html lang="ru">' in russian and '<h1 lang="ru">Шакен Айманов</h1>' in russian
    assert 'href="/id/org/kazakhfilm?lang=ru"' in russian
    assert client.get("/id/person/shaken-aimanov?lang=xx").status_code == 400


def test_film_page_aligns_with_schema_org(client: FlaskClient) -> None:
    text = client.get("/id/film/the-needle").text
    jsonld = json.loads(text.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert jsonld["@type"] == "Movie"
    assert any(d["@id"] == BASE + "id/person/rashid-nugmanov" for d in jsonld["director"])


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if tag == "a" and k == "href" and v]


def test_entities_page_links_every_entity(client: FlaskClient, built_project: Project) -> None:
    parser = Links()
    parser.feed(client.get("/entities").text)
    linked = {BASE + h[1:] for h in parser.hrefs if h.startswith("/id/")}
    store = open_read_only(built_project.build.store)
    typed = {q.subject.value for q in store.quads_for_pattern(
        None, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None,
        NamedNode(BASE + "graph/entities")) if isinstance(q.subject, NamedNode)}
    assert len(typed) > 400 and linked == typed
    assert "Шәкен Айманов" in client.get("/entities?lang=kk").text


def dataset_iris(dump: Path) -> set[str]:
    """Every IRI under BASE in subject or object position (triple terms too), no fragment."""
    found: set[str] = set()

    def visit(term: object) -> None:
        if isinstance(term, NamedNode) and term.value.startswith(BASE):
            found.add(term.value.split("#")[0])
        elif isinstance(term, Triple):
            visit(term.subject)
            visit(term.object)

    with gzip.open(dump) as data:
        for quad in parse(data, format=RdfFormat.N_QUADS):
            visit(quad.subject)
            visit(quad.object)
    return {iri for iri in found if iri != BASE}


NEGOTIATED = [("text/turtle", "ttl"), ("application/n-triples", "nt"),
              ("application/rdf+xml", "rdf"), ("application/ld+json", "jsonld")]


def test_every_dataset_iri_dereferences_to_a_description_of_it(
        client: FlaskClient, built_project: Project) -> None:
    """Every IRI of the dump (entities, events, claims, passages, sources, graphs, the
    ontology and its version), each in one of the four RDF formats in turn, parsed back:
    pyoxigraph for the RDF 1.2 ones, rdflib for RDF/XML and JSON-LD."""
    iris = dataset_iris(built_project.build.dumps / "kazcinema.nq.gz")
    kinds = {iri[len(BASE):].split("/")[0] for iri in iris}
    assert kinds == {"id", "claim", "graph", "source", "passage", "ontology"}, kinds
    assert len(iris) > 2900
    for i, iri in enumerate(sorted(iris)):
        media, name = NEGOTIATED[i % len(NEGOTIATED)]
        response = client.get(iri[len(BASE) - 1:], headers={"Accept": media})
        assert response.status_code == 200, iri
        assert response.mimetype == media, (iri, response.mimetype)
        if name in ("ttl", "nt"):
            fmt = RdfFormat.TURTLE if name == "ttl" else RdfFormat.N_TRIPLES
            subjects = {q.subject.value for q in parse(response.data, format=fmt)
                        if isinstance(q.subject, NamedNode)}
        else:
            graph = rdflib.Graph().parse(data=response.data, format=name.replace("rdf", "xml")
                                         .replace("jsonld", "json-ld"))
            subjects = {str(s) for s in graph.subjects()}
        described = BASE + "ontology" if iri.startswith(BASE + "ontology/") else iri
        assert described in subjects, (iri, name)


def test_description_holds_claims_passages_incoming_links_and_labels(
        built_project: Project) -> None:
    store = open_read_only(built_project.build.store)
    quads = describe(store, AIMANOV)
    node = NamedNode(AIMANOV)
    claims = {q.subject for q in quads if q.predicate.value.endswith("#reifies")}
    passages = {q.object for q in quads if q.predicate == NamedNode(KZ_NS + "evidence")}
    assert len(claims) > 30 and passages
    for passage in passages:
        assert isinstance(passage, NamedNode)
        assert Quad(NamedNode(passage.value + "#position"),
                    NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    NamedNode("http://www.w3.org/ns/oa#TextPositionSelector"),
                    ) in {Quad(q.subject, q.predicate, q.object) for q in quads}
    incoming = {q.subject for q in quads if q.object == node}
    assert NamedNode(BASE + "id/film/the-end-of-the-ataman") in incoming
    labelled = {q.subject for q in quads if q.predicate == NamedNode(SKOS_NS + "prefLabel")}
    assert {NamedNode(BASE + "id/org/kazakhfilm"), NamedNode(KZ_NS + "worksFor")} <= labelled
    assert describe(store, BASE + "id/person/nobody") == []


def test_markup_in_a_label_is_escaped_and_disagreements_stand_side_by_side(
        scratch_project: Project) -> None:
    people = scratch_project.data / "entities" / "person.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "en: [Shaken Aimanov, Shaken Aymanov]",
        'en: [Shaken Aimanov, Shaken Aymanov, "<script>alert(1)</script>"]', 1), encoding="utf-8")
    facts = scratch_project.data / "facts" / "000.yaml"
    marker = ("      - subject: film/kyz-zhibek\n        property: director\n"
              "        object: person/sultan-kozhykov\n")
    text = facts.read_text(encoding="utf-8")
    assert marker in text
    facts.write_text(text.replace(marker, marker + "      - subject: film/kyz-zhibek\n"
                                  "        property: releaseDate\n        object: 1971\n", 1),
                     encoding="utf-8")
    build(scratch_project)
    client = create_app({"ROOT": str(scratch_project.root), "TESTING": True}).test_client()

    page = client.get("/id/person/shaken-aimanov").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\\u003cscript\\u003e" in page  # inside the JSON-LD too
    assert Literal("<script>alert(1)</script>", language="en") in {
        q.object for q in parse(client.get("/id/person/shaken-aimanov.nt").data,
                                format=RdfFormat.N_TRIPLES)}

    film = client.get("/id/film/kyz-zhibek").text
    table = film.split('<table class="disagreement">')[1].split("</table>")[0]
    assert table.count("<th>") == 2  # one column per text
    assert 'href="/source/000"' in table and 'href="/source/002"' in table
    assert "1970" in table and "1971" in table
    untouched = client.get("/id/film/the-needle").text
    assert '<table class="disagreement">' not in untouched


def test_public_url_names_the_public_origin_in_absolute_links(built_project: Project) -> None:
    public = create_app({"ROOT": str(built_project.root), "TESTING": True,
                         "PUBLIC_URL": "https://kazcinema.example.org"}).test_client()
    page = public.get("/id/person/shaken-aimanov", headers={"Accept": "text/html"}).text
    assert ('<link rel="canonical" href="https://kazcinema.example.org/id/person/'
            'shaken-aimanov">') in page
    sitemap = public.get("/sitemap.xml").text
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) > 400 and all(u.startswith("https://kazcinema.example.org/") for u in locs)
    void = rdflib.Graph().parse(data=public.get("/.well-known/void.ttl").data, format="turtle")
    endpoints = {str(o) for o in void.objects(None, rdflib.URIRef(
        "http://rdfs.org/ns/void#sparqlEndpoint"))}
    assert endpoints == {"https://kazcinema.example.org/sparql"}


def test_serve_refuses_a_public_url_that_is_not_an_origin(built_project: Project) -> None:
    from cli_runner import kazcinema

    result = kazcinema(built_project, "serve", "--no-build", "--public-url",
                       "kazcinema.example.org/path")
    assert result.returncode == 2
    assert "--public-url" in result.stderr and "not an origin" in result.stderr
    assert "Traceback" not in result.stderr
