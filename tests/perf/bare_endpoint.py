"""A bare SPARQL endpoint for the benchmark's ``bare`` door: pyoxigraph behind a WSGI server
and nothing else (no limits, no logging, no negotiation, no streaming).

It is what issue 4 calls "a bare 60-line Flask + gunicorn + pyoxigraph endpoint": the cost of
the web stack itself, against which the features of ``kazcinema serve`` are measured. Two
switches take it apart, to see what each layer costs:

- ``--server gunicorn`` (default; sync workers, or gthread with ``--threads`` > 1) or
  ``--server granian`` (a Rust HTTP server with a WSGI interface: ``pip install granian``);
- ``--app flask`` (default), ``--app raw`` (a plain WSGI callable, no framework) or
  ``--app processes`` (plain WSGI, the query run in a query process of ``server.executor``,
  as ``kazcinema serve`` does to be able to stop it at its deadline).

    python tests/perf/bare_endpoint.py --store DIR --port 8001 [--workers 2] [--threads 1]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

STORE_VARIABLE = "BARE_ENDPOINT_STORE"
JSON = "application/sparql-results+json"
FORMATS: dict[str, str | None] = {"solutions": JSON, "boolean": JSON,
                                  "graph": "application/n-triples"}
_opened: dict[int, Any] = {}  # by process id: each forked worker opens its own


def _store() -> Store:
    store = _opened.get(os.getpid())
    if store is None:
        store = _opened.setdefault(os.getpid(), Store.read_only(os.environ[STORE_VARIABLE]))
    return store  # type: ignore[no-any-return]


def _answer(query: str) -> tuple[bytes, str]:
    result = _store().query(query, use_default_graph_as_union=True)
    if isinstance(result, QuerySolutions | QueryBoolean):
        return result.serialize(format=QueryResultsFormat.JSON) or b"", JSON
    return result.serialize(format=RdfFormat.N_TRIPLES) or b"", "application/n-triples"


def _answer_in_process(query: str) -> tuple[bytes, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from server.executor import Executor, Job

    key = -os.getpid()
    executor = _opened.get(key)
    if executor is None:
        executor = _opened.setdefault(key, Executor(2, 300.0))
        executor.warm(2)
    execution = executor.run(Job(os.environ[STORE_VARIABLE], query, formats=FORMATS))
    try:
        return execution.read(), execution.media
    finally:
        execution.close()


def flask_app() -> Flask:
    app = Flask(__name__)

    @app.get("/sparql")
    def sparql() -> Response:
        body, media = _answer(request.args["query"])
        return Response(body, content_type=media)

    return app


def _raw(answer: Callable[[str], tuple[bytes, str]]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body, media = answer(parse_qs(environ.get("QUERY_STRING", ""))["query"][0])
        start_response("200 OK", [("Content-Type", media), ("Content-Length", str(len(body)))])
        return [body]

    return app


raw_app = _raw(_answer)
processes_app = _raw(_answer_in_process)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="gunicorn: 1 is sync workers, more gthread; granian: blocking "
                             "threads per worker")
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--app", choices=["flask", "raw", "processes"], default="flask")
    args = parser.parse_args()
    os.environ[STORE_VARIABLE] = str(Path(args.store).resolve())
    if args.server == "granian":
        granian: Any = importlib.import_module("granian")  # optional: pip install granian

        sys.path.insert(0, str(Path(__file__).parent))
        target = f"bare_endpoint:{args.app}_app"
        granian.Granian(target, address=args.host, port=args.port, interface="wsgi",
                        workers=args.workers, blocking_threads=max(1, args.threads),
                        factory=args.app == "flask").serve()
        return
    app: Any = flask_app() if args.app == "flask" else (
        raw_app if args.app == "raw" else processes_app)
    options = {"bind": f"{args.host}:{args.port}", "workers": args.workers,
               "worker_class": "sync" if args.threads == 1 else "gthread",
               "threads": args.threads, "accesslog": None, "timeout": 300}
    _Gunicorn(app, options).run()


if __name__ == "__main__":
    main()
