"""The front page (what the dataset is, its graphs, example queries) and the dump downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, send_from_directory, url_for

from kg.dumps import DUMPS
from kg.vocab import DATA_LICENSE, ONTOLOGY_LICENSE
from server.errors import ApiError
from server.state import get_state

bp = Blueprint("home", __name__)

# shown on the front page; the whole catalogue is at /queries
FEATURED = ("needle-director", "who-played-whom", "filmography")

@bp.get("/")
def index() -> Response:
    state = get_state()
    manifest = state.manifest
    featured = [q for q in state.queries if q.name in FEATURED] or state.queries[:3]
    examples = [
        (q.title, q.description, q.text,
         url_for("sparql.sparql") + "?" + urlencode({"query": q.text}))
        for q in featured
    ]
    html = render_template("index.html", manifest=manifest, examples=examples, dumps=DUMPS,
                           catalogue=len(state.queries), data_license=DATA_LICENSE,
                           ontology_license=ONTOLOGY_LICENSE,
                           canonical=url_for("home.index", _external=True))
    return Response(html, mimetype="text/html")


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in DUMPS and name != "SHA256SUMS":
        raise ApiError(404, f"no dump named {name!r}; see the list on the front page")
    return send_from_directory(get_state().dumps_dir, name, as_attachment=False,
                               mimetype="application/gzip" if name.endswith(".gz")
                               else "text/plain")
