"""Queries run in worker processes that can be killed at their deadline.

pyoxigraph cannot cancel a running query from Python, and a thread cannot be stopped. So every
query runs in a child process (one per request thread, started once and reused); the request
thread waits on a pipe with the deadline as its timeout. At the deadline the child is killed and
replaced, and the client is told (503 before the first byte; a cut-off chunked stream after it,
which HTTP clients report as incomplete, never a silently short result).

Results are serialised by pyoxigraph in the child and streamed to the request thread in chunks
(``kg.results.CHUNK`` bytes), so memory stays bounded whatever the size of the result.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from kg.results import worker_main

_CONTEXT = multiprocessing.get_context("spawn")  # never fork a process holding RocksDB handles


class QueryFailedError(Exception):
    """The query could not be answered: status and message are for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Job:
    store: str  # path of the Oxigraph store to query
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    # media type to answer with, per kind of result ("solutions", "boolean", "graph");
    # None: the client accepts no format for this kind (406)
    formats: dict[str, str | None] = field(default_factory=dict)


class Execution:
    """A running query: its kind and media type are known; iterating streams the body.

    A WSGI iterable: the server calls ``close()`` when the response ends, consumed or not, and
    that returns the query process to the pool (or kills it if it is still mid-result).
    ``stats`` holds rows (where countable) and bytes once the body has streamed.
    """

    def __init__(self, executor: Executor, worker: _Worker | None, limit: float, kind: str,
                 media: str) -> None:
        self.body: bytes | None = None  # the whole result, when it came in one message
        self.kind = kind
        self.media = media
        self.stats: dict[str, Any] = {"rows": None, "bytes": 0}
        self._executor = executor
        self._worker: _Worker | None = worker
        self._limit = limit

    def __iter__(self) -> Iterator[bytes]:
        if self.body is not None:
            yield self.body
            return
        worker = self._worker
        if worker is None:
            return
        while True:
            if not worker.conn.poll(max(0.0, self._limit - time.monotonic())):
                self._executor.killed += 1
                self.close()
                raise QueryFailedError(503, "deadline reached while streaming the results; "
                                       "the response is incomplete")
            chunk = worker.conn.recv_bytes()
            if not chunk:
                break
            self.stats["bytes"] += len(chunk)
            yield chunk
        outcome, detail = worker.conn.recv()
        self._worker = None
        self._executor._finish(worker, reuse=True)
        if outcome != "done":
            raise QueryFailedError(500, detail)  # aborts the stream: the client sees it cut
        self.stats["rows"] = detail

    def read(self) -> bytes:
        """The whole body (for pages that render it)."""
        return b"".join(self)

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:  # not fully streamed: the process may be mid-result
            self._executor._finish(worker, reuse=False)


class _Worker:
    def __init__(self) -> None:
        parent, child = _CONTEXT.Pipe(duplex=True)
        self.process = _CONTEXT.Process(target=worker_main, args=(child,), daemon=True,
                                        name="kazcinema-query")
        self.process.start()
        child.close()
        self.conn: Connection = parent

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class Executor:
    """A pool of query processes for one server process; each request thread borrows one."""

    def __init__(self, size: int, deadline: float) -> None:
        self.deadline = deadline
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self.killed = 0

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
        return _Worker()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def warm(self, count: int = 1) -> None:
        """Start ``count`` workers ahead of the first queries."""
        workers = [_Worker() for _ in range(count)]
        with self._lock:
            self._idle.extend(workers)

    def run(self, job: Job, deadline: float | None = None) -> Execution:
        """Start ``job``; raises QueryFailedError (400/403/406/503) before any byte is sent."""
        limit = time.monotonic() + (deadline if deadline is not None else self.deadline)
        if not self._slots.acquire(timeout=max(0.0, limit - time.monotonic())):
            raise QueryFailedError(503, "the server is busy: no query process became free "
                                   "before the deadline; retry shortly")
        worker: _Worker | None = None
        try:
            worker = self._take()
            worker.conn.send(job)
            header = self._receive(worker, limit, deadline or self.deadline)
        except BaseException:
            if worker is not None:
                worker.kill()
                self._give_back(_Worker())  # a fresh process, started now, for the next query
            self._slots.release()
            raise
        if header[0] == "error":
            self._give_back(worker)
            self._slots.release()
            raise QueryFailedError(header[1], header[2])
        if header[0] == "whole":
            _, kind, media, body, rows = header
            self._finish(worker, reuse=True)
            execution = Execution(self, None, limit, kind, media)
            execution.body = body
            execution.stats.update(rows=rows, bytes=len(body))
            return execution
        _, kind, media = header
        return Execution(self, worker, limit, kind, media)

    def _receive(self, worker: _Worker, limit: float, seconds: float) -> Any:
        if not worker.conn.poll(max(0.0, limit - time.monotonic())):
            self.killed += 1
            raise QueryFailedError(503, f"the query ran longer than the {seconds:g} s "
                                   "deadline and was stopped; narrow it down (LIMIT, more "
                                   "specific patterns) or download the dumps")
        try:
            return worker.conn.recv()
        except (EOFError, OSError) as exc:
            raise QueryFailedError(500, "the query process ended unexpectedly") from exc

    def _finish(self, worker: _Worker, reuse: bool) -> None:
        if reuse:
            self._give_back(worker)
        else:
            worker.kill()
            self._give_back(_Worker())  # a fresh process, started now, for the next query
        self._slots.release()

    def close(self) -> None:
        with self._lock:
            for worker in self._idle:
                worker.kill()
            self._idle.clear()
