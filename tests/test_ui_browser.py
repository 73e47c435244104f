"""The query editor on GET /sparql: its page in-process, then in a real browser (`kazcinema
serve` under gunicorn, and headless Chromium).

Chromium is the system's (Debian package `chromium`, installed by the README's test command);
Playwright drives it and downloads no browser of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from live_server import live_server
from playwright.sync_api import Page, expect

from kg.project import Project


@pytest.fixture(scope="module")
def editor_server(built_project: Project) -> Iterator[str]:
    """`kazcinema serve` on the session's built project (already built: it serves at once)."""
    with live_server(built_project.root, "--no-build", "--workers", "1") as base:
        yield base


def test_query_page_loads_only_vendored_assets(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]*)"', html)
    assert "/static/yasgui/yasgui.min.js" in assets and "/static/yasgui/yasgui.min.css" in assets
    assert all(url.startswith("/static/") or url.startswith("data:") for url in assets), assets
    for url in assets:
        if url.startswith("/static/"):
            response = client.get(url)
            assert response.status_code == 200 and response.data, url
            response.close()
    assert 'value="needle-director"' in html


def open_editor(page: Page, base: str) -> list[str]:
    """Open /sparql as a browser does; return the list that collects every request's URL."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base + "/sparql")
    expect(page.locator(".yasqe .CodeMirror").first).to_be_visible()
    return requests


@pytest.mark.server
def test_editor_runs_the_needle_example_without_leaving_the_server(
        page: Page, editor_server: str, built_project: Project) -> None:
    requests = open_editor(page, editor_server)
    needle = (built_project.queries / "needle-director.rq").read_text(encoding="utf-8")
    title = needle.splitlines()[0].removeprefix("# title:").strip()

    page.select_option("#examples", "needle-director")
    expect(page.locator(".yasgui .tabsList .tab.active")).to_contain_text(title)
    assert page.evaluate("window.kazcinemaYasgui.getTab().getYasqe().getValue()") == needle

    page.locator(".tabPanel.active .yasqe_queryButton").click()
    results = page.locator(".tabPanel.active .yasr_results table")
    expect(results).to_contain_text("Rashid Nugmanov", timeout=30_000)
    expect(results).to_contain_text("directed by Rashid Nugmanov")
    assert editor_server + "/sparql" in requests  # the POST of the query

    # reloaded, the open tabs come back from localStorage
    page.reload()
    expect(page.locator(".yasgui .tabsList .tab", has_text=title)).to_have_count(1)

    foreign = [url for url in requests
               if urlsplit(url).scheme != "data" and not url.startswith(editor_server + "/")]
    assert not foreign, f"requests to other hosts: {foreign}"


@pytest.mark.server
def test_first_visit_opens_the_first_example_and_offers_them_all(
        page: Page, editor_server: str, built_project: Project) -> None:
    open_editor(page, editor_server)
    names = [path.stem for path in sorted(built_project.queries.glob("*.rq"))]  # catalogue order
    offered = page.locator("#examples option").evaluate_all(
        "options => options.map(o => o.value).filter(v => v)")
    assert offered == names
    first = (built_project.queries / f"{names[0]}.rq").read_text(encoding="utf-8")
    assert page.evaluate("window.kazcinemaYasgui.getTab().getYasqe().getValue()") == first
    # tabs are kept per dataset version, so a new build does not show stale tabs and results
    manifest = built_project.build.read_manifest()
    assert manifest is not None
    keys = page.evaluate("Object.keys(localStorage)")
    assert any(key.startswith(f"kazcinema-{manifest['version']}-") for key in keys), keys


@pytest.mark.server
def test_typing_a_predeclared_prefix_adds_no_prefix_line(page: Page, editor_server: str) -> None:
    """YASQE would add `PREFIX schema: <http://schema.org/>` from its own list (this graph uses
    https://schema.org/), overriding the endpoint's declaration; a prefix it does not declare
    (foaf:) is still completed."""
    requests = open_editor(page, editor_server)
    page.locator(".yasgui .tabsList .addTab").click()
    page.locator(".tabPanel.active .CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT * WHERE { ?s schema:name ?n ; kz:director ?d ; foaf:name ?f }")
    editor = page.locator(".tabPanel.active .CodeMirror")
    expect(editor).to_contain_text("PREFIX foaf:")
    text = page.evaluate("window.kazcinemaYasgui.getTab().getYasqe().getValue()")
    assert "PREFIX schema:" not in text and "PREFIX kz:" not in text
    assert all(url.startswith(editor_server + "/") for url in requests), requests
