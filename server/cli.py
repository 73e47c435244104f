"""The ``kazcinema`` console script: kg's commands plus ``serve``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kg import cli
from kg.project import Project

log = logging.getLogger("server.cli")


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint (builds first when stale)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument("--dev", action="store_true", help="Flask's development server with reloader")
    p.add_argument("--no-build", action="store_true", help="serve what is built, even if stale")
    p.set_defaults(handler=_serve)


def _serve(project: Project, args: argparse.Namespace) -> int:
    from kg.build import build
    from server.wsgi import serve

    if not args.no_build and project.is_stale():
        log.info("store missing or older than its inputs: building first")
        build(project)
    log.info("serving %s on http://%s:%d/ (SPARQL at /sparql)", project.root, args.host,
             args.port)
    serve(project, host=args.host, port=args.port, workers=args.workers, dev=args.dev)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extend=_add_serve)


if __name__ == "__main__":
    sys.exit(main())
