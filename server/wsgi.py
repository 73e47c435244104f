"""Running the app: gunicorn in production, Flask's reloader with ``--dev``.

gunicorn runs ``workers`` processes of ``threads`` threads each (the gthread worker: keep-alive
connections, a slow client does not hold a process). The app is loaded once in the master
before the fork (``preload_app``), so the per-client limit's shared table is shared by all
workers; each worker then starts its own query processes, which open the read-only store.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from server import create_app
from server.state import State


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn's documented custom-application hook, configured from our options."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(config: dict[str, Any], host: str, port: int, workers: int, threads: int,
          dev: bool) -> None:
    app = create_app(config)
    access = logging.getLogger("kazcinema.access")
    access.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    if dev:
        app.run(host=host, port=port, debug=True, use_reloader=True, threaded=True)
        return
    state: State = app.extensions["kazcinema"]

    def post_worker_init(worker: Any) -> None:
        state.executor.warm(2)  # the first queries should not wait for a process to start

    _Gunicorn(app, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread", "preload_app": True, "post_worker_init": post_worker_init,
        # the deadline is enforced per query; gunicorn's own timeout is a last resort
        "timeout": int(state.deadline) + 30, "graceful_timeout": 10, "keepalive": 5,
        "limit_request_line": 0, "accesslog": None,
    }).run()
