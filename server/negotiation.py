"""Content negotiation for linked-data resources (entities, claims, sources, graphs, ontology).

One resource, several representations: an HTML page, or its description in an RDF format.
A URL suffix pins the format (``/id/film/the-needle.ttl``, as Datasette's ``.json``); without
one, ``Accept`` decides with its q-values (werkzeug's parser), HTML for browsers and for
clients that accept anything. Turtle and N-Triples carry RDF 1.2 (claims as triple terms, as in
the store); RDF/XML and JSON-LD, which have no triple terms, carry the RDF 1.1 projection.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, request
from pyoxigraph import Quad, RdfFormat, serialize

from kg.rdf import rdf12_to_rdf11
from kg.results import TRIPLE_TERM_FORMATS, graph_prefixes
from kg.vocab import DATA_LICENSE
from server.errors import ApiError
from server.formats import HTML, bare_media_type

# suffix → format; the order is the order of the Link header's alternates
SUFFIXES: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "rdf": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}
RDF_MEDIA: dict[str, RdfFormat] = {bare_media_type(f): f for f in SUFFIXES.values()}
ALIASES: dict[str, RdfFormat] = {"application/x-turtle": RdfFormat.TURTLE,
                                 "text/n3": RdfFormat.TURTLE, "application/xml": RdfFormat.RDF_XML,
                                 "application/json": RdfFormat.JSON_LD}


def split_suffix(path: str) -> tuple[str, str | None]:
    """``"film/the-needle.ttl"`` → ``("film/the-needle", "ttl")``; ``.html`` pins HTML."""
    stem, dot, suffix = path.rpartition(".")
    if dot and (suffix in SUFFIXES or suffix == "html") and "/" not in suffix:
        return stem, suffix
    return path, None


def choose_format(suffix: str | None) -> RdfFormat | None:
    """The representation to send: an RDF format, or None for the HTML page; 406 if none fits."""
    if suffix == "html":
        return None
    if suffix is not None:
        return SUFFIXES[suffix]
    if not request.headers.get("Accept"):
        return None
    offered = [HTML, *RDF_MEDIA, *ALIASES]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise ApiError(406, f"cannot answer in {request.headers.get('Accept')!r}; this resource "
                       f"is available as {', '.join([HTML, *RDF_MEDIA])} (or add a suffix: "
                       f"{', '.join('.' + s for s in SUFFIXES)}, .html)")
    if best == HTML:
        return None
    return RDF_MEDIA.get(best) or ALIASES[best]


def link_header(path: str) -> str:
    """Alternates of the resource at ``path`` (no suffix) and the data licence, for ``Link``."""
    links = [f'<{path}.html>; rel="alternate"; type="{HTML}"']
    links += [f'<{path}.{suffix}>; rel="alternate"; type="{bare_media_type(fmt)}"'
              for suffix, fmt in SUFFIXES.items()]
    links.append(f'<{DATA_LICENSE}>; rel="license"')
    return ", ".join(links)


def rdf_response(quads: Iterable[Quad], fmt: RdfFormat, path: str) -> Response:
    """The description as ``fmt``: triples of every graph (deduplicated), RDF 1.1 projection
    where the format has no triple terms."""
    seen = set()
    triples = []
    for quad in quads:
        if quad.triple not in seen:
            seen.add(quad.triple)
            triples.append(quad.triple)
    if fmt not in TRIPLE_TERM_FORMATS:
        triples = [q.triple for q in rdf12_to_rdf11(
            Quad(t.subject, t.predicate, t.object) for t in triples)]
    data = serialize(triples, format=fmt, prefixes=graph_prefixes(fmt)) or b""
    return finish(Response(data, content_type=fmt.media_type), path)


def html_response(html: str, path: str) -> Response:
    return finish(Response(html, mimetype=HTML), path)


def finish(response: Response, path: str) -> Response:
    """Vary and Link headers for any representation of the resource at ``path``."""
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link_header(path)
    return response
