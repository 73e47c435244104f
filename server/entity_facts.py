"""What the reconciliation service knows of an entity beyond its names: the properties it
offers for constraints and data extension, read with one parameterised SPARQL query."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, Variable

from kg.name_index import NameIndex
from kg.vocab import BASE, KZ_NS, SKOS_NS
from server.errors import ApiError
from server.search import check_types
from server.state import get_state

ID_SPACE = BASE + "id/"
YEAR = re.compile(r"\s*(-?\d{4})")


@dataclass(frozen=True, slots=True)
class Property:
    """A property offered for constraints and data extension (``kind``: how values compare)."""

    id: str
    name: str
    predicate: str
    kind: str  # "entity", "year", "text", "label"
    domain: tuple[str, ...]  # the classes it is proposed for
    inverse: bool = False  # the entity is the object: "films directed" is ^kz:director


PROPERTIES: dict[str, Property] = {p.id: p for p in (
    Property("releaseYear", "release year", KZ_NS + "releaseDate", "year", ("Film", "TVSeries")),
    Property("releaseDate", "release date (as precise as the texts)", KZ_NS + "releaseDate",
             "text", ("Film", "TVSeries")),
    Property("director", "director", KZ_NS + "director", "entity", ("Film", "TVSeries")),
    Property("screenwriter", "screenwriter", KZ_NS + "screenwriter", "entity",
             ("Film", "TVSeries")),
    Property("producer", "producer", KZ_NS + "producer", "entity", ("Film", "TVSeries")),
    Property("composer", "composer", KZ_NS + "composer", "entity", ("Film", "TVSeries")),
    Property("castMember", "cast member", KZ_NS + "castMember", "entity", ("Film", "TVSeries")),
    Property("productionCompany", "studio (production company)", KZ_NS + "productionCompany",
             "entity", ("Film", "TVSeries")),
    Property("directed", "films directed", KZ_NS + "director", "entity", ("Person",),
             inverse=True),
    Property("occupation", "occupation", KZ_NS + "occupation", "text", ("Person",)),
    Property("educatedAt", "educated at", KZ_NS + "educatedAt", "entity", ("Person",)),
    Property("memberOf", "member of", KZ_NS + "memberOf", "entity", ("Person",)),
    Property("worksFor", "works for", KZ_NS + "worksFor", "entity", ("Person",)),
    *(Property(f"label_{lang}", f"name ({name})", SKOS_NS + "prefLabel", "label", ())
      for lang, name in (("en", "English"), ("kk", "Kazakh"), ("ru", "Russian"))),
)}
RANGE: dict[str, tuple[str, ...]] = {  # the classes an entity-valued property points to
    "director": ("Person",), "screenwriter": ("Person",), "producer": ("Person",),
    "composer": ("Person",), "castMember": ("Person",), "productionCompany": ("Organisation",),
    "directed": ("Film", "TVSeries"), "educatedAt": ("Organisation",),
    "memberOf": ("Organisation",), "worksFor": ("Organisation",),
}
READ = [p for p in PROPERTIES.values() if p.kind != "label"]
# the values of every property in PROPERTIES for one entity ?e (selected: Oxigraph substitutes
# only selected variables); only ?e is ever substituted, the rest is fixed text
FACTS_QUERY = (
    "SELECT DISTINCT ?e ?p ?v ?inverse WHERE { { VALUES ?p { "
    + " ".join(sorted({f"<{p.predicate}>" for p in READ if not p.inverse}))
    + " } ?e ?p ?v BIND(false AS ?inverse) } UNION { VALUES ?p { "
    + " ".join(sorted({f"<{p.predicate}>" for p in READ if p.inverse}))
    + " } ?v ?p ?e BIND(true AS ?inverse) } }"
)


def entity_id(iri: str) -> str:
    return iri[len(ID_SPACE):] if iri.startswith(ID_SPACE) else iri


def entity_iri(ident: str) -> str:
    return ident if ident.startswith(ID_SPACE) else ID_SPACE + ident.lstrip("/")


def facts_of(iri: str) -> dict[str, list[Any]]:
    """Every ``PROPERTIES`` value of one entity (SPARQL with ``?e`` substituted, not spliced)."""
    facts: dict[str, list[Any]] = {}
    try:
        node = NamedNode(iri)
    except ValueError:
        return facts
    rows = get_state().store.query(FACTS_QUERY, substitutions={Variable("e"): node},
                                   use_default_graph_as_union=True)
    for row in rows:  # type: ignore[union-attr]
        inverse = isinstance(row["inverse"], Literal) and row["inverse"].value == "true"
        for prop in READ:
            if prop.predicate == row["p"].value and prop.inverse == inverse:
                facts.setdefault(prop.id, []).append(row["v"])
    return facts


def values_of(prop: Property, iri: str, facts: Mapping[str, list[Any]],
              index: NameIndex) -> list[str | int]:
    """A property's values as plain data: entity IRIs, years, texts."""
    if prop.kind == "label":
        lang = prop.id.removeprefix("label_")
        return [text for tag, text in index.labels(iri) if tag == lang]
    found: list[str | int] = []
    for term in facts.get(prop.id, []):
        if prop.kind == "year":
            year = YEAR.match(term.value)
            value: str | int | None = int(year.group(1)) if year else None
        elif prop.kind == "entity":
            value = term.value if isinstance(term, NamedNode) and term.value.startswith(
                ID_SPACE) else None
        else:
            value = term.value
        if value is not None and value not in found:
            found.append(value)
    return found


def value_name(value: str | int, index: NameIndex, lang: str = "en") -> str:
    if isinstance(value, str) and value.startswith(ID_SPACE):
        return index.label_in(value, lang) or entity_id(value)
    return str(value)


def property_named(pid: Any, where: str) -> Property:
    key = str(pid).removeprefix(KZ_NS).removeprefix("kz:")
    if key not in PROPERTIES:
        raise ApiError(400, f"{where}: unknown property {pid!r}; the properties are: "
                       + ", ".join(PROPERTIES))
    return PROPERTIES[key]


def parse_types(raw: Any, where: str) -> tuple[str, ...]:
    types = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if types is None or not all(isinstance(t, str) for t in types):
        raise ApiError(400, f"{where}: type must be a type id or a list of them")
    return check_types(types, where)
