"""Find an entity under any spelling: ``/search?q=…&type=…&lang=…&limit=…``.

HTML for people, JSON for programs (``Accept: application/json`` or ``?format=json``). The
matching is ``kg.name_index``'s (scripts folded, transliterations, fuzzy scores); the index is
the served release's ``names.json`` (written by the build), or built from its store if the
release has none, once per release and per process (``get_name_index``). User text only ever
reaches the index, never a SPARQL query. The types one may ask for are the classes of the
entities and their superclasses in the ontology (``get_schema``; ``type=Organisation`` finds
studios too); the reconciliation service (``server.reconcile``) shares both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from pyoxigraph import Literal, NamedNode

from kg.describe import local_path
from kg.name_index import NAMES_FILE, Match, NameIndex
from kg.rdf import ONTOLOGY_GRAPH
from kg.vocab import KZ_NS, RDFS_NS, SKOS_NS, graph_iri
from server.errors import ApiError
from server.formats import HTML
from server.state import get_state

bp = Blueprint("search", __name__)

LANGUAGES = ("en", "kk", "ru")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
JSON = "application/json"


def load_name_index() -> NameIndex:
    """The served release's index: its ``names.json`` if the build wrote one, else built."""
    state = get_state()
    path = state.release().path / NAMES_FILE
    if path.is_file():
        return NameIndex.load(path)
    return NameIndex.from_store(state.store)


def get_name_index() -> NameIndex:
    """The name index of the release served now (loaded once per release)."""
    return get_state().cached("names", load_name_index)


CLASSES_QUERY = f"""SELECT ?class ?parent ?label WHERE {{ GRAPH <{graph_iri(ONTOLOGY_GRAPH)}> {{
  ?class a <http://www.w3.org/2002/07/owl#Class> .
  OPTIONAL {{ ?class <{RDFS_NS}subClassOf> ?parent }}
  OPTIONAL {{ ?class <{SKOS_NS}prefLabel> ?label }} }} }}"""


@dataclass(frozen=True, slots=True)
class Schema:
    """The ontology's classes: names by language and direct superclasses, by local name."""

    names: dict[str, dict[str, str]]
    parents: dict[str, tuple[str, ...]]

    def name(self, kind: str, lang: str = "en") -> str:
        names = self.names.get(kind, {})
        return names.get(lang) or names.get("en") or kind

    def ancestors(self, kind: str) -> set[str]:
        seen, todo = {kind}, [kind]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def with_subclasses(self, kinds: Iterable[str]) -> set[str]:
        wanted = set(kinds)
        return {k for k in self.names if self.ancestors(k) & wanted}

    def offered(self, kinds: Iterable[str]) -> list[str]:
        """The types one may ask for: the classes of the entities and their superclasses."""
        return sorted(k for k in set().union(*(self.ancestors(k) for k in kinds))
                      if k in self.names)

    def type_json(self, kind: str) -> dict[str, Any]:
        broader = [{"id": p, "name": self.name(p)} for p in self.parents.get(kind, ())]
        return {"id": kind, "name": self.name(kind), **({"broader": broader} if broader else {})}


def load_schema() -> Schema:
    """The classes of the served release's ontology graph (a fixed query)."""
    names: dict[str, dict[str, str]] = {}
    parents: dict[str, set[str]] = {}
    for row in get_state().store.query(CLASSES_QUERY):  # type: ignore[union-attr]
        kind = _local(row["class"])
        if kind is None:
            continue
        names.setdefault(kind, {})
        parents.setdefault(kind, set())
        if (parent := _local(row["parent"])) is not None:
            parents[kind].add(parent)
        label = row["label"]
        if isinstance(label, Literal) and label.language:
            names[kind][label.language] = label.value
    return Schema(names, {k: tuple(sorted(v)) for k, v in parents.items()})


def _local(term: Any) -> str | None:
    if isinstance(term, NamedNode) and term.value.startswith(KZ_NS):
        return term.value[len(KZ_NS):]
    return None


def get_schema() -> Schema:
    """The served release's classes (loaded once per release)."""
    return get_state().cached("schema", load_schema)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    types: tuple[str, ...]
    lang: str
    limit: int


def read_limit(raw: str | None, default: int = DEFAULT_LIMIT) -> int:
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}, "
                       f"not {raw!r}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be from 1 to {MAX_LIMIT}, not {limit}")
    return limit


def check_types(types: Iterable[str], where: str = "type") -> tuple[str, ...]:
    """Type ids (class local names, ``kz:`` names or IRIs) as local names; 400 if unknown."""
    offered = get_schema().offered(get_name_index().kinds())
    kinds = tuple(t.removeprefix(KZ_NS).removeprefix("kz:") for t in types if t)
    for kind in kinds:
        if kind not in offered:
            raise ApiError(400, f"{where}: unknown type {kind!r}; the types are: "
                           + ", ".join(offered))
    return kinds


def _wants_json() -> bool:
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt not in ("json", "html"):
            raise ApiError(400, f"unknown format {fmt!r}; use ?format=json or ?format=html")
        return fmt == "json"
    if not request.headers.get("Accept"):
        return False
    best = request.accept_mimetypes.best_match([HTML, JSON])
    if best is None:
        raise ApiError(406, f"cannot answer in {request.headers.get('Accept')!r}; search "
                       f"results are available as {HTML} and {JSON}")
    return best == JSON


def _read_request() -> SearchRequest:
    lang = request.args.get("lang") or LANGUAGES[0]
    if lang not in LANGUAGES:
        raise ApiError(400, f"unknown language {lang!r}; use ?lang=" + ", ?lang=".join(LANGUAGES))
    types = [t for value in request.args.getlist("type") for t in value.split(",") if t]
    return SearchRequest(request.args.get("q", "").strip(), check_types(types), lang,
                         read_limit(request.args.get("limit")))


def result_of(match: Match, index: NameIndex, lang: str) -> dict[str, Any]:
    """One result as JSON: the entity, the label that matched and all its labels."""
    return {
        "id": match.iri, "url": local_path(match.iri) or match.iri,
        "label": index.label_in(match.iri, lang) or match.label,
        "matched": match.matched, "matched_lang": match.matched_lang,
        "labels": [{"lang": tag, "value": text} for tag, text in index.labels(match.iri)],
        "type": match.kind, "score": match.score, "exact": match.exact,
    }


@bp.get("/search")
def search() -> Response:
    wants_json = _wants_json()
    index = get_name_index()
    asked = _read_request()
    results = None
    if asked.query:
        results = [result_of(m, index, asked.lang) for m in index.search(
            asked.query, types=asked.types or None, lang=asked.lang, limit=asked.limit)]
    elif wants_json:
        raise ApiError(400, "the parameter q (the name to look for) is missing or empty")
    if wants_json:
        response = jsonify(query=asked.query, type=list(asked.types), lang=asked.lang,
                           limit=asked.limit, results=results)
    else:
        html = render_template("search.html", asked=asked, results=results,
                               kinds=get_schema().offered(index.kinds()), languages=LANGUAGES,
                               page_lang=asked.lang)
        response = Response(html, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response
