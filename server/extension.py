"""Data extension for the reconciliation service: the properties proposed per type and the
values of ``extend=`` queries (W3C Reconciliation API 0.2, data extension)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.name_index import NameIndex
from server.entity_facts import (
    PROPERTIES,
    RANGE,
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
from server.search import LANGUAGES, get_name_index, get_schema

MAX_IDS = 1000  # ids in an extension query


def proposed(raw_type: str, limit: str) -> dict[str, Any]:
    """The properties offered for a type (all of them without one)."""
    schema = get_schema()
    kinds = parse_types(raw_type, "type") if raw_type else ()
    wanted = set().union(*(schema.ancestors(k) for k in kinds)) if kinds else None
    offered = [{"id": p.id, "name": p.name} for p in PROPERTIES.values()
               if wanted is None or not p.domain or wanted & set(p.domain)]
    if limit.isdigit() and int(limit) > 0:
        offered = offered[:int(limit)]
    return {"type": raw_type, "properties": offered} if raw_type else {"properties": offered}


def _column(raw: Any) -> tuple[Property, str, int]:
    """A property of an extension query with its settings: the names' language, the limit."""
    if not isinstance(raw, dict):
        raise ApiError(400, "extend: each property must be an object with an id")
    prop = property_named(raw.get("id"), "extend")
    settings = raw.get("settings")
    if not isinstance(settings, dict):
        settings = {}
    lang = str(settings.get("lang") or "en")
    try:
        limit = int(float(settings.get("limit") or 0))
    except (TypeError, ValueError):
        limit = -1
    if lang not in LANGUAGES or limit < 0:
        raise ApiError(400, f"extend: property {prop.id!r}: the setting lang must be one of "
                       f"{', '.join(LANGUAGES)} and limit a whole number (0: all)")
    return prop, lang, limit


def extend(query: Any) -> dict[str, Any]:
    """A data extension query's answer: ``meta`` (the columns) and ``rows`` (their cells)."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) \
            or not isinstance(query.get("properties"), list):
        raise ApiError(400, "the 'extend' field must be a JSON object with ids and properties")
    ids = [str(i) for i in query["ids"]]
    if len(ids) > MAX_IDS:
        raise ApiError(400, f"extend: {len(ids)} ids; at most {MAX_IDS} at once")
    columns = [_column(p) for p in query["properties"]]
    index, schema = get_name_index(), get_schema()
    meta = []
    for prop, _, _ in columns:
        column: dict[str, Any] = {"id": prop.id, "name": prop.name}
        if prop.id in RANGE:
            column["type"] = {"id": RANGE[prop.id][0], "name": schema.name(RANGE[prop.id][0])}
        meta.append(column)
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for ident in ids:
        iri = entity_iri(ident)
        known = index.entity(iri) is not None
        facts = facts_of(iri) if known else {}
        rows[ident] = {prop.id: _cells(prop, iri, facts, index, lang, limit) if known else []
                       for prop, lang, limit in columns}
    return {"meta": meta, "rows": rows}


def _cells(prop: Property, iri: str, facts: Mapping[str, list[Any]], index: NameIndex,
           lang: str, limit: int) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = []
    for value in values_of(prop, iri, facts, index):
        if isinstance(value, int):
            cells.append({"int": value})
        elif prop.kind == "entity":
            cells.append({"id": entity_id(value), "name": value_name(value, index, lang)})
        else:
            cells.append({"str": value})
    return cells[:limit] if limit else cells
