"""The ``kazcinema`` console script: kg's commands plus ``serve``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kg import cli
from kg.project import Project

log = logging.getLogger("server.cli")


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint (builds first when stale)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (2)")
    p.add_argument("--threads", type=int, default=2,
                   help="threads per worker, and query processes per worker (2)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a query may run before it is stopped (30)")
    p.add_argument("--client-concurrency", type=int, default=4,
                   help="queries one client may run at once; more get 429 (4; 0: no limit)")
    p.add_argument("--store", type=Path, default=None,
                   help="serve this store instead of the project's build: a directory written "
                        "by `kazcinema load`, or any Oxigraph store")
    p.add_argument("--public-url", default=None,
                   help="the public origin absolute links name, e.g. https://kazcinema.example.org "
                        "(default: the request's host)")
    p.add_argument("--dev", action="store_true", help="Flask's development server with reloader")
    p.add_argument("--no-build", action="store_true", help="serve what is built, even if stale")
    p.set_defaults(handler=_serve)

    p = sub.add_parser("load", help="replace a store's content with RDF files (named graphs "
                                    "kept); a server on it switches over without a restart")
    p.add_argument("--store", type=Path, required=True, help="the store directory")
    p.add_argument("files", type=Path, nargs="+",
                   help="RDF files in any format pyoxigraph reads (by extension; .gz too)")
    p.add_argument("--graph", default=None,
                   help="IRI of the named graph for triples of triple formats (default: the "
                        "default graph)")
    p.set_defaults(handler=_load)


def _serve(project: Project, args: argparse.Namespace) -> int:
    from kg.build import build
    from server.wsgi import serve

    config: dict[str, object] = {
        "ROOT": str(project.root), "QUERY_TIMEOUT": args.timeout,
        "QUERY_PROCESSES": args.threads, "CLIENT_CONCURRENCY": args.client_concurrency}
    if args.public_url:
        from server.origin import OriginError, parse_origin

        try:
            parse_origin(args.public_url)
        except OriginError as exc:
            print(f"error: --public-url: {exc}", file=sys.stderr)
            return 2
        config["PUBLIC_URL"] = args.public_url
    if args.store is not None:
        if not args.store.is_dir():
            print(f"error: --store {args.store}: no such directory", file=sys.stderr)
            return 2
        config["STORE"] = str(args.store)
        served = str(args.store)
    else:
        if not args.no_build and project.is_stale():
            log.info("store missing or older than its inputs: building first")
            build(project)
        served = str(project.root)
    log.info("serving %s on http://%s:%d/ (SPARQL at /sparql)", served, args.host, args.port)
    serve(config, host=args.host, port=args.port, workers=args.workers, threads=args.threads,
          dev=args.dev)
    return 0


def _load(project: Project, args: argparse.Namespace) -> int:
    from kg.load import LoadError, load_files

    try:
        count = load_files(args.store, args.files, args.graph)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("the store is unchanged", file=sys.stderr)
        return 1
    print(f"loaded {count:,} quads from {len(args.files)} file(s) into {args.store}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extend=_add_serve)


if __name__ == "__main__":
    sys.exit(main())
