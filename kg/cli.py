"""The ``kazcinema`` command: build, validate, query, serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
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

    p = sub.add_parser("report", help="list every subject and property where the texts "
                                      "disagree, with each side's source and quote")
    p.add_argument("--lang", default="en", help="label language (default: en)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_report)

    p = sub.add_parser("coverage", help="per text: claims, entities and the share of sentences "
                                        "covered by a quote; lists the sentences with none")
    p.add_argument("--source", action="append", default=None,
                   help="only this text (repeatable; default: all)")
    p.add_argument("--summary", action="store_true", help="only the table, no sentence list")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_coverage)

    p = sub.add_parser("export", help="write a network (influence, training, collaboration, "
                                      "comention) for Gephi, Cytoscape, d3 or a spreadsheet",
                       description="Write a network derived from the claims. A decade is a "
                                   "period: --start 1960 --end 1969.")
    p.add_argument("network", metavar="NETWORK", help="influence, training, collaboration "
                                                      "or comention")
    p.add_argument("--format", default="graphml", metavar="KEY",
                   help="graphml (default), gexf, cyjs, d3.json, nodes.csv or edges.csv")
    p.add_argument("--lang", default="en,kk,ru",
                   help="label languages in order of preference (default: en,kk,ru)")
    p.add_argument("--start", default=None, metavar="YEAR",
                   help="keep edges whose years reach this year or later (undated edges go)")
    p.add_argument("--end", default=None, metavar="YEAR",
                   help="keep edges whose years reach this year or earlier (undated edges go)")
    p.add_argument("--source", nargs="+", action="extend", default=None, metavar="ID",
                   help="only claims of these texts (e.g. 000 002)")
    p.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="ID",
                   help="leave out the claims of these texts (what rests on them goes)")
    p.add_argument("--relation", nargs="+", action="extend", default=None, metavar="NAME",
                   help="only these relations (e.g. basedOn influencedBy)")
    p.add_argument("--ego", default=None, metavar="IRI",
                   help="only this entity's ego network (IRI or id, e.g. person/shaken-aimanov)")
    p.add_argument("--radius", default="1", metavar="N", help="ego network radius (default 1)")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="write here (default: standard output)")
    p.set_defaults(handler=_export)

    p = sub.add_parser("search", help="find entities by name, in any script or spelling",
                       description="Find catalogue entities whose names match QUERY: Kazakh or "
                                   "Russian Cyrillic, Latin in any transliteration, typos.")
    p.add_argument("query", metavar="QUERY", help="a name, e.g. 'Aimanov' or 'Шәкен Айманов'")
    p.add_argument("--type", action="append", default=None, metavar="CLASS",
                   help="only entities of this class or a subclass (repeatable; e.g. Person, "
                        "Film, Organisation)")
    p.add_argument("--lang", default="en", help="language of the labels shown (default: en)")
    p.add_argument("--limit", type=int, default=10, help="at most this many results (default 10)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=_search)

    return parser, sub


def _search(project: Project, args: argparse.Namespace) -> int:
    from kg.name_index import NAMES_FILE, NameIndex

    if args.limit < 1:
        print("error: --limit must be 1 or more", file=sys.stderr)
        return 2
    ensure_built(project)
    release = project.build.current_release()
    path = release / NAMES_FILE if release is not None else None
    if path is not None and path.is_file():
        index = NameIndex.load(path)
    else:
        log.info("the release has no %s: indexing the store's labels", NAMES_FILE)
        index = NameIndex.from_store(open_read_only(project.build.store))
    matches = index.search(args.query, types=args.type, lang=args.lang, limit=args.limit)
    if args.format == "json":
        print(json.dumps([{"rank": rank, **asdict(m), "labels": [
            {"lang": lang, "value": text} for lang, text in index.labels(m.iri)]}
            for rank, m in enumerate(matches, 1)], ensure_ascii=False, indent=2))
        return 0
    if not matches:
        print(f"no match for {args.query!r}")
        return 0
    for rank, m in enumerate(matches, 1):
        exact = " exact" if m.exact else ""
        print(f"{rank:>2}. {m.score:5.1f}{exact}  {m.label}  [{m.kind}]  {m.iri}")
        print(f"    matched: {m.matched} ({m.matched_lang})")
        print("    labels:  " + " · ".join(f"{text} ({lang})"
                                          for lang, text in index.labels(m.iri)))
    return 0


def _export(project: Project, args: argparse.Namespace) -> int:
    from kg.export import EXPORTERS, export_bytes
    from kg.networks import NETWORKS, NetworkError, NetworkOptions, build_network

    flags = {"network": "NETWORK", "langs": "--lang", "start": "--start", "end": "--end",
             "sources": "--source", "exclude": "--exclude", "relations": "--relation",
             "ego": "--ego", "radius": "--radius"}
    try:
        if args.network not in NETWORKS:
            raise NetworkError(f"unknown network {args.network!r}; the networks are "
                               f"{', '.join(NETWORKS)}", "network")
        if args.format not in EXPORTERS:
            print(f"error: --format: unknown format {args.format!r}; the formats are "
                  f"{', '.join(EXPORTERS)}", file=sys.stderr)
            return 2
        options = NetworkOptions(
            langs=tuple(lang for lang in args.lang.split(",") if lang.strip()),
            start=_year(args.start, "start"), end=_year(args.end, "end"),
            sources=frozenset(args.source) if args.source is not None else None,
            exclude=frozenset(args.exclude),
            relations=frozenset(args.relation) if args.relation is not None else None,
            ego=args.ego, radius=_integer(args.radius, "radius"))
        ensure_built(project)
        graph = build_network(open_read_only(project.build.store), args.network, options)
    except NetworkError as exc:
        print(f"error: {flags.get(exc.option, exc.option)}: {exc}", file=sys.stderr)
        return 2
    data = export_bytes(graph, args.format)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        args.output.write_bytes(data)
        log.info("%s: %d nodes, %d edges → %s", args.network, graph.number_of_nodes(),
                 graph.number_of_edges(), args.output)
    return 0


def _integer(text: str, option: str) -> int:
    from kg.networks import NetworkError

    try:
        return int(text)
    except ValueError:
        raise NetworkError(f"not a whole number: {text!r}", option) from None


def _year(text: str | None, option: str) -> int | None:
    return None if text is None else _integer(text, option)


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


def _report(project: Project, args: argparse.Namespace) -> int:
    from kg.report import disagreements, format_report

    ensure_built(project)
    try:
        found = disagreements(open_read_only(project.build.store), project.queries, args.lang)
    except ValueError as exc:
        print(f"error: --lang: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([asdict(item) for item in found], ensure_ascii=False, indent=2))
    else:
        print(format_report(found))
    return 0


def _coverage(project: Project, args: argparse.Namespace) -> int:
    from kg.build import load_inputs
    from kg.coverage import text_coverage

    inputs = load_inputs(project)
    wanted = args.source or sorted(inputs.sources)
    unknown = [s for s in wanted if s not in inputs.sources]
    if unknown:
        print(f"error: unknown source {', '.join(unknown)}; the texts are "
              f"{', '.join(sorted(inputs.sources))}", file=sys.stderr)
        return 2
    results = [text_coverage(inputs.sources[s], inputs.facts) for s in wanted]
    if args.format == "json":
        print(json.dumps([{"source": r.source, "claims": r.claims, "entities": r.entities,
                           "sentences": len(r.sentences), "covered": r.covered,
                           "share": round(r.share, 4),
                           "bare": [asdict(s) for s in r.bare]} for r in results],
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{'text':<6}{'claims':>8}{'entities':>10}{'sentences':>11}{'covered':>9}{'share':>8}")
    for r in results:
        print(f"{r.source:<6}{r.claims:>8}{r.entities:>10}{len(r.sentences):>11}"
              f"{r.covered:>9}{r.share:>8.1%}")
    if not args.summary:
        for r in results:
            if r.bare:
                print(f"\n{r.source}: {len(r.bare)} sentence(s) without a claim")
                for s in r.bare:
                    print(f"  {inputs.sources[r.source].file.name}:{s.line} "
                          f"[{s.start}-{s.end}] {s.text}")
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
