"""``/queries``: the example catalogue (``queries/*.rq``); ``/queries/<name>`` runs one.

The list answers HTML to browsers and JSON to clients that ask for it (``Accept:
application/json`` or ``?format=json``). Running an example answers exactly as ``/sparql``
would for the same query text (every format by ``Accept`` or ``?format=``, HTML for browsers,
ETag, deadline, limits): it goes through ``server.sparql.answer``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template_string, request, url_for

from kg.catalogue import ExampleQuery
from server.errors import ApiError
from server.sparql import answer
from server.state import get_state

bp = Blueprint("examples", __name__)

JSON = "application/json"
HTML = "text/html"
RUN_FORMATS = ("html", "json", "csv", "tsv", "xml")

LIST_PAGE = """{% extends "base.html" %}
{% block title %}Example queries · Kazcinema{% endblock %}
{% block main %}
<h1>Example queries</h1>
<p>{{ entries|length }} questions a film historian asks of this graph. Each link runs the query
on the endpoint; add <code>?format=json</code>, <code>csv</code>, <code>tsv</code> or
<code>xml</code> (or send an <code>Accept</code> header) for the results in that format. This
list is also available as JSON (<code>Accept: application/json</code> or
<a href="{{ json_link }}"><code>?format=json</code></a>).</p>
<table>
<tr><th>query</th><th>what it answers</th><th>results</th></tr>
{% for e in entries %}
<tr id="{{ e.name }}"><td><a href="{{ e.url }}">{{ e.title }}</a><br><code>{{ e.name }}</code></td>
<td>{{ e.description }}</td>
<td>{% for f, link in e.formats.items() %}<a href="{{ link }}">{{ f }}</a>
{%- if not loop.last %} · {% endif %}{% endfor %}</td></tr>
{% endfor %}
</table>
{% endblock %}
"""


def _entry(query: ExampleQuery) -> dict[str, object]:
    url = url_for("examples.run", name=query.name)
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "url": url,
        "formats": {f: f"{url}?format={f}" for f in RUN_FORMATS},
        "query": query.text,
    }


def _find(name: str) -> ExampleQuery:
    for query in get_state().queries:
        if query.name == name:
            return query
    raise ApiError(404, f"no example query named {name!r}; the catalogue of example queries "
                   f"is at {url_for('examples.catalogue')} (HTML, or JSON with Accept: "
                   "application/json or ?format=json), one .rq file each in queries/")


def _wants_json() -> bool:
    forced = (request.args.get("format") or "").lower()
    if forced:
        if forced not in ("json", "html"):
            raise ApiError(400, f"unknown format {forced!r} for the list of example queries; "
                           "use json or html")
        return forced == "json"
    if not request.headers.get("Accept"):
        return False
    best = request.accept_mimetypes.best_match([HTML, JSON])
    return best == JSON


@bp.get("/queries")
def catalogue() -> Response:
    entries = [_entry(q) for q in get_state().queries]
    if _wants_json():
        response = jsonify(entries)
    else:
        html = render_template_string(
            LIST_PAGE, entries=entries,
            json_link=url_for("examples.catalogue", format="json"))
        response = Response(html, mimetype=HTML)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    return answer(_find(name).text)
