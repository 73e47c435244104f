"""Per-client concurrency limit, shared by every server process.

A fixed table of counters in shared memory, created before gunicorn forks its workers, keyed by
a hash of the client's address. Two clients that share a slot share a limit (the table is large
enough for that to be rare); the limit errs on the side of refusing, never of overloading.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.sharedctypes
from typing import Any

SLOTS = 4096


class ClientSlots:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        self._counts: Any = multiprocessing.sharedctypes.RawArray("i", SLOTS)

    @staticmethod
    def _slot(client: str) -> int:
        digest = hashlib.blake2b(client.encode("utf-8"), digest_size=4).digest()
        return int.from_bytes(digest, "big") % SLOTS

    def acquire(self, client: str) -> bool:
        """Take one of the client's slots; False when it already runs ``limit`` queries."""
        if self.limit <= 0:
            return True
        slot = self._slot(client)
        with self._lock:
            if self._counts[slot] >= self.limit:
                return False
            self._counts[slot] += 1
            return True

    def release(self, client: str) -> None:
        if self.limit <= 0:
            return
        slot = self._slot(client)
        with self._lock:
            if self._counts[slot] > 0:
                self._counts[slot] -= 1

    def running(self, client: str) -> int:
        return int(self._counts[self._slot(client)])
