"""Networks of the graph (``kg.networks``) over HTTP, in the formats of ``kg.export``, and a viewer.

- ``GET /networks``: the networks, each with its description, node and edge counts, a link to
  every format and to the viewer.
- ``GET /networks/<name>.<key>``: the network in one format, ``key`` one of
  ``kg.export.EXPORTERS`` (``influence.graphml``, ``.gexf``, ``.cyjs``, ``.d3.json``,
  ``.nodes.csv``, ``.edges.csv``). JSON is sent inline, the other formats as an attachment
  named after the network and its options. An ETag ties the answer to the release and the
  options (a matching conditional GET gets 304). Without options the file the build wrote into
  the release's ``networks/`` is sent; otherwise the network is built from the store, and kept
  in a small in-process LRU per (release, network, options).
- ``GET /networks/<name>`` (or ``<name>.html``): the viewer (Cytoscape.js, vendored in
  ``static/cytoscape``; ``static/network-viewer.js``), loading ``<name>.cyjs`` with the page's
  options: time slider, relation and source filters, search by name, node and edge details,
  every node linked to its entity page.

Options, the same for every route (a bad one is a 400 naming it, an unknown one too):
``lang=kk,en`` (label languages in fallback order; repeatable), ``from=1960&to=1969`` (the
period, years inclusive), ``source=000`` (only these sources; repeatable or comma-separated),
``exclude=001`` (without these sources), ``relation=influencedBy`` (only these relations),
``ego=<IRI, /id/… path or kind/slug>`` with ``radius=2`` (the ego network).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import networkx as nx
from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.http import http_date

from kg.export import EXPORTERS, export_bytes
from kg.networks import NETWORKS, NetworkError, NetworkOptions, build_network
from kg.vocab import BASE
from server.conditional import not_modified
from server.errors import ApiError
from server.formats import HTML
from server.state import get_state

bp = Blueprint("networks", __name__)

PARAMETERS = ("lang", "from", "to", "source", "exclude", "relation", "ego", "radius")
# the names kg.networks gives the options (NetworkError.option) → the query's parameters
PARAMETER_OF = {"langs": "lang", "start": "from", "end": "to", "sources": "source",
                "relations": "relation"}
CACHE_SIZE = 32  # networks kept per process, each (release, network, options)
CACHE_KEY = "kazcinema.networks"
DEFAULTS = NetworkOptions()

Key = tuple[str, str, NetworkOptions]


class GraphCache:
    """The last ``size`` networks built, by (release id, network, options); thread-safe (two
    threads may build the same network at once, which is harmless)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._graphs: OrderedDict[Key, nx.Graph] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key, build: Callable[[], nx.Graph]) -> nx.Graph:
        with self._lock:
            if key in self._graphs:
                self._graphs.move_to_end(key)
                return self._graphs[key]
        graph = build()
        with self._lock:
            self._graphs[key] = graph
            while len(self._graphs) > self.size:
                self._graphs.popitem(last=False)
        return graph


def _cache() -> GraphCache:
    app: Flask = current_app
    cache: GraphCache | None = app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = app.extensions.setdefault(CACHE_KEY, GraphCache(CACHE_SIZE))
    return cache


# --- options ----------------------------------------------------------------------------------

def options_from_args(args: MultiDict[str, str]) -> NetworkOptions:
    """The options of a query string; ApiError(400) names a bad or unknown parameter."""
    unknown = sorted(set(args) - set(PARAMETERS))
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; the options are "
                       f"{', '.join(PARAMETERS)}")
    start, end = _integer(args, "from"), _integer(args, "to")
    if start is not None and end is not None and start > end:
        raise ApiError(400, f"'from' ({start}) is after 'to' ({end})")
    radius = _integer(args, "radius")
    if radius is not None and (radius < 0 or radius > 10):
        raise ApiError(400, f"'radius' must be between 0 and 10, not {radius}")
    if radius is not None and "ego" not in args:
        raise ApiError(400, "'radius' needs an 'ego' (the entity the ego network is around)")
    ego = args.get("ego", "").strip()
    if "ego" in args and not ego:
        raise ApiError(400, "'ego' is empty; give an IRI, an /id/… path or kind/slug")
    return NetworkOptions(
        langs=tuple(_values(args, "lang")) or DEFAULTS.langs,
        start=start, end=end,
        sources=frozenset(_values(args, "source")) or None,
        exclude=frozenset(_values(args, "exclude")),
        relations=frozenset(_values(args, "relation")) or None,
        ego=ego_iri(ego) if ego else None,
        radius=1 if radius is None else radius)


