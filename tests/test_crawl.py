"""A crawler that starts at the home page reaches every entity, source and claim by links."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from flask.testing import FlaskClient
from pyoxigraph import QuerySolutions

from kg.project import Project
from kg.store import open_read_only
from kg.vocab import BASE

# links a crawler of pages need not follow: query results, downloads, graph dumps
SKIPPED = ("/sparql", "/queries/", "/dumps/", "/store", "/status", "/static/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _local(href: str) -> str | None:
    """The page a link leads to on this server (query string and fragment dropped), or None."""
    url, _ = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme and parts.netloc != "localhost":
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith(SKIPPED) or "." in path.rsplit("/", 1)[-1]:
        return None  # suffixed URLs (.ttl, .jsonld…) are other formats of a page already seen
    return path


def _crawl(client: FlaskClient) -> set[str]:
    seen = {"/"}
    todo = deque(["/"])
    while todo:
        path = todo.popleft()
        response = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        if response.mimetype != "text/html":
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            target = _local(href)
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _paths(project: Project, query: str) -> set[str]:
    store = open_read_only(project.build.current_release() / "store")  # type: ignore[operator]
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    return {"/" + row[0].value.removeprefix(BASE) for row in result}


def test_every_entity_source_and_claim_is_reachable_from_the_home_page(
        client: FlaskClient, built_project: Project) -> None:
    reached = _crawl(client)
    entities = _paths(built_project, f"""SELECT DISTINCT ?e WHERE {{
        GRAPH <{BASE}graph/entities> {{ ?e a ?type }} }}""")
    sources = _paths(built_project, f"""SELECT DISTINCT ?s WHERE {{
        GRAPH <{BASE}graph/sources> {{ ?s a <{BASE}ontology#Source> }} }}""")
    claims = _paths(built_project, f"""SELECT DISTINCT ?c WHERE {{
        ?c a <{BASE}ontology#Claim> }}""")
    assert len(entities) > 400 and len(sources) == 5 and len(claims) > 1800
    assert not entities - reached, sorted(entities - reached)[:10]
    assert not sources - reached, sorted(sources - reached)
    assert not claims - reached, sorted(claims - reached)[:10]
