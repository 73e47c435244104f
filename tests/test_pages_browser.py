"""Linked-data pages in a real browser: `kazcinema serve` (gunicorn) and headless Chromium.

An entity page shows the entity's Kazakh and Russian names and the quotes behind its
statements; a passage link opens the source text scrolled to that passage, highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from live_server import live_server
from playwright.sync_api import Page, expect

from kg.project import Project


@pytest.fixture(scope="module")
def pages_server(built_project: Project) -> Iterator[str]:
    with live_server(built_project.root, "--no-build", "--workers", "1") as base:
        yield base


def test_entity_page_shows_names_in_three_scripts_and_its_quotes(
        page: Page, pages_server: str) -> None:
    page.goto(pages_server + "/id/person/shaken-aimanov")
    expect(page).to_have_title(re.compile("Aimanov|Айманов"))
    body = page.locator("main")
    expect(body).to_contain_text("Шәкен Айманов")  # kk
    expect(body).to_contain_text("Шакен Айманов")  # ru
    expect(body).to_contain_text("Shaken Aymanov")  # a second English spelling
    # the Kazakh switch names the page in Kazakh
    page.goto(pages_server + "/id/person/shaken-aimanov?lang=kk")
    expect(page.locator("h1")).to_contain_text("Шәкен Айманов")
    assert page.locator("html").get_attribute("lang") == "kk"


def test_passage_link_lands_on_the_highlighted_passage(page: Page, pages_server: str) -> None:
    page.goto(pages_server + "/id/person/shaken-aimanov")
    link = page.locator("main a[href*='passage=']").first
    href = link.get_attribute("href") or ""
    match = re.search(r"/source/(\d+)\?passage=(\d+)-(\d+)#passage-(\d+)-(\d+)", href)
    assert match, href
    start, end = int(match[2]), int(match[3])
    link.click()
    page.wait_for_url(re.compile(rf"/source/{match[1]}\?passage={start}-{end}#passage-"))
    anchor = page.locator(f"#passage-{start}-{end}")
    expect(anchor).to_be_in_viewport()
    selected = page.locator("mark.selected")
    assert selected.count() >= 1
    highlighted = "".join(selected.all_text_contents())
    assert len(highlighted) == end - start, (highlighted, start, end)
    # the selected marks look different from the other passages' marks
    colours = page.evaluate("""() => [
        getComputedStyle(document.querySelector('mark.selected')).backgroundColor,
        getComputedStyle(document.querySelector('mark:not(.selected)')).backgroundColor]""")
    assert colours[0] != colours[1], colours
    expect(page.locator("mark.selected").first).to_be_in_viewport()
