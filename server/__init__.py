"""Kazcinema's web server: the SPARQL endpoint and pages. Imports kg, never the reverse."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from kg.catalogue import load_queries
from kg.project import Project


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. Settings: defaults, then KAZCINEMA_* variables, then ``config``.

    ``ROOT``: the project directory whose ``data/build`` and ``queries/`` are served
    (default: ``$KAZCINEMA_ROOT`` or the current directory).
    ``STORE``: serve this directory instead: a release directory (``kazcinema load``) or any
    Oxigraph store.
    ``QUERY_TIMEOUT``: seconds a query may run before its process is stopped (30).
    ``QUERY_PROCESSES``: query processes per server process (2).
    ``CLIENT_CONCURRENCY``: queries one client may run at once, across processes (4; 0: no
    limit). ``MAX_CONTENT_LENGTH``: request body limit in bytes (1 MB; 413 beyond).
    """
    from flask_compress import Compress
    from flask_cors import CORS

    from server import (
        accesslog,
        dataset,
        description,
        errors,
        examples,
        home,
        networks,
        reconcile,
        resources,
        search,
        sources,
        sparql,
    )
    from server.limits import ClientSlots
    from server.state import State, is_release_dir

    app = Flask(__name__)
    app.config.from_mapping(ROOT=None, STORE=None, PUBLIC_URL=None, MAX_CONTENT_LENGTH=1 << 20,
                            QUERY_TIMEOUT=30.0, QUERY_PROCESSES=2, CLIENT_CONCURRENCY=4,
                            COMPRESS_MIMETYPES=COMPRESSED, COMPRESS_STREAMS=True,
                            COMPRESS_ALGORITHM=["gzip", "br", "deflate"],
                            COMPRESS_ALGORITHM_STREAMING=["gzip", "br", "deflate"])
    app.config.from_prefixed_env("KAZCINEMA")
    if config:
        app.config.from_mapping(config)
    root = app.config["ROOT"]
    project = Project.locate(None if root is None else Path(root))
    store = app.config["STORE"]
    served = Path(store).resolve() if store else project.build.root
    app.extensions["kazcinema"] = State(
        served, load_queries(project.queries), deadline=float(app.config["QUERY_TIMEOUT"]),
        query_processes=int(app.config["QUERY_PROCESSES"]),
        client_slots=ClientSlots(int(app.config["CLIENT_CONCURRENCY"])),
        plain_store=bool(store) and not is_release_dir(served))
    errors.register(app)
    accesslog.register(app)
    # CORS: every route readable from any origin (a public, read-only dataset)
    CORS(app, send_wildcard=True,
         expose_headers=["ETag", "Last-Modified", "Retry-After", "Content-Disposition"])
    Compress(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(description.bp)
    app.register_blueprint(examples.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(sources.bp)
    app.register_blueprint(networks.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(reconcile.bp)
    if app.config["PUBLIC_URL"]:
        from server.origin import PublicOrigin

        app.wsgi_app = PublicOrigin(app.wsgi_app, app.config["PUBLIC_URL"])  # type: ignore[method-assign]
    return app


COMPRESSED = [
    "text/html", "text/plain", "text/css", "application/javascript", "application/json",
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/n-triples", "application/n-quads",
    "application/trig", "application/rdf+xml", "application/ld+json", "application/xml",
]
