"""Fixtures: a copy of the project built once per session, the app, its client, the CLI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, sync_playwright

from kg.build import build
from kg.project import Project
from server import create_app

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no {CHROMIUM}: install the Debian package `chromium` "
                    "(the README's test command does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()  # a fresh profile: empty localStorage
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
