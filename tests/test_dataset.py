"""The dataset for harvesters: VoID, the dumps it lists, the sitemap, robots.txt, and the
ontology at its IRI; each read back through the HTTP client and parsed."""

from __future__ import annotations

import gzip
import hashlib
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib import DCTERMS, OWL, RDF, RDFS, URIRef
from rdflib.compare import isomorphic

from kg.dumps import DUMPS, Content
from kg.project import Project
from kg.rdf import rdf12_to_rdf11
from kg.store import open_read_only
from kg.vocab import BASE, DATA_LICENSE, KZ_NS, ONTOLOGY_IRI, graph_iri, source_iri
from kg.void import DATASET_IRI
from server import create_app

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(DATASET_IRI)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://localhost/"
RDFLIB_FORMATS = {ox.RdfFormat.N_QUADS: "nquads", ox.RdfFormat.JSON_LD: "json-ld"}


def store_quads(project: Project) -> list[ox.Quad]:
    return list(open_read_only(project.build.store).quads_for_pattern(None, None, None, None))


def get_void(client: FlaskClient, path: str = "/.well-known/void") -> rdflib.Graph:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.data, format="turtle")


@pytest.mark.parametrize(("path", "accept", "media", "rdflib_format"), [
    ("/.well-known/void", None, "text/turtle", "turtle"),
    ("/.well-known/void", "text/html,*/*;q=0.8", "text/turtle", "turtle"),
    ("/.well-known/void", "application/n-triples", "application/n-triples", "nt"),
    ("/.well-known/void", "application/rdf+xml", "application/rdf+xml", "xml"),
    ("/.well-known/void", "application/ld+json", "application/ld+json", "json-ld"),
    ("/.well-known/void.nt", None, "application/n-triples", "nt"),
    ("/void.jsonld", None, "application/ld+json", "json-ld"),
    ("/void", "text/turtle", "text/turtle", "turtle"),
])
def test_void_parses_in_each_format(client: FlaskClient, path: str, accept: str | None,
                                    media: str, rdflib_format: str) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert graph.value(DATASET, DCTERMS.license) == URIRef(DATA_LICENSE)
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef(HOST + "sparql")


def test_void_unknown_format_is_refused(client: FlaskClient) -> None:
    assert client.get("/.well-known/void.xls").status_code == 404
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_void_counts_are_the_stores(client: FlaskClient, built_project: Project) -> None:
    quads = store_quads(built_project)
    triples = {q.triple for q in quads}
    void = get_void(client)
    assert int(void.value(DATASET, VOID.triples)) == len(triples)
    assert int(void.value(DATASET, VOID.distinctSubjects)) == len({t.subject for t in triples})
    assert str(void.value(DATASET, VOID.uriSpace)) == BASE
    assert void.value(DATASET, DCTERMS.modified) is not None
    # one subset per named graph, sized as the graph; together, every quad
    subsets = {str(s): int(void.value(s, VOID.triples))
               for s in void.objects(DATASET, VOID.subset)}
    assert subsets == Counter(q.graph_name.value for q in quads)  # type: ignore[union-attr]
    assert sum(subsets.values()) == len(quads)
    assert void.value(URIRef(graph_iri("002")), DCTERMS.source) == URIRef(source_iri("002"))
    # partitions: kz:Film's instances, kz:director's triples
    film = next(p for p in void.objects(DATASET, VOID.classPartition)
                if void.value(p, VOID["class"]) == URIRef(KZ_NS + "Film"))
    films = {t.subject for t in triples if t.predicate.value == str(RDF.type)
             and t.object == ox.NamedNode(KZ_NS + "Film")}
    assert int(void.value(film, VOID.entities)) == len(films) > 0
    director = next(p for p in void.objects(DATASET, VOID.propertyPartition)
                    if void.value(p, VOID.property) == URIRef(KZ_NS + "director"))
    directed = [t for t in triples if t.predicate.value == KZ_NS + "director"]
    assert int(void.value(director, VOID.triples)) == len(directed) > 0
    assert URIRef(ONTOLOGY_IRI) in set(void.objects(DATASET, VOID.vocabulary))
    examples = list(void.objects(DATASET, VOID.exampleResource))
    assert examples and all(str(e).startswith(BASE + "id/") for e in examples)


