"""The dataset described for harvesters and crawlers: VoID, the sitemap, robots.txt, and the
ontology at its IRI.

- ``GET /.well-known/void`` (RFC 8615, VoID §7) and ``/void`` (so that the dataset's IRI
  ``{BASE}void#dataset`` dereferences): the VoID description, Turtle by default; N-Triples,
  RDF/XML or JSON-LD by ``Accept`` or suffix (``/.well-known/void.nt``). It is the release's
  ``void.ttl`` (counted by the build), its endpoint and dump links pointed at this host. A
  store served without one (a plain ``--store DIR``, an older release) is counted here, once
  per release, and lists only the dumps that exist.
- ``GET /sitemap.xml``: the home page, the indexes, the ontology, every catalogue entity and
  every source text, on this host. ``GET /robots.txt``: crawl everything else; the sitemap.
- ``GET /ontology`` (and ``/ontology/0.1``, its version IRI): the documentation page, or the
  ontology's own triples (``graph/ontology``) by ``Accept`` or suffix (``/ontology.ttl``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import Blueprint, Response, render_template, request, url_for
from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Triple, parse, serialize

from kg.ontology_doc import LANGUAGES, OntologyDoc, load_ontology_doc
from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH
from kg.vocab import BASE, DATA_LICENSE, KZ_NS, ONTOLOGY_IRI, graph_iri
from kg.void import (
    ENDPOINT_IRI,
    PREFIXES_WITH_VOID,
    VOID_NS,
    count_statistics,
    dump_iris,
    void_triples,
)
from server.errors import ApiError
from server.negotiation import SUFFIXES, choose_format, html_response, rdf_response, split_suffix
from server.state import get_state

bp = Blueprint("dataset", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DUMP_PREFIX = BASE + "dumps/"
FORMAT_NAMES = {"ttl": "Turtle", "nt": "N-Triples", "rdf": "RDF/XML", "jsonld": "JSON-LD"}


# --- VoID -------------------------------------------------------------------------------------

@bp.get("/.well-known/void")
@bp.get("/void")
def void() -> Response:
    return _void_response(None)


@bp.get("/.well-known/void.<suffix>")
@bp.get("/void.<suffix>")
def void_as(suffix: str) -> Response:
    if suffix not in SUFFIXES:
        raise ApiError(404, f"no VoID as .{suffix}; use one of "
                       f"{', '.join('.' + s for s in SUFFIXES)}")
    return _void_response(suffix)


def _void_response(suffix: str | None) -> Response:
    # VoID has no HTML page: a browser (or a client that accepts anything) gets Turtle
    fmt = choose_format(suffix) or RdfFormat.TURTLE
    triples = [_on_this_host(t) for t in get_state().cached("void", _load_void)]
    prefixes = PREFIXES_WITH_VOID if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
    response = Response(serialize(triples, format=fmt, prefixes=prefixes) or b"",
                        content_type=fmt.media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = f'<{DATA_LICENSE}>; rel="license"'
    return response


def _load_void() -> list[Triple]:
    """The release's ``void.ttl``, or the same description counted from the store now."""
    state = get_state()
    release = state.release()
    written = release.path / "void.ttl"
    if not state.plain_store and written.is_file():
        return list(parse(path=str(written), format=RdfFormat.TURTLE))
    dumps = [iri for iri in dump_iris()
             if (state.dumps_dir / iri.removeprefix(DUMP_PREFIX)).is_file()]
    modified = datetime.fromtimestamp(release.modified, UTC)
    return void_triples(count_statistics(state.store), modified=modified, dumps=dumps)


def _on_this_host(triple: Triple) -> Triple:
    """The endpoint and dump links of the description, on the host that serves it."""
    predicate, obj = triple.predicate.value, triple.object
    if predicate == VOID_NS + "sparqlEndpoint" and obj == NamedNode(ENDPOINT_IRI):
        return Triple(triple.subject, triple.predicate,
                      NamedNode(url_for("sparql.sparql", _external=True)))
    if (predicate == VOID_NS + "dataDump" and isinstance(obj, NamedNode)
            and obj.value.startswith(DUMP_PREFIX)):
        name = obj.value.removeprefix(DUMP_PREFIX)
        return Triple(triple.subject, triple.predicate,
                      NamedNode(url_for("home.dump", name=name, _external=True)))
    return triple


# --- sitemap and robots -----------------------------------------------------------------------

