"""``kazcinema load``: replace a store's content with RDF files, as a new release.

The target directory gets the release layout that ``kazcinema build`` uses (``current ->
releases/<id>``): the files are loaded into a new store beside the published one, which is then
swapped in with one rename, so a server on the directory answers throughout and switches over
on its next request. Any format pyoxigraph reads, chosen by file extension (``.gz`` too);
named graphs of dataset formats are kept.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import IO, cast

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

from kg.store import BuildDir, publish_release


class LoadError(Exception):
    """A file could not be loaded; the message names it (and the position, for syntax)."""


def _format_of(path: Path) -> tuple[RdfFormat, bool]:
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    fmt = RdfFormat.from_extension(extension)
    if fmt is None:
        raise LoadError(f"{path}: unknown RDF file extension {extension!r} (use .ttl, .nt, "
                        ".nq, .trig, .rdf, .jsonld, .n3, optionally .gz)")
    return fmt, path.name.endswith(".gz")


def _open(path: Path, gzipped: bool) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if gzipped else path.open("rb")


def load_files(target: Path, files: list[Path], graph: str | None = None) -> int:
    """Load ``files`` into a new release of ``target``; returns the number of quads."""
    if (target / "CURRENT").exists() and not (target / "current").is_symlink():
        raise LoadError(f"{target} is a plain Oxigraph store; load into a new (or empty) "
                        "directory, which `kazcinema serve --store` then serves")
    formats = [(path, *_format_of(path)) for path in files]
    for path, _, _ in formats:
        if not path.is_file():
            raise LoadError(f"{path}: no such file")
    build = BuildDir(target)
    build.releases.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    release = build.releases / f"{stamp}-load-{os.getpid()}"
    tmp = release.with_name(release.name + ".tmp")
    tmp.mkdir()
    try:
        store = Store(str(tmp / "store"))
        to_graph = NamedNode(graph) if graph else DefaultGraph()
        for path, fmt, gzipped in formats:
            with _open(path, gzipped) as stream:
                try:
                    store.bulk_load(stream, fmt, base_iri=path.resolve().as_uri(),
                                    to_graph=None if fmt.supports_datasets else to_graph)
                except SyntaxError as exc:
                    raise LoadError(f"{path}: {exc}") from exc
                except (OSError, ValueError) as exc:
                    raise LoadError(f"{path}: cannot load: {exc}") from exc
        store.flush()
        store.optimize()
        graphs = Counter(str(q.graph_name) for q in store.quads_for_pattern(None, None, None,
                                                                          None))
        total = sum(graphs.values())
        del store
        manifest = {"version": "load", "built": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                              time.gmtime()),
                    "quads": total, "graphs": dict(graphs),
                    "files": [str(path) for path in files]}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        tmp.rename(release)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish_release(build, release)
    return total
