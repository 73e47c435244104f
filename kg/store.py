"""The on-disk Oxigraph store: written once per build into a new release, opened read-only.

Layout under the build directory (``data/build``)::

    releases/<release-id>/store/   the Oxigraph store of one build
    releases/<release-id>/dumps/   its gzip dumps and SHA256SUMS
    releases/<release-id>/manifest.json
    current -> releases/<release-id>   swapped atomically (rename of a symlink) by each build
    store -> current/store             stable paths for users and the server
    dumps -> current/dumps

Only this module opens a ``pyoxigraph.Store``. Readers never see a half-written store: a build
writes its release beside the others and publishes it with one ``rename``; readers that opened
the previous release keep using it until they reopen.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Store, parse

KEEP_RELEASES = 3


@dataclass(frozen=True, slots=True)
class BuildDir:
    root: Path

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def dumps(self) -> Path:
        return self.root / "dumps"

    def current_release(self) -> Path | None:
        """The published release directory, or None before the first build."""
        try:
            target = os.readlink(self.current)
        except OSError:
            return None
        path = self.root / target
        return path if (path / "store").is_dir() else None

    def read_manifest(self) -> dict[str, Any] | None:
        release = self.current_release()
        if release is None:
            return None
        try:
            data: dict[str, Any] = json.loads((release / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data


def _ontology_quads(ontology: Path, graph: NamedNode) -> Iterator[Quad]:
    """The ontology's triples in ``graph``, its blank nodes labelled by order of appearance.

    The parser draws random blank node labels; numbering them keeps the store, and so the
    dumps and their checksums, identical from build to build.
    """
    labels: dict[str, BlankNode] = {}

    def stable(term: Any) -> Any:
        if isinstance(term, BlankNode):
            return labels.setdefault(term.value, BlankNode(f"ontology{len(labels) + 1}"))
        return term

    for triple in parse(path=str(ontology), format=RdfFormat.TURTLE):
        yield Quad(stable(triple.subject), triple.predicate, stable(triple.object), graph)


def write_store(path: Path, quads: Iterable[Quad], ontology: Path, ontology_graph: str) -> int:
    """Write a new store at ``path`` (which must not exist); returns the number of quads."""
    store = Store(str(path))
    store.bulk_extend(quads)
    store.bulk_extend(_ontology_quads(ontology, NamedNode(ontology_graph)))
    store.flush()
    store.optimize()
    count = len(store)
    del store  # closes the RocksDB handle before the directory is renamed
    return count


def open_read_only(path: Path) -> Store:
    """Open a store for reading; several processes may do so at once."""
    return Store.read_only(str(path))


def publish_release(build: BuildDir, release: Path) -> None:
    """Point ``current`` at ``release`` with one atomic rename, then prune old releases."""
    build.root.mkdir(parents=True, exist_ok=True)
    for link, target in ((build.store, "current/store"), (build.dumps, "current/dumps")):
        if not link.is_symlink():
            if link.exists():  # a plain directory from an older layout: move it aside
                shutil.rmtree(link)
            link.symlink_to(target)
    tmp_link = build.root / f".current.{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(release, build.root))
    os.replace(tmp_link, build.current)
    _prune(build, keep=release)


def _prune(build: BuildDir, keep: Path) -> None:
    releases = sorted(p for p in build.releases.iterdir() if p.is_dir())
    old = [p for p in releases if p != keep and not p.name.endswith(".tmp")]
    for path in old[: max(0, len(old) - (KEEP_RELEASES - 1))]:
        shutil.rmtree(path, ignore_errors=True)
