"""The ``kazcinema`` command: build, validate, query, serve."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

from kg.errors import BuildError, DataError
from kg.project import Project
from kg.query import run_query, solutions_to_table
from kg.store import open_read_only

log = logging.getLogger("kg.cli")

RESULT_FORMATS = {"json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV,
                  "tsv": QueryResultsFormat.TSV, "xml": QueryResultsFormat.XML}


Extension = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def main(argv: Sequence[str] | None = None, extend: Extension | None = None) -> int:
    """Run the command line; ``extend`` adds sub-commands (``server.cli`` adds ``serve``)."""
    parser, sub = make_parser()
    if extend is not None:
        extend(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(message)s", stream=sys.stderr)
    project = Project.locate(args.root)
    try:
        code: int = args.handler(project, args)
        return code
    except DataError as exc:
        print(f"error: {len(exc.problems)} problem(s) in the input files:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        print("nothing was built; the published store is unchanged", file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"error: build failed: {exc}", file=sys.stderr)
        print("the published store is unchanged", file=sys.stderr)
        return 1


def make_parser() -> tuple[
    argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]
]:
    parser = argparse.ArgumentParser(
        prog="kazcinema", description="Kazcinema: the knowledge graph of Kazakh cinema history.")
    parser.add_argument("--root", type=Path, default=None,
                        help="project directory (default: $KAZCINEMA_ROOT or the current one)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the store and dumps from the fact files")
    p.set_defaults(handler=_build)

    p = sub.add_parser("validate", help="check sources, entities and fact files; build nothing")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("query", help="run a SPARQL query on the built store")
    p.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    p.add_argument("--format", choices=["table", *RESULT_FORMATS], default="table")
    p.set_defaults(handler=_query)

    return parser, sub


def _build(project: Project, args: argparse.Namespace) -> int:
    from kg.build import build

    build(project)
    return 0


def _validate(project: Project, args: argparse.Namespace) -> int:
    from kg.build import load_inputs

    inputs = load_inputs(project)
    claims = sum(len(f.claims) for f in inputs.facts)
    print(f"ok: {len(inputs.sources)} sources, {len(inputs.entities)} entities, "
          f"{claims} claims in {len(inputs.facts)} fact files")
    return 0


def ensure_built(project: Project) -> None:
    if project.build.current_release() is None:
        from kg.build import build

        log.info("no store yet: building first")
        build(project)


def _query(project: Project, args: argparse.Namespace) -> int:
    text: str = args.sparql
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    ensure_built(project)
    store = open_read_only(project.build.store)
    try:
        result = run_query(store, text)
    except SyntaxError as exc:
        print(f"error: invalid SPARQL: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout.buffer
    if isinstance(result, QueryBoolean):
        if args.format == "table":
            print("yes" if bool(result) else "no")
        else:
            out.write(result.serialize(format=RESULT_FORMATS[args.format]) or b"")
    elif isinstance(result, QuerySolutions):
        if args.format == "table":
            print(solutions_to_table(result))
        else:
            out.write(result.serialize(format=RESULT_FORMATS[args.format]) or b"")
    else:
        out.write(result.serialize(format=RdfFormat.TURTLE) or b"")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
