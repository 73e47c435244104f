"""Fixtures: a copy of the project built once per session, the app, its client, the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.build import build
from kg.project import Project
from server import create_app

REPO = Path(__file__).resolve().parents[1]


def copy_project(target: Path) -> Project:
    """A fresh copy of the project's inputs (ontology, corpus, sources, entities, facts)."""
    shutil.copytree(REPO / "ontology", target / "ontology")
    shutil.copytree(REPO / "queries", target / "queries")
    shutil.copytree(REPO / "data", target / "data", ignore=shutil.ignore_patterns("build"))
    return Project(target)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("kazcinema"))
    build(project)
    return project


@pytest.fixture
def scratch_project(tmp_path: Path) -> Project:
    """A project of one's own, to break and rebuild."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def app(built_project: Project) -> Iterator[Flask]:
    app = create_app({"ROOT": str(built_project.root), "TESTING": True})
    yield app


class ClosingClient(FlaskClient):
    """Reads each response whole and closes it, as a WSGI server does: a streamed query
    result hands back its query process and its client slot when closed."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = ClosingClient
    return app.test_client()
