"""Kazcinema's web server: the SPARQL endpoint and pages. Imports kg, never the reverse."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from kg.catalogue import load_queries
from kg.project import Project


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. Settings: defaults, then KAZCINEMA_* variables, then ``config``.

    ``ROOT``: the project directory whose ``data/build`` and ``queries/`` are served
    (default: ``$KAZCINEMA_ROOT`` or the current directory).
    """
    from server import errors, home, sparql
    from server.state import State

    app = Flask(__name__)
    app.config.from_mapping(ROOT=None, MAX_CONTENT_LENGTH=1 << 20)
    app.config.from_prefixed_env("KAZCINEMA")
    if config:
        app.config.from_mapping(config)
    root = app.config["ROOT"]
    project = Project.locate(None if root is None else Path(root))
    app.extensions["kazcinema"] = State(project.build, load_queries(project.queries))
    errors.register(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    return app
