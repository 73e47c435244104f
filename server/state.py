"""The server's one shared object: which store is served, and the processes that query it.

Two layouts are served. A *release directory* (``data/build``, or any ``--store DIR`` written
by ``kazcinema build`` or ``kazcinema load``) has ``current -> releases/<id>``; a newly
published release is picked up on the next request, without a restart, while requests already
running finish on the release they started with. A *plain Oxigraph store* (``--store DIR`` of
any store) is served as it is.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import current_app
from pyoxigraph import Store

from kg.catalogue import ExampleQuery
from kg.store import BuildDir, open_read_only
from server.executor import Executor
from server.limits import ClientSlots

T = TypeVar("T")


class StoreUnavailableError(Exception):
    """No build has been published yet."""


@dataclass(frozen=True, slots=True)
class Release:
    """What is served now: its id (the dataset version), store path and publication time."""

    id: str
    path: Path  # the release directory (release layout) or the store itself (plain store)
    store: Path
    modified: float
    manifest: dict[str, Any]


def is_release_dir(path: Path) -> bool:
    return (path / "current").is_symlink() or (path / "releases").is_dir()


class State:
    """Notices a new release on each request; owns this process's query executor."""

    def __init__(self, root: Path, queries: list[ExampleQuery], *, deadline: float,
                 query_processes: int, client_slots: ClientSlots,
                 plain_store: bool = False) -> None:
        self.root = root
        self.build = BuildDir(root)
        self.plain_store = plain_store
        self.queries = queries
        self.deadline = deadline
        self.started = time.time()
        self.client_slots = client_slots
        self._query_processes = query_processes
        self._lock = threading.Lock()
        self._release: Release | None = None
        self._store: Store | None = None
        self._executor: Executor | None = None
        self._executor_pid = 0
        self._cache_lock = threading.RLock()  # re-entrant: one cached value may need another
        self._cache_release = ""
        self._cache: dict[str, object] = {}

    def release(self) -> Release:
        """The release served now (checked on every call: one readlink)."""
        if self.plain_store:
            if self._release is None:
                if not (self.root / "CURRENT").exists():
                    raise StoreUnavailableError(f"{self.root} is not an Oxigraph store")
                modified = (self.root / "CURRENT").stat().st_mtime
                self._release = Release(f"{self.root.name}-{int(modified)}", self.root,
                                        self.root, modified, {})
            return self._release
        current = self.build.current_release()
        if current is None:
            raise StoreUnavailableError(f"no release published in {self.root}; run "
                                        "`kazcinema build` (or `kazcinema load --store DIR`)")
        if self._release is None or current != self._release.path:
            with self._lock:
                if self._release is None or current != self._release.path:
                    manifest = self.build.read_manifest() or {}
                    modified = (current / "store").stat().st_mtime
                    self._release = Release(current.name, current, current / "store",
                                            modified, manifest)
                    self._store = None
        return self._release

    @property
    def store(self) -> Store:
        """The current release's store, opened in this process (for small reads)."""
        release = self.release()
        store = self._store
        if store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_read_only(release.store)
                store = self._store
        return store

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """``make()`` once per release in this process (name index, VoID, ontology page…); a new
        release starts afresh. One thread makes a value while the others wait for it."""
        release = self.release().id
        with self._cache_lock:
            if self._cache_release != release:
                self._cache_release, self._cache = release, {}
            if key not in self._cache:
                self._cache[key] = make()
            return cast(T, self._cache[key])

    @property
    def manifest(self) -> dict[str, Any]:
        return self.release().manifest

    @property
    def dumps_dir(self) -> Path:
        return self.release().path / "dumps"

    @property
    def executor(self) -> Executor:
        """This process's pool of query processes (a forked server process gets its own)."""
        if self._executor is None or self._executor_pid != os.getpid():
            with self._lock:
                if self._executor is None or self._executor_pid != os.getpid():
                    self._executor = Executor(self._query_processes, self.deadline)
                    self._executor_pid = os.getpid()
        return self._executor


def get_state() -> State:
    state: State = current_app.extensions["kazcinema"]
    return state
