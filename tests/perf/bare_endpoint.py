"""A bare SPARQL endpoint for the benchmark's ``bare`` door: Flask + gunicorn + pyoxigraph and
nothing else (no deadline, no limits, no logging, no negotiation, no streaming).

It is what issue 4 calls "a bare 60-line Flask + gunicorn + pyoxigraph endpoint": the cost of
the web stack itself, against which the features of ``kazcinema serve`` are measured.

    python tests/perf/bare_endpoint.py --store DIR --port 8001 [--workers 2] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store


def create_app(store_dir: str) -> Flask:
    app = Flask(__name__)
    opened: dict[int, Store] = {}  # by process id: each forked worker opens its own

    @app.get("/sparql")
    def sparql() -> Response:
        store = opened.get(os.getpid())
        if store is None:
            store = opened.setdefault(os.getpid(), Store.read_only(store_dir))
        result = store.query(request.args["query"], use_default_graph_as_union=True)
        if isinstance(result, QuerySolutions | QueryBoolean):
            return Response(result.serialize(format=QueryResultsFormat.JSON),
                            content_type="application/sparql-results+json")
        return Response(result.serialize(format=RdfFormat.N_TRIPLES),
                        content_type="application/n-triples")

    return app


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="1: sync workers; more: gthread")
    args = parser.parse_args()
    options = {"bind": f"{args.host}:{args.port}", "workers": args.workers,
               "worker_class": "sync" if args.threads == 1 else "gthread",
               "threads": args.threads, "accesslog": None, "timeout": 300}
    _Gunicorn(create_app(args.store), options).run()


if __name__ == "__main__":
    main()
