"""The front page (what the dataset is, its graphs, example queries) and the dump downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, send_from_directory, url_for

from kg.dumps import DUMPS
from server.errors import ApiError
from server.state import get_state

bp = Blueprint("home", __name__)

EXAMPLES: list[tuple[str, str, str]] = [
    ("Who directed The Needle, according to which text, with which quote?",
     "Each claim reifies one triple; its source and verbatim quote come with it.",
     """SELECT ?director ?name ?source ?quote WHERE {
  ?film skos:prefLabel "The Needle"@en .
  ?claim rdf:reifies <<( ?film kz:director ?director )>> ;
         kz:statedIn ?source ;
         kz:quote ?quote .
  ?director skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), "en"))
}"""),
    ("What does each text say, graph by graph?",
     "One named graph per source text: count the claims in each.",
     """SELECT ?graph ?source (COUNT(?claim) AS ?claims) WHERE {
  GRAPH ?graph { ?claim a kz:Claim ; kz:statedIn ?source . }
} GROUP BY ?graph ?source ORDER BY ?graph"""),
    ("Every spelling of every person, in every language",
     "The entity catalogue keeps each person once, with all the names the texts use.",
     """SELECT ?person (GROUP_CONCAT(DISTINCT ?name; separator=" · ") AS ?names) WHERE {
  ?person a kz:Person ; skos:prefLabel|skos:altLabel ?label .
  BIND(CONCAT(STR(?label), "@", LANG(?label)) AS ?name)
} GROUP BY ?person ORDER BY ?person"""),
]


@bp.get("/")
def index() -> Response:
    state = get_state()
    manifest = state.manifest
    examples = [
        (title, text, query, url_for("sparql.sparql") + "?" + urlencode({"query": query}))
        for title, text, query in EXAMPLES
    ]
    html = render_template("index.html", manifest=manifest, examples=examples, dumps=DUMPS)
    return Response(html, mimetype="text/html")


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in DUMPS and name != "SHA256SUMS":
        raise ApiError(404, f"no dump named {name!r}; see the list on the front page")
    return send_from_directory(get_state().dumps_dir, name, as_attachment=False,
                               mimetype="application/gzip" if name.endswith(".gz")
                               else "text/plain")
