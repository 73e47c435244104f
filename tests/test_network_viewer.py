"""The network viewer in a real browser: `kazcinema serve` (gunicorn) and headless Chromium.

Cytoscape.js (vendored) loads the network's Cytoscape.js JSON and draws every node; the year
slider hides the edges outside its window; search finds a film by name; a node links to its
entity page; an edge shows its quote. Nothing is fetched from another host.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from live_server import live_server
from playwright.sync_api import Page, Request, expect

from kg.project import Project

pytestmark = pytest.mark.server

WILD_EAST = "https://w3id.org/kazcinema/id/film/the-wild-east"
WILD_EAST_SHOWN = ("cy.edges().filter(e => [e.source().id(), e.target().id()].includes("
                   f"'{WILD_EAST}')).some(e => e.visible())")


@pytest.fixture(scope="module")
def viewer_server(built_project: Project) -> Iterator[str]:
    with live_server(built_project.root, "--no-build", "--workers", "1") as base:
        yield base


@pytest.fixture
def viewer(page: Page, viewer_server: str) -> Iterator[Page]:
    """The influence network's viewer, loaded; fails if it asks any other host for anything."""
    elsewhere: list[str] = []

    def record(request: Request) -> None:
        if not request.url.startswith((viewer_server, "data:", "blob:")):
            elsewhere.append(request.url)

    page.on("request", record)
    page.goto(viewer_server + "/networks/influence")
    expect(page.locator("#network-viewer")).to_have_attribute("data-ready", "true")
    yield page
    assert not elsewhere, f"the viewer fetched from other hosts: {elsewhere}"


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_the_viewer_draws_every_node_of_the_network(viewer: Page, viewer_server: str) -> None:
    data = fetch_json(viewer_server + "/networks/influence.cyjs")
    nodes, edges = len(data["elements"]["nodes"]), len(data["elements"]["edges"])
    assert nodes > 0
    assert viewer.evaluate("cy.nodes().length") == nodes
    assert viewer.evaluate("cy.edges().length") == edges
    assert viewer.evaluate("cy.nodes(':visible').length") == nodes
    assert viewer.locator("#network-canvas canvas").count() >= 1
    expect(viewer.locator("#network-status")).to_contain_text(
        f"Showing {nodes} of {nodes} nodes and {edges} of {edges} edges")
    # laid out: the nodes are not all on one point
    spread = viewer.evaluate("""() => { const b = cy.nodes().boundingBox();
                                        return b.w * b.h; }""")
    assert spread > 0
    # every node links to its entity page
    assert viewer.evaluate("cy.nodes().every(n => /^\\/id\\/./.test(n.data('url')))")


def wait_until(page: Page, condition: str) -> None:
    """Wait (5 s at most) until ``condition`` holds: Cytoscape.js restyles after an event."""
    page.wait_for_function(f"() => {condition}", timeout=5_000)


def test_the_year_slider_hides_edges_outside_the_window(viewer: Page) -> None:
    before = viewer.evaluate("cy.edges(':visible').length")
    assert viewer.evaluate(WILD_EAST_SHOWN)
    viewer.evaluate("""() => { const to = document.getElementById('network-year-to');
                               to.value = 1969; to.dispatchEvent(new Event('input')); }""")
    expect(viewer.locator("#network-year-window")).to_contain_text("–1969")
    wait_until(viewer, f"!({WILD_EAST_SHOWN})")  # The Wild East: 1993
    wait_until(viewer, f"cy.edges(':visible').length < {before}")
    # every edge still shown is undated or begins by 1969
    assert viewer.evaluate("""() => cy.edges(':visible').filter(
        e => e.data('start') !== undefined && e.data('start') !== null && e.data('start') > 1969
    ).length""") == 0
    expect(viewer.locator("#network-status")).not_to_contain_text(f"{before} of {before} edges")
    # the whole range again, then without one relation
    viewer.evaluate("""() => { const to = document.getElementById('network-year-to');
                               to.value = to.max; to.dispatchEvent(new Event('input')); }""")
    wait_until(viewer, f"cy.edges(':visible').length === {before}")
    viewer.locator("#network-relations input[value=basedOn]").uncheck()
    wait_until(viewer, "cy.edges(':visible').filter(e => e.data('relation') === 'basedOn')"
               ".length === 0")
    assert viewer.evaluate("cy.edges(':visible').length") > 0


def test_search_finds_a_film_and_its_node_links_to_its_page(
        viewer: Page, viewer_server: str) -> None:
    viewer.fill("#network-search", "seven samurai")
    expect(viewer.locator("#network-search-status")).to_have_text("1 found")
    assert viewer.evaluate("cy.nodes('.match').map(n => n.data('label'))") == ["Seven Samurai"]
    panel = viewer.locator("#network-details")
    expect(panel.locator("h2")).to_have_text("Seven Samurai")
    link = panel.locator("#network-entity-link")
    assert link.get_attribute("href") == "/id/film/seven-samurai"
    assert viewer.request.get(viewer_server + "/id/film/seven-samurai").status == 200
    link.click()
    viewer.wait_for_url("**/id/film/seven-samurai")
    expect(viewer.locator("h1")).to_contain_text("Seven Samurai")


def test_an_edge_shows_its_relation_sources_and_quote(viewer: Page) -> None:
    viewer.evaluate(f"() => {{ cy.edges().filter(e => e.source().id() === '{WILD_EAST}' && "
                    "e.data('relation') === 'basedOn')[0].emit('tap'); }")
    panel = viewer.locator("#network-details")
    expect(panel.locator("h2")).to_have_text("basedOn")
    expect(panel).to_contain_text("loosely based on Akira Kurosawa's Seven Samurai")
    expect(panel.locator("a[href='/source/002']")).to_have_count(1)
