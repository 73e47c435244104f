"""Running the app: gunicorn in production, Flask's reloader with ``--dev``."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.project import Project
from server import create_app


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


def serve(project: Project, host: str, port: int, workers: int, dev: bool) -> None:
    app = create_app({"ROOT": str(project.root)})
    if dev:
        app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-",
                    "worker_class": "sync", "timeout": 60}).run()