def test_every_void_dump_downloads_matches_its_checksum_and_parses(
    client: FlaskClient, built_project: Project,
) -> None:
    quads = store_quads(built_project)
    expected = {Content.DATASET: len(quads), Content.UNION: len({q.triple for q in quads}),
                Content.RDF11: sum(1 for _ in rdf12_to_rdf11(quads))}
    sums = dict(reversed(line.split("  ")) for line in
                client.get("/dumps/SHA256SUMS").text.splitlines())
    links = [str(o) for o in get_void(client).objects(DATASET, VOID.dataDump)]
    assert sorted(urlsplit(link).path.rsplit("/", 1)[-1] for link in links) == sorted(DUMPS)
    for link in links:
        assert link.startswith(HOST + "dumps/")
        response = client.get(urlsplit(link).path)
        assert response.status_code == 200, link
        name = link.rsplit("/", 1)[-1]
        assert hashlib.sha256(response.data).hexdigest() == sums[name]
        dump, data = DUMPS[name], gzip.decompress(response.data)
        if dump.rdf11:
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format=RDFLIB_FORMATS[dump.format])
            count = sum(1 for _ in dataset.quads())
        else:
            count = sum(1 for _ in ox.parse(data, format=dump.format))
        assert count == expected[dump.content], name


def test_void_of_a_plain_store_is_counted_without_dumps(built_project: Project) -> None:
    app = create_app({"ROOT": str(built_project.root), "STORE": str(built_project.build.store),
                      "TESTING": True})
    void = get_void(app.test_client())
    triples = {q.triple for q in store_quads(built_project)}
    assert int(void.value(DATASET, VOID.triples)) == len(triples)
    assert list(void.objects(DATASET, VOID.dataDump)) == []


def test_sitemap_lists_every_entity_and_source_page(
    client: FlaskClient, built_project: Project,
) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == SITEMAP + "urlset"
    locs = [url.findtext(SITEMAP + "loc") for url in root]
    assert len(locs) == len(set(locs))
    manifest = built_project.build.read_manifest()
    assert manifest is not None
    assert {url.findtext(SITEMAP + "lastmod") for url in root} == {manifest["built"]}
    entities = [loc for loc in locs if loc and loc.startswith(HOST + "id/")]
    assert len(entities) == manifest["entities"]
    sources = {loc for loc in locs if loc and loc.startswith(HOST + "source/")}
    store = open_read_only(built_project.build.store)
    listed = {HOST + q.subject.value.removeprefix(BASE)  # type: ignore[union-attr]
              for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                               ox.NamedNode(KZ_NS + "Source"), None)}
    assert sources == listed and len(sources) >= 5
    for page in ("", "entities", "sources", "ontology"):
        assert HOST + page in locs
    assert client.get(urlsplit(entities[0] or "").path).status_code == 200


def test_robots_allows_crawling_and_points_to_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert "Disallow: /sparql?" in lines and "Disallow: /" not in lines
    sitemap = next(line.split(" ", 1)[1] for line in lines if line.startswith("Sitemap: "))
    assert sitemap == HOST + "sitemap.xml"
    assert client.get(urlsplit(sitemap).path).status_code == 200


class SectionText(HTMLParser):
    """The text inside each element that has an id (nested elements included)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "meta", "link", "img", "input", "hr"):
            return
        ident = dict(attrs).get("id")
        if ident is not None:
            assert ident not in self.text, f"id {ident!r} twice"
            self.text[ident] = ""
        self.open.append(ident)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self.open:
            if ident is not None:
                self.text[ident] += data


def test_ontology_page_has_an_anchor_and_kk_ru_labels_per_term(
    client: FlaskClient, built_project: Project,
) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = SectionText()
    page.feed(response.text)
    ontology = rdflib.Graph().parse(built_project.ontology)
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith(KZ_NS)}
    assert len(terms) > 50
    for term in terms:
        name = str(term).removeprefix(KZ_NS)
        assert name in page.text, f"no anchor id={name!r}"
        labels = {lit.language: str(lit) for lit in ontology.objects(term, RDFS.label)}
        for lang in ("en", "kk", "ru"):
            assert labels[lang] in page.text[name], (name, lang)
    assert "schema:director" in page.text["director"]
    assert "wd:P57" in page.text["director"]
    assert "FilmStudio" in page.text["Organisation"]  # its subclasses


@pytest.mark.parametrize(("path", "accept", "rdflib_format"), [
    ("/ontology", "text/turtle", "turtle"),
    ("/ontology.ttl", None, "turtle"),
    ("/ontology.nt", None, "nt"),
    ("/ontology.rdf", None, "xml"),
    ("/ontology.jsonld", None, "json-ld"),
    ("/ontology/0.1", "text/turtle", "turtle"),
    ("/ontology/0.1.ttl", None, "turtle"),
])
def test_ontology_as_rdf_is_the_file_with_its_version_iri(
    client: FlaskClient, built_project: Project, path: str, accept: str | None,
    rdflib_format: str,
) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert (URIRef(ONTOLOGY_IRI), OWL.versionIRI, URIRef(ONTOLOGY_IRI + "/0.1")) in graph
    assert isomorphic(graph, rdflib.Graph().parse(built_project.ontology))


def test_unknown_ontology_version_is_not_found(client: FlaskClient) -> None:
    response = client.get("/ontology/9.9", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "0.1" in response.text
