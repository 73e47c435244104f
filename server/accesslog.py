"""A structured access log: one JSON line per request, written when the response has ended
(so a streamed result's duration, rows and bytes are the real ones)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from flask import Flask, Response, g, request

log = logging.getLogger("kazcinema.access")


def register(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log_on_close(response: Response) -> Response:
        if not log.isEnabledFor(logging.INFO):
            return response
        entry: dict[str, Any] = {
            "client": request.remote_addr, "method": request.method, "path": request.path,
            "status": response.status_code,
        }
        query = g.get("query_hash")
        if query:
            entry["query"] = query
            entry["kind"] = g.get("query_kind")
        stats = g.get("query_stats")
        started = g.get("started", time.perf_counter())

        def write() -> None:
            entry["ms"] = round((time.perf_counter() - started) * 1000, 2)
            if stats is not None:
                entry["rows"], entry["bytes"] = stats.get("rows"), stats.get("bytes")
            log.info(json.dumps(entry, ensure_ascii=False))

        response.call_on_close(write)
        return response