def _values(args: MultiDict[str, str], name: str) -> list[str]:
    """A repeatable, comma-separated parameter's values, in order, without duplicates."""
    values = [v.strip() for value in args.getlist(name) for v in value.split(",")]
    if name in args and not any(values):
        raise ApiError(400, f"'{name}' is empty")
    return list(dict.fromkeys(v for v in values if v))


def _integer(args: MultiDict[str, str], name: str) -> int | None:
    if name not in args:
        return None
    if len(args.getlist(name)) > 1:
        raise ApiError(400, f"'{name}' is given more than once")
    try:
        return int(args[name])
    except ValueError:
        raise ApiError(400, f"'{name}' must be a whole number (a year), not "
                       f"{args[name]!r}") from None


def ego_iri(value: str) -> str:
    """An entity's IRI from its IRI, its page's path or URL (``/id/film/x``) or ``film/x``."""
    if value.startswith(BASE):
        return value
    if value.startswith(("http://", "https://")):
        _, marker, rest = value.partition("/id/")
        return BASE + "id/" + rest if marker else value
    return BASE + "id/" + value.lstrip("/").removeprefix("id/")


def _canonical(options: NetworkOptions) -> str:
    """The options as a stable string (frozensets sorted), for ETags and file names."""
    return json.dumps({
        "langs": options.langs, "start": options.start, "end": options.end,
        "sources": None if options.sources is None else sorted(options.sources),
        "exclude": sorted(options.exclude),
        "relations": None if options.relations is None else sorted(options.relations),
        "ego": options.ego, "radius": options.radius}, ensure_ascii=False)


def _file_stem(name: str, options: NetworkOptions) -> str:
    """``influence``, or ``influence-1960-1969-without-001`` (ASCII, for a download's name)."""
    parts = [name]
    if options.start is not None:
        parts.append(f"from-{options.start}")
    if options.end is not None:
        parts.append(f"to-{options.end}")
    if options.sources is not None:
        parts.append("from-" + "-".join(sorted(options.sources)))
    if options.exclude:
        parts.append("without-" + "-".join(sorted(options.exclude)))
    if options.relations is not None:
        parts.append("-".join(sorted(options.relations)))
    if options.ego:
        parts.append(f"ego-{options.ego.rstrip('/').rsplit('/', 1)[-1]}-{options.radius}")
    if options.langs != DEFAULTS.langs:
        parts.append("-".join(options.langs))
    stem = "-".join(parts)
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in stem)


# --- building ---------------------------------------------------------------------------------

def _check_name(name: str) -> None:
    if name not in NETWORKS:
        raise ApiError(404, f"no network named {name!r}; the networks are "
                       f"{', '.join(NETWORKS)} (see /networks)")


def get_network(name: str, options: NetworkOptions) -> nx.Graph:
    """The network, built once per (release, options) in this process; 400 for a bad option."""
    state = get_state()
    key = (state.release().id, name, options)
    try:
        return _cache().get(key, lambda: build_network(state.store, name, options))
    except NetworkError as exc:
        parameter = PARAMETER_OF.get(exc.option, exc.option)
        raise ApiError(400, f"{parameter!r}: {exc}" if parameter else str(exc)) from exc


