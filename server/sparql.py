"""``/sparql``: the SPARQL 1.1 Protocol (query operation), read-only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from flask import Blueprint, Response, render_template, request
from pyoxigraph import (
    DefaultGraph,
    Quad,
    QueryBoolean,
    QuerySolutions,
    RdfFormat,
    Triple,
    serialize,
)

from kg.query import QueryResult, looks_like_update, run_query, solutions_to_table
from kg.rdf import rdf12_to_rdf11
from kg.vocab import PREFIXES
from server.errors import ApiError
from server.formats import (
    GRAPH_ALIASES,
    GRAPH_FORMATS,
    HTML,
    RESULT_ALIASES,
    RESULT_FORMATS,
    SHORT_NAMES,
    TRIPLE_TERM_FORMATS,
    bare_media_type,
)
from server.state import get_state

bp = Blueprint("sparql", __name__)

READ_ONLY = ("this endpoint is read-only: SPARQL Update is not accepted; "
             "download the dumps to change the data locally")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query, default_graphs, named_graphs = _read_request()
    if query is None:
        if _prefers_html():
            return Response(render_template("sparql.html", query=_example(), result=None),
                            mimetype=HTML)
        raise ApiError(400, "missing the 'query' parameter (GET ?query=… or POST form "
                       "query=…, or POST a body of type application/sparql-query)")
    return answer(query, default_graphs, named_graphs)


def answer(query: str, default_graphs: Sequence[str] = (),
           named_graphs: Sequence[str] = ()) -> Response:
    """Run ``query`` and answer the current request with its results, in the format the
    request negotiates (Accept, ?format=); errors raise ApiError. Every route that runs a
    query (``/sparql``, ``/queries/<name>``) answers through here."""
    try:
        result = run_query(get_state().store, query, default_graphs, named_graphs)
    except SyntaxError as exc:
        if looks_like_update(query):
            raise ApiError(403, READ_ONLY) from exc
        raise ApiError(400, f"invalid SPARQL query: {exc}") from exc
    return _respond(query, result)


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """The query text and dataset, by the three forms of the protocol."""
    if request.method == "GET":
        if "update" in request.args:
            raise ApiError(403, READ_ONLY)
        return (_one(request.args.getlist("query")), request.args.getlist("default-graph-uri"),
                request.args.getlist("named-graph-uri"))
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        if "update" in request.form:
            raise ApiError(403, READ_ONLY)
        query = _one(request.form.getlist("query"))
        if query is None:
            raise ApiError(400, "missing the 'query' form field")
        return (query, request.form.getlist("default-graph-uri"),
                request.form.getlist("named-graph-uri"))
    if mimetype == "application/sparql-query":
        charset = request.mimetype_params.get("charset", "utf-8")
        try:
            text = request.get_data().decode(charset)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ApiError(400, f"the body is not valid {charset} text") from exc
        return (text, request.args.getlist("default-graph-uri"),
                request.args.getlist("named-graph-uri"))
    if mimetype == "application/sparql-update":
        raise ApiError(403, READ_ONLY)
    shown = mimetype or "none"
    raise ApiError(415, f"unsupported Content-Type {shown!r}: POST either "
                   "application/x-www-form-urlencoded (query=…) or application/sparql-query")


def _one(values: list[str]) -> str | None:
    if len(values) > 1:
        raise ApiError(400, f"'query' given {len(values)} times; give exactly one")
    return values[0] if values else None


def _prefers_html() -> bool:
    best = request.accept_mimetypes.best_match(
        ["application/sparql-results+json", "text/turtle", HTML])
    return best == HTML


def _negotiate(offered: list[str], aliases: dict[str, str]) -> str:
    """The media type to answer with: ?format= first, then Accept with its q-values."""
    forced = request.values.get("format")
    if forced:
        media = SHORT_NAMES.get(forced.lower(), forced.lower())
        media = aliases.get(media, media)
        if media not in offered:
            names = sorted(k for k, v in SHORT_NAMES.items() if v in offered)
            raise ApiError(400, f"unknown format {forced!r} for this query; use one of "
                           f"{', '.join(names)}")
        return media
    if not request.headers.get("Accept"):
        return offered[0]
    candidates = offered + [a for a in aliases if aliases[a] in offered]
    best = request.accept_mimetypes.best_match(candidates)
    if best is None:
        raise ApiError(406, f"cannot answer in {request.headers.get('Accept')!r}; this query's "
                       f"results are available as {', '.join(offered)}")
    return aliases.get(best, best)


def _respond(query: str, result: QueryResult) -> Response:
    if isinstance(result, QuerySolutions | QueryBoolean):
        offered = [*RESULT_FORMATS, HTML]
        media = _negotiate(offered, {k: bare_media_type(v) for k, v in RESULT_ALIASES.items()})
        if media == HTML:
            table = solutions_to_table(result) if isinstance(result, QuerySolutions) else (
                "yes" if bool(result) else "no")
            return _ok(render_template("sparql.html", query=query, result=table), media)
        return _ok(result.serialize(format=RESULT_FORMATS[media]) or b"", media)
    offered = [*GRAPH_FORMATS, HTML]
    media = _negotiate(offered, {k: bare_media_type(v) for k, v in GRAPH_ALIASES.items()})
    fmt = RdfFormat.TURTLE if media == HTML else GRAPH_FORMATS[media]
    data = serialize(_triples_for(result, fmt), format=fmt,  # type: ignore[arg-type]
                     prefixes=_prefixes_for(fmt)) or b""
    if media == HTML:
        return _ok(render_template("sparql.html", query=query, result=data.decode()), media)
    return _ok(data, media)


def _triples_for(triples: Iterable[Triple], fmt: RdfFormat) -> Iterator[Triple | Quad]:
    """Triples in the shape the format takes: quads in the default graph for dataset formats,
    RDF 1.1 reification where the format has no triple terms (RDF/XML, JSON-LD)."""
    quads: Iterator[Quad] = (Quad(t.subject, t.predicate, t.object, DefaultGraph())
                             for t in triples)
    if fmt not in TRIPLE_TERM_FORMATS:
        quads = rdf12_to_rdf11(quads)
    if fmt.supports_datasets:
        yield from quads
    else:
        yield from (q.triple for q in quads)


def _prefixes_for(fmt: RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) else None


def _ok(body: str | bytes, media: str) -> Response:
    mimetype = media
    if media in ("text/csv", "text/tab-separated-values", HTML, "text/turtle"):
        mimetype = f"{media}; charset=utf-8"
    response = Response(body, content_type=mimetype)
    response.headers["Vary"] = "Accept"
    return response


def _example() -> str:
    queries = get_state().queries
    return queries[0].text if queries else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
