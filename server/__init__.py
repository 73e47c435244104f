"""Kazcinema's web server: the SPARQL endpoint and pages. Imports kg, never the reverse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from kg.project import Project


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. Settings: defaults, then KAZCINEMA_* variables, then ``config``.

    ``ROOT``: the project directory whose ``data/build`` is served (default: the current one).
    """
    from server import errors, home, sparql
    from server.state import State

    app = Flask(__name__)
    app.config.from_mapping(ROOT=None, MAX_CONTENT_LENGTH=1 << 20)
    app.config.from_prefixed_env("KAZCINEMA")
    if config:
        app.config.from_mapping(config)
    root = app.config["ROOT"]
    project = Project.locate(None if root is None else __import__("pathlib").Path(root))
    app.extensions["kazcinema"] = State(project.build)
    errors.register(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    return app