def _network_bytes(name: str, key: str, options: NetworkOptions) -> bytes:
    if options == DEFAULTS:
        written = get_state().release().path / "networks" / f"{name}.{key}"
        if written.is_file():
            return written.read_bytes()
    return export_bytes(get_network(name, options), key)


# --- routes -----------------------------------------------------------------------------------

@bp.get("/networks")
def index() -> Response:
    """Counts and links for the default options (options apply to one network at a time)."""
    networks = []
    for name, description in NETWORKS.items():
        graph = get_network(name, DEFAULTS)
        networks.append({
            "name": name, "description": description, "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "viewer": _url(name, None, ""),
            "formats": [(key, exporter.description, _url(name, key, ""))
                        for key, exporter in EXPORTERS.items()]})
    html = render_template("networks.html", networks=networks,
                           canonical=url_for("networks.index", _external=True))
    return Response(html, mimetype=HTML)


@bp.get("/networks/<filename>")
def network(filename: str) -> Response:
    name, _, key = filename.partition(".")
    _check_name(name)
    if key in ("", "html"):
        return _viewer(name)
    if key not in EXPORTERS:
        raise ApiError(404, f"no format {key!r} for a network; the formats are "
                       f"{', '.join(EXPORTERS)} (e.g. /networks/{name}.{next(iter(EXPORTERS))})")
    return _download(name, key)


def _download(name: str, key: str) -> Response:
    options = options_from_args(request.args)
    release = get_state().release()
    etag = hashlib.sha256("\n".join([release.id, name, key, _canonical(options)]).encode())
    tag = etag.hexdigest()[:32]
    headers = {"ETag": f'"{tag}"', "Last-Modified": http_date(release.modified),
               "Vary": "Accept", "Cache-Control": "no-cache"}
    if not_modified(tag, release.modified):
        return Response(status=304, headers=headers)
    body = _network_bytes(name, key, options)
    media_type = EXPORTERS[key].media_type
    if media_type.startswith("text/") and "charset" not in media_type:
        media_type += "; charset=utf-8"
    # JSON is shown by a browser and read by scripts (the viewer); the other formats download
    disposition = "inline" if media_type == "application/json" else "attachment"
    headers["Content-Disposition"] = f'{disposition}; filename="{_file_stem(name, options)}.{key}"'
    return Response(body, content_type=media_type, headers=headers)


def _viewer(name: str) -> Response:
    options = options_from_args(request.args)
    graph = get_network(name, options)  # a bad option is a 400 here, not a broken page
    query = request.query_string.decode()
    html = render_template(
        "network_viewer.html", name=name, description=NETWORKS[name],
        nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
        data_url=_url(name, "cyjs", query), options=_describe(options),
        formats=[(key, _url(name, key, query)) for key in EXPORTERS],
        others=[(n, _url(n, None, query)) for n in NETWORKS if n != name],
        canonical=url_for("networks.network", filename=name, _external=True))
    return Response(html, mimetype=HTML)


def _url(name: str, key: str | None, query: str) -> str:
    path = url_for("networks.network", filename=f"{name}.{key}" if key else name)
    return f"{path}?{query}" if query else path


def _describe(options: NetworkOptions) -> list[tuple[str, Any]]:
    """The options that differ from the defaults, as (label, value) for a page."""
    shown: list[tuple[str, Any]] = []
    if options.langs != DEFAULTS.langs:
        shown.append(("label languages", ", ".join(options.langs)))
    if options.start is not None or options.end is not None:
        shown.append(("period", f"{options.start or '…'}–{options.end or '…'}"))
    if options.sources is not None:
        shown.append(("only sources", ", ".join(sorted(options.sources))))
    if options.exclude:
        shown.append(("without sources", ", ".join(sorted(options.exclude))))
    if options.relations is not None:
        shown.append(("relations", ", ".join(sorted(options.relations))))
    if options.ego:
        shown.append(("ego network of", f"{options.ego} (radius {options.radius})"))
    return shown
