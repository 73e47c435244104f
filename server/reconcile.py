"""OpenRefine reconciliation service: the W3C Reconciliation Service API 0.2, at ``/reconcile``.

In OpenRefine: *Reconcile → Start reconciling… → Add Standard Service…* and give
``http://HOST:8000/reconcile``. Implemented:

- the service manifest (``GET /reconcile``);
- reconciliation query batches (``queries=``, GET or POST form), names matched in any script or
  spelling by ``kg.name_index``; types are the ontology's class local names (``Person``,
  ``Film``, ``Organisation``…, a class includes its subclasses) with ``type_strict`` ``any``
  (the default: the candidate has one of the types), ``all`` (every type) or ``should`` (other
  types allowed, 30 points less); property constraints from ``PROPERTIES`` (``releaseYear``,
  ``director`` by name or id, ``screenwriter``…: a value that agrees adds 10 points, one that
  disagrees takes 20 and forbids ``match``); scores 0–100 with ``features``; ``match`` is true
  only for a first candidate whose name matched confidently (exactly, or at or above
  ``CONFIDENT``), that no constraint contradicts and that is clearly ahead of the second: by
  ``MARGIN`` points, or matched exactly where the second did not;
- JSONP (``callback=``) on every GET; CORS is app-wide;
- previews (``/reconcile/preview?id=``), suggest for entities, types and properties;
- data extension: property proposals (``/reconcile/extend/propose?type=``) and ``extend=``
  queries, with a ``lang`` (names of entity values) and a ``limit`` (values per cell) setting.

Entity ids are IRIs less the identifier space ``https://w3id.org/kazcinema/id/``
(``person/shaken-aimanov``); type and property ids are local names in the schema space
``https://w3id.org/kazcinema/ontology#``. A query without ``query`` text finds nothing; an
unknown type or property is a 400. Not implemented: authentication, ``feature_view``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from kg.name_index import CONFIDENT, Match, NameIndex
from kg.vocab import KZ_NS
from server.entity_facts import (
    ID_SPACE,
    PROPERTIES,
    RANGE,
    READ,
    YEAR,
    Property,
    entity_id,
    entity_iri,
    facts_of,
    parse_types,
    property_named,
    value_name,
    values_of,
)
from server.errors import ApiError
from server.extension import extend, proposed
from server.search import (
    LANGUAGES,
    MAX_LIMIT,
    Schema,
    get_name_index,
    get_schema,
)

bp = Blueprint("reconcile", __name__)

DEFAULT_TYPES = ("Person", "Film", "Organisation", "TVSeries", "Place", "Festival", "Award")
DEFAULT_LIMIT = 5
MAX_QUERIES = 1000  # queries in a batch, ids in an extension query
MARGIN = 10.0  # points the first candidate must lead the second by to be a match
BONUS, PENALTY, TYPE_PENALTY = 10.0, 20.0, 30.0
CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){0,3}", re.ASCII)
STRICTNESS = ("any", "all", "should")


def _wanted(prop: Property, raw: Any, index: NameIndex) -> set[str | int]:
    """The values a constraint asks for, in the form ``values_of`` gives."""
    wanted: set[str | int] = set()
    for value in raw if isinstance(raw, list) else [raw]:
        if isinstance(value, dict):
            value = value.get("id", "")
            if prop.kind == "entity":
                wanted.add(entity_iri(str(value)))
                continue
        text = str(value).strip()
        if prop.kind == "year":
            if year := YEAR.match(text):
                wanted.add(int(year.group(1)))
        elif prop.kind == "entity":
            if index.entity(entity_iri(text)) is not None:
                wanted.add(entity_iri(text))
            wanted.update(m.iri for m in index.search(text, types=RANGE.get(prop.id), limit=3)
                          if m.exact or m.score >= CONFIDENT)
        elif text:
            wanted.add(text.casefold())
    return wanted


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    types: tuple[str, ...]
    strict: str
    limit: int
    constraints: tuple[tuple[Property, Any], ...]


@dataclass(slots=True)
class Candidate:
    match: Match
    score: float
    agrees: bool = True  # no constraint disagrees and the type is one asked for
    features: list[dict[str, Any]] = field(default_factory=list)


def reconcile_one(query: Query, index: NameIndex, schema: Schema) -> list[dict[str, Any]]:
    if not query.text.strip():
        return []
    allowed = schema.with_subclasses(query.types) if query.types else None
    narrowed = query.types if query.types and query.strict != "should" else None
    fetch = min(max(query.limit * 2, 10), MAX_LIMIT)
    matches = index.search(query.text, types=narrowed, lang="en", limit=fetch)
    wanted: dict[int, set[str | int]] = {}  # by constraint, read when first needed
    candidates = []
    for m in matches:
        ancestors = schema.ancestors(m.kind)
        if query.strict == "all" and not set(query.types) <= ancestors:
            continue
        candidate = Candidate(m, m.score, features=[
            {"id": "name", "value": round(m.score, 2)},
            {"id": "name_exact", "value": m.exact}])
        if allowed is not None and m.kind not in allowed:
            candidate.score -= TYPE_PENALTY
            candidate.agrees = False
        _constrain(candidate, query, wanted, index)
        candidates.append(candidate)
    candidates.sort(key=lambda c: -c.score)
    candidates = candidates[:query.limit]
    results = [_candidate_json(c, schema) for c in candidates]
    if results:
        best = candidates[0]
        confident = best.match.exact or best.match.score >= CONFIDENT
        ahead = len(candidates) < 2 or best.score - candidates[1].score >= MARGIN or (
            best.match.exact and not candidates[1].match.exact)
        results[0]["match"] = bool(confident and best.agrees and ahead)
    return results


def _constrain(candidate: Candidate, query: Query, wanted: dict[int, set[str | int]],
               index: NameIndex) -> None:
    if not query.constraints:
        return
    facts = facts_of(candidate.match.iri)
    for number, (prop, raw) in enumerate(query.constraints):
        have = values_of(prop, candidate.match.iri, facts, index)
        if not have:
            continue  # the texts say nothing: neither for nor against
        if number not in wanted:
            wanted[number] = _wanted(prop, raw, index)
        have_set = {v.casefold() if isinstance(v, str) and prop.kind != "entity" else v
                    for v in have}
        agrees = bool(wanted[number] & have_set)
        candidate.score += BONUS if agrees else -PENALTY
        candidate.agrees = candidate.agrees and agrees
        candidate.features.append({"id": prop.id, "value": agrees})


def _candidate_json(c: Candidate, schema: Schema) -> dict[str, Any]:
    m = c.match
    where = f" ({m.matched_lang})" if m.matched_lang else ""
    return {"id": entity_id(m.iri), "name": m.label,
            "type": [{"id": m.kind, "name": schema.name(m.kind)}],
            "score": round(max(0.0, min(100.0, c.score)), 2), "match": False,
            "description": f"{schema.name(m.kind)} · matched «{m.matched}»{where}",
            "features": c.features}


def _field(name: str) -> Any:
    raw = request.values.get(name, "")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"the {name!r} field is not valid JSON: {exc.msg} (line "
                       f"{exc.lineno}, column {exc.colno})") from None


def read_query(key: str, raw: Any) -> Query:
    where = f"queries: {key}"
    if not isinstance(raw, dict):
        raise ApiError(400, f"{where} must be an object with a query")
    text, limit = raw.get("query", ""), raw.get("limit", DEFAULT_LIMIT)
    strict = raw.get("type_strict", "any")
    if not isinstance(text, str):
        raise ApiError(400, f"{where}: query must be a string")
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1:
        raise ApiError(400, f"{where}: limit must be a positive number")
    if strict not in STRICTNESS:
        raise ApiError(400, f"{where}: type_strict must be one of " + ", ".join(STRICTNESS))
    constraints = raw.get("properties", [])
    if not isinstance(constraints, list) or not all(
            isinstance(c, dict) and "pid" in c and "v" in c for c in constraints):
        raise ApiError(400, f"{where}: properties must be a list of {{\"pid\": …, \"v\": …}}")
    return Query(text, parse_types(raw.get("type", []), where), strict,
                 min(int(limit), MAX_LIMIT),
                 tuple((property_named(c["pid"], where), c["v"]) for c in constraints))


def reply(payload: Any) -> Response:
    """JSON, or JSONP when a GET names a ``callback`` (a JavaScript identifier, checked)."""
    callback = request.args.get("callback") if request.method == "GET" else None
    if not callback:
        return jsonify(payload)
    if not CALLBACK.fullmatch(callback):
        raise ApiError(400, "callback must be a JavaScript identifier (letters, digits, _, $, "
                       "dots between names)")
    response = Response(f"/**/{callback}({json.dumps(payload)});",
                        mimetype="application/javascript")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    if "queries" in request.values:
        batch = _field("queries")
        if not isinstance(batch, dict):
            raise ApiError(400, "the 'queries' field must be a JSON object of queries")
        if len(batch) > MAX_QUERIES:
            raise ApiError(400, f"the 'queries' field has {len(batch)} queries; at most "
                           f"{MAX_QUERIES} a batch")
        schema, index = get_schema(), get_name_index()
        queries = {key: read_query(key, raw) for key, raw in batch.items()}
        return reply({key: {"result": reconcile_one(q, index, schema)}
                      for key, q in queries.items()})
    if "extend" in request.values:
        return reply(extend(_field("extend")))
    return reply(manifest())


def manifest() -> dict[str, Any]:
    root = request.host_url.rstrip("/")
    schema = get_schema()

    def service_at(path: str) -> dict[str, str]:
        return {"service_url": root, "service_path": path}

    return {
        "versions": ["0.2"], "name": "Kazcinema", "identifierSpace": ID_SPACE,
        "schemaSpace": KZ_NS, "documentation": root + "/",
        "view": {"url": root + "/id/{{id}}"},
        "preview": {"url": root + "/reconcile/preview?id={{id}}", "width": 420, "height": 260},
        "suggest": {"entity": service_at("/reconcile/suggest/entity"),
                    "type": service_at("/reconcile/suggest/type"),
                    "property": service_at("/reconcile/suggest/property")},
        "extend": {"propose_properties": service_at("/reconcile/extend/propose"),
                   "property_settings": [
                       {"type": "select", "name": "lang", "label": "Names in", "default": "en",
                        "help_text": "the language of the names of entity values",
                        "choices": [{"value": code, "name": code} for code in LANGUAGES]},
                       {"type": "number", "name": "limit", "label": "Values per cell",
                        "default": 0, "help_text": "at most this many values (0: all)"}]},
        "defaultTypes": [schema.type_json(kind) for kind in DEFAULT_TYPES
                         if kind in schema.names],
    }


@bp.get("/reconcile/preview")
def preview() -> Response:
    ident = request.args.get("id", "")
    index, schema = get_name_index(), get_schema()
    iri = entity_iri(ident)
    found = index.entity(iri) if ident else None
    if found is None:
        raise ApiError(404, f"no entity with id {ident!r}")
    kind, label = found
    facts = facts_of(iri)
    shown = [(prop.name, [value_name(v, index) for v in values_of(prop, iri, facts, index)][:5])
             for prop in READ if prop.id != "releaseDate"]
    html = render_template("preview.html", label=label, kind=schema.name(kind),
                           labels=index.labels(iri), facts=[(n, v) for n, v in shown if v],
                           url=request.host_url + "id/" + entity_id(iri))
    return Response(html, mimetype="text/html")


def _prefix() -> str:
    prefix = request.args.get("prefix", "").strip()
    if not prefix:
        raise ApiError(400, "the parameter prefix (the text typed so far) is missing or empty")
    return prefix


def _starts(prefix: str, *names: str) -> bool:
    folded = prefix.casefold()
    return any(word.startswith(folded) for name in names
               for word in (name.casefold(), *name.casefold().split()))


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    prefix, schema, index = _prefix(), get_schema(), get_name_index()
    types = parse_types(request.args.get("type", ""), "type") if request.args.get("type") \
        else ()
    cursor = int(request.args["cursor"]) if request.args.get("cursor", "").isdigit() else 0
    matches = index.search(prefix, types=types or None,
                           limit=min(cursor + 10, MAX_LIMIT))[cursor:]
    return reply({"result": [
        {"id": entity_id(m.iri), "name": m.label,
         "description": f"{schema.name(m.kind)} · «{m.matched}»",
         "notable": [{"id": m.kind, "name": schema.name(m.kind)}]} for m in matches]})


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    prefix, schema = _prefix(), get_schema()
    return reply({"result": [schema.type_json(kind)
                             for kind in schema.offered(get_name_index().kinds())
                             if _starts(prefix, kind, *schema.names[kind].values())]})


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    prefix = _prefix()
    return reply({"result": [{"id": p.id, "name": p.name} for p in PROPERTIES.values()
                             if _starts(prefix, p.id, p.name)]})


@bp.route("/reconcile/extend/propose", methods=["GET", "POST"])
def propose() -> Response:
    return reply(proposed(request.values.get("type", ""), request.values.get("limit", "")))


