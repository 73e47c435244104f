"""``/sparql``: the SPARQL 1.1 Protocol (query operation), read-only.

Every query runs in a query process with a deadline (``server.executor``); results stream in
the negotiated format. GET responses carry an ETag and Last-Modified tied to the dataset
version, and a conditional GET that matches gets 304 without running the query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from flask import Blueprint, Response, g, render_template, request
from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results
from werkzeug.http import http_date

from kg.query import solutions_to_table
from kg.results import READ_ONLY, query_hash
from kg.vocab import PREFIXES
from server.conditional import not_modified
from server.errors import ApiError
from server.executor import Job, QueryFailedError
from server.formats import (
    GRAPH_ALIASES,
    GRAPH_FORMATS,
    HTML,
    RESULT_ALIASES,
    RESULT_FORMATS,
    SHORT_NAMES,
    bare_media_type,
)
from server.state import get_state

bp = Blueprint("sparql", __name__)

MAX_QUERY_CHARS = 100_000
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    if request.method == "GET" and "query" not in request.args and (
            "graph" in request.args or "default" in request.args):
        from server.description import graph_store_read

        return graph_store_read()
    query, default_graphs, named_graphs = _read_request()
    if query is None:
        if _prefers_html():
            return _query_page()
        if _prefers_rdf():
            from server.description import service_description

            return service_description()
        raise ApiError(400, "missing the 'query' parameter (GET ?query=… or POST form "
                       "query=…, or POST a body of type application/sparql-query)")
    return answer(query, default_graphs, named_graphs)


def _query_page() -> Response:
    """The query editor (YASGUI) with the example catalogue; tabs persist per dataset version."""
    state = get_state()
    version = state.manifest.get("version") or state.release().id
    return Response(render_template("yasgui.html", queries=state.queries, prefixes=PREFIXES,
                                    version=version), mimetype=HTML)


def answer(query: str, default_graphs: Sequence[str] = (),
           named_graphs: Sequence[str] = ()) -> Response:
    """Run ``query`` and answer the current request with its results, in the format the
    request negotiates (Accept, ?format=); errors raise ApiError. Every route that runs a
    query (``/sparql``, ``/queries/<name>``) answers through here."""
    if len(query) > MAX_QUERY_CHARS:
        raise ApiError(413, f"the query has {len(query):,} characters; the limit is "
                       f"{MAX_QUERY_CHARS:,}")
    state = get_state()
    formats, html_kinds = _negotiate_formats()
    release = state.release()
    g.query_hash = query_hash(query)
    etag = hashlib.sha256("\n".join(
        [release.id, query, *default_graphs, "|", *named_graphs, "|", repr(sorted(formats.items())),
         repr(sorted(html_kinds))]).encode()).hexdigest()[:32]
    validators = {"ETag": f'"{etag}"', "Last-Modified": http_date(release.modified),
                  "Vary": "Accept", "Cache-Control": "no-cache"}
    if request.method in ("GET", "HEAD") and not_modified(etag, release.modified):
        g.query_kind = "not-modified"
        return Response(status=304, headers=validators)
    client = request.remote_addr or "unknown"
    if not state.client_slots.acquire(client):
        raise ApiError(429, f"this client already runs {state.client_slots.limit} queries at "
                       "once; wait for one to finish", {"Retry-After": "1"})
    try:
        execution = state.executor.run(Job(str(release.store), query, tuple(default_graphs),
                                           tuple(named_graphs), formats))
    except QueryFailedError as exc:
        state.client_slots.release(client)
        message = exc.message
        if exc.status == 406:
            message += "; offered: " + ", ".join([*RESULT_FORMATS, *GRAPH_FORMATS, HTML])
        raise ApiError(exc.status, message,
                       {"Retry-After": "5"} if exc.status == 503 else None) from exc
    except BaseException:
        state.client_slots.release(client)
        raise
    g.query_kind = execution.kind
    g.query_stats = execution.stats
    if execution.kind in html_kinds:
        try:
            body = execution.read()
        finally:
            execution.close()
            state.client_slots.release(client)
        return Response(_html_page(query, execution.kind, body), mimetype=HTML,
                        headers=validators)
    if execution.body is not None:  # a small result, already whole: sent with its length
        state.client_slots.release(client)
        return Response(execution.body, content_type=_content_type(execution.media),
                        headers=validators)
    response = Response(execution, content_type=_content_type(execution.media),
                        headers=validators)
    response.call_on_close(execution.close)
    response.call_on_close(lambda: state.client_slots.release(client))
    return response


def _html_page(query: str, kind: str, body: bytes) -> str:
    if kind == "graph":
        return render_template("sparql.html", query=query, result=body.decode("utf-8"))
    result = parse_query_results(body, format=QueryResultsFormat.JSON)
    table = solutions_to_table(result) if isinstance(result, QuerySolutions) else (
        "yes" if bool(result) else "no")
    return render_template("sparql.html", query=query, result=table)


def _content_type(media: str) -> str:
    if media.startswith("text/") or media in ("application/n-triples", "application/n-quads",
                                               "application/trig"):
        return f"{media}; charset=utf-8"
    return media


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


def _prefers_rdf() -> bool:
    best = request.accept_mimetypes.best_match([*GRAPH_FORMATS, HTML, JSON])
    return best in GRAPH_FORMATS and request.accept_mimetypes[best] > 0


def _negotiate_formats() -> tuple[dict[str, str | None], set[str]]:
    """The media type per kind of result (the query's kind is known only once it runs), from
    ?format= first, then Accept with its q-values; and the kinds to render as an HTML page."""
    result_aliases = {k: bare_media_type(v) for k, v in RESULT_ALIASES.items()}
    graph_aliases = {k: bare_media_type(v) for k, v in GRAPH_ALIASES.items()}
    results_offered = [*RESULT_FORMATS, HTML]
    graphs_offered = [*GRAPH_FORMATS, HTML]
    forced = request.values.get("format")
    if forced:
        media = SHORT_NAMES.get(forced.lower(), forced.lower())
        results = result_aliases.get(media, media)
        graphs = graph_aliases.get(media, media)
        solutions = results if results in results_offered else None
        graph = graphs if graphs in graphs_offered else None
        if solutions is None and graph is None:
            names = sorted(SHORT_NAMES)
            raise ApiError(400, f"unknown format {forced!r}; use one of {', '.join(names)}")
    elif not request.headers.get("Accept"):
        solutions, graph = JSON, TURTLE
    else:
        accept = request.accept_mimetypes
        solutions = _best(accept, results_offered, result_aliases)
        graph = _best(accept, graphs_offered, graph_aliases)
        if solutions is None and graph is None:
            raise ApiError(406, f"cannot answer in {request.headers.get('Accept')!r}; results "
                           f"are available as {', '.join(results_offered)}, graphs as "
                           f"{', '.join(graphs_offered)}")
    html = {kind for kind, media in (("solutions", solutions), ("boolean", solutions),
                                     ("graph", graph)) if media == HTML}
    return ({"solutions": JSON if solutions == HTML else solutions,
             "boolean": JSON if solutions == HTML else solutions,
             "graph": TURTLE if graph == HTML else graph}, html)


def _best(accept: object, offered: list[str], aliases: dict[str, str]) -> str | None:
    candidates = offered + [a for a in aliases if aliases[a] in offered]
    best = accept.best_match(candidates)  # type: ignore[attr-defined]
    return None if best is None else aliases.get(best, best)
