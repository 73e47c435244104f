"""The server's one shared object: the read-only store of the current release."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from flask import current_app
from pyoxigraph import Store

from kg.catalogue import ExampleQuery
from kg.store import BuildDir, open_read_only


class StoreUnavailableError(Exception):
    """No build has been published yet."""


class State:
    """Holds the open store and notices a newly published build (checked on each request)."""

    def __init__(self, build: BuildDir, queries: list[ExampleQuery]) -> None:
        self.build = build
        self.queries = queries
        self.started = time.time()
        self._lock = threading.Lock()
        self._release: Path | None = None
        self._store: Store | None = None
        self._manifest: dict[str, Any] = {}

    def _refresh(self) -> None:
        release = self.build.current_release()
        if release is None:
            raise StoreUnavailableError(f"no build published in {self.build.root}; "
                                        "run `kazcinema build`")
        if release != self._release:
            with self._lock:
                if release != self._release:
                    # requests still running keep their reference to the previous store
                    self._store = open_read_only(release / "store")
                    self._manifest = self.build.read_manifest() or {}
                    self._release = release

    @property
    def store(self) -> Store:
        self._refresh()
        assert self._store is not None
        return self._store

    @property
    def manifest(self) -> dict[str, Any]:
        self._refresh()
        return self._manifest

    @property
    def dumps_dir(self) -> Path:
        self._refresh()
        assert self._release is not None
        return self._release / "dumps"


def get_state() -> State:
    state: State = current_app.extensions["kazcinema"]
    return state