@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Under 50,000 URLs, the protocol's limit for one file; a larger catalogue would need a
    sitemap index."""
    root = request.url_root
    pages = ["", "entities", "sources", "ontology"]
    pages += [iri.removeprefix(BASE) for iri in get_state().cached("pages", _catalogue_pages)]
    lastmod = _lastmod()
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"<url><loc>{escape(root + page)}</loc><lastmod>{lastmod}</lastmod></url>"
              for page in pages]
    lines.append("</urlset>\n")
    return Response("\n".join(lines), mimetype="application/xml")


def _catalogue_pages() -> list[str]:
    """The IRIs of the catalogue's entities (typed, in graph/entities) and of the sources."""
    query = f"""SELECT DISTINCT ?page WHERE {{
        {{ GRAPH <{graph_iri(ENTITIES_GRAPH)}> {{ ?page a ?class }} }}
        UNION {{ GRAPH <{graph_iri(SOURCES_GRAPH)}> {{ ?page a <{KZ_NS}Source> }} }}
    }} ORDER BY ?page"""
    result = get_state().store.query(query)
    assert isinstance(result, QuerySolutions)
    return [iri for row in result
            if isinstance(row["page"], NamedNode) and (iri := row["page"].value).startswith(BASE)]


def _lastmod() -> str:
    """When the release was built (W3C datetime), else when its store was written."""
    release = get_state().release()
    built = release.manifest.get("built")
    if isinstance(built, str):
        return built
    return datetime.fromtimestamp(release.modified, UTC).isoformat(timespec="seconds")


@bp.get("/robots.txt")
def robots() -> Response:
    # Query URLs stay out: a crawler following the example links (/sparql?query=…) or the
    # Graph Store reads (/store?default: the whole union) would fill the query processes and
    # index answers that the entity and source pages already give. /sparql itself (the query
    # editor) and everything else may be crawled.
    text = ("User-agent: *\n"
            "Disallow: /sparql?\n"
            "Disallow: /store\n"
            "Allow: /\n"
            f"Sitemap: {url_for('dataset.sitemap', _external=True)}\n")
    return Response(text, mimetype="text/plain")


# --- the ontology -----------------------------------------------------------------------------

@bp.get("/ontology")
def ontology() -> Response:
    return _ontology_response(None, "/ontology")


@bp.get("/ontology.<suffix>")
def ontology_as(suffix: str) -> Response:
    if suffix not in SUFFIXES and suffix != "html":
        raise ApiError(404, f"no ontology as .{suffix}; use one of "
                       f"{', '.join('.' + s for s in SUFFIXES)}, .html")
    return _ontology_response(suffix, "/ontology")


@bp.get("/ontology/<path:version>")
def ontology_version(version: str) -> Response:
    """The version IRI (``/ontology/0.1``): this version is the one served."""
    stem, suffix = split_suffix(version)
    current = _ontology_doc().version_iri
    if current != f"{ONTOLOGY_IRI}/{stem}":
        raise ApiError(404, f"no ontology version {stem!r}; this server has "
                       f"{current or 'an unversioned ontology'} (see /ontology)")
    return _ontology_response(suffix, f"/ontology/{stem}")


def _ontology_response(suffix: str | None, path: str) -> Response:
    fmt = choose_format(suffix)
    if fmt is not None:
        return rdf_response(_ontology_quads(), fmt, path)
    doc = _ontology_doc()
    version = doc.version_iri.removeprefix(ONTOLOGY_IRI + "/") if doc.version_iri else None
    html = render_template(
        "ontology.html", doc=doc, languages=LANGUAGES,
        formats=[(s, FORMAT_NAMES.get(s, s)) for s in SUFFIXES],
        version_href=url_for("dataset.ontology_version", version=version) if version else None,
        canonical=url_for("dataset.ontology", _external=True))
    return html_response(html, path)


def _ontology_quads() -> list[Quad]:
    return get_state().cached("ontology", _load_ontology_quads)


def _load_ontology_quads() -> list[Quad]:
    graph = NamedNode(graph_iri(ONTOLOGY_GRAPH))
    quads = list(get_state().store.quads_for_pattern(None, None, None, graph))
    if not quads:
        raise ApiError(404, f"this store has no ontology graph <{graph.value}>")
    return quads


def _ontology_doc() -> OntologyDoc:
    return get_state().cached("ontology_doc",
                   lambda: load_ontology_doc(q.triple for q in _ontology_quads()))
