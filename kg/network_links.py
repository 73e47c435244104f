"""What the networks are made of, read from the store: links between two entities, memberships
of an entity in a group (a person in a film's crew, an entity in a passage), each with the
claims behind it; and what is known of each entity (class, labels, years).

Every query is fixed text; the only values put into one are ontology terms, through
``substitutions`` (Oxigraph binds only variables that the query selects, so they are
selected too). The store's default graph is not the union of the named graphs, so each
query names its graphs: ``GRAPH ?g`` for what a text states (``graph/NNN`` holds source NNN's
claims), ``kzgraph:entities`` for the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QuerySolution,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)

from kg.vocab import BASE, KZ_NS, PREFIXES

GRAPH_PREFIX = BASE + "graph/"
SOURCE_PREFIX = BASE + "source/"
# classes whose release year dates a relation they take part in (an adaptation, a credit)
WORK_KINDS = frozenset({"Film", "TVSeries", "CitedWork"})


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    """One claim: the source that makes it, its IRI and its exact words (ordered so)."""

    source: str
    claim: str
    quote: str


@dataclass(frozen=True, slots=True)
class Link:
    """A directed relation between two catalogue entities, from one statement or one event."""

    source: str
    target: str
    relation: str
    evidence: tuple[Evidence, ...]
    event: str = ""  # the event IRI, for links derived from an event's roles


@dataclass(frozen=True, slots=True)
class Membership:
    """An entity in a group (a person credited on a film; an entity named in a passage)."""

    member: str
    group: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Years:
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    iri: str
    kind: str
    labels: dict[str, str]  # language tag (lower case, as Oxigraph stores it) -> prefLabel


@dataclass(frozen=True, slots=True)
class Dated:
    """A year stated by one source about a resource (an entity, an event or a passage)."""

    resource: str
    role: str  # "start", "end" or "point"
    year: int
    source: str


# -- queries ---------------------------------------------------------------------------------

STATEMENTS = """SELECT ?s ?p ?o ?g ?claim ?quote WHERE {
  GRAPH ?g { ?s ?p ?o . ?claim rdf:reifies <<( ?s ?p ?o )>> ; kz:quote ?quote . }
  GRAPH kzgraph:entities { ?s a ?st . ?o a ?ot }
}"""

# an event's two roles as one link (an evacuation: organisation → toPlace); the claims behind
# the link are those of the two role triples and of the event's type
EVENT_ROLES = """SELECT ?type ?fromRole ?toRole ?e ?from ?to ?g ?claim ?quote WHERE {
  GRAPH ?g {
    ?e a ?type ; ?fromRole ?from ; ?toRole ?to .
    { ?claim rdf:reifies <<( ?e ?fromRole ?from )>> } UNION
    { ?claim rdf:reifies <<( ?e ?toRole ?to )>> } UNION
    { ?claim rdf:reifies <<( ?e rdf:type ?type )>> }
    ?claim kz:quote ?quote .
  }
  GRAPH kzgraph:entities { ?from a ?ft . ?to a ?tt }
}"""

# a person credited on a film by a property of the film (director, cast…)
FILM_CREDITS = """SELECT ?p ?film ?person ?g ?claim ?quote WHERE {
  GRAPH ?g { ?film ?p ?person . ?claim rdf:reifies <<( ?film ?p ?person )>> ; kz:quote ?quote }
  GRAPH kzgraph:entities { ?film a kz:Film . ?person a kz:Person }
}"""

# a person credited on a film by a property of the person (assistant to a film)
PERSON_CREDITS = """SELECT ?p ?film ?person ?g ?claim ?quote WHERE {
  GRAPH ?g { ?person ?p ?film . ?claim rdf:reifies <<( ?person ?p ?film )>> ; kz:quote ?quote }
  GRAPH kzgraph:entities { ?film a kz:Film . ?person a kz:Person }
}"""

# a performance: the performer and the film are two role triples of one event
PERFORMANCES = """SELECT ?film ?person ?g ?claim ?quote WHERE {
  GRAPH ?g {
    ?e a kz:Performance ; kz:performer ?person ; kz:film ?film .
    { ?claim rdf:reifies <<( ?e kz:performer ?person )>> } UNION
    { ?claim rdf:reifies <<( ?e kz:film ?film )>> }
    ?claim kz:quote ?quote .
  }
  GRAPH kzgraph:entities { ?film a kz:Film . ?person a kz:Person }
}"""

# every catalogue entity a claim names, as subject or object, with the claim's passage
MENTIONS = """SELECT ?entity ?passage ?g ?claim ?quote WHERE {
  GRAPH ?g {
    ?claim a kz:Claim ; kz:evidence ?passage ; kz:quote ?quote .
    { ?claim rdf:reifies <<( ?entity ?p ?o )>> } UNION { ?claim rdf:reifies <<( ?s ?p ?entity )>> }
  }
  GRAPH kzgraph:entities { ?entity a ?type }
}"""

DATES = """SELECT ?x ?p ?d ?g WHERE {
  VALUES ?p { kz:releaseDate kz:date kz:startDate kz:endDate }
  GRAPH ?g { ?x ?p ?d }
}"""

# a founding dates the organisation founded
FOUNDINGS = """SELECT ?org ?d ?g WHERE {
  GRAPH ?g { ?e a kz:Founding ; kz:organisation ?org ; kz:date ?d }
}"""

# the years a passage's claims state (releases, event dates, periods)
PASSAGE_DATES = """SELECT ?passage ?d ?g WHERE {
  VALUES ?p { kz:releaseDate kz:date kz:startDate kz:endDate }
  GRAPH ?g { ?claim kz:evidence ?passage ; rdf:reifies <<( ?x ?p ?d )>> }
}"""

ENTITIES = """SELECT ?e ?type ?label WHERE {
  GRAPH kzgraph:entities { ?e a ?type . OPTIONAL { ?e skos:prefLabel ?label } }
}"""

SOURCES = "SELECT ?src WHERE { GRAPH kzgraph:sources { ?src a kz:Source } }"

QUERIES = (STATEMENTS, EVENT_ROLES, FILM_CREDITS, PERSON_CREDITS, PERFORMANCES, MENTIONS, DATES,
           FOUNDINGS, PASSAGE_DATES, ENTITIES, SOURCES)


def _select(store: Store, query: str, **bindings: str) -> QuerySolutions:
    substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(name): NamedNode(iri) for name, iri in bindings.items()}
    result = store.query(query, prefixes=PREFIXES, substitutions=substitutions)
    assert isinstance(result, QuerySolutions)
    return result


def _source_id(graph: object) -> str:
    value = graph.value if isinstance(graph, NamedNode) else ""
    return value.removeprefix(GRAPH_PREFIX)


def _text(term: object) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else ""


def _year(term: object) -> int | None:
    text = _text(term)[:4]
    return int(text) if text.isdigit() else None


def _evidence(row: QuerySolution) -> Evidence:
    return Evidence(source=_source_id(row["g"]), claim=_text(row["claim"]),
                    quote=_text(row["quote"]))


# -- readers ---------------------------------------------------------------------------------


def read_statements(store: Store, prop: str) -> list[Link]:
    """One link per stated triple ``s kz:prop o`` between catalogue entities, per source."""
    grouped: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for row in _select(store, STATEMENTS, p=KZ_NS + prop):
        ev = _evidence(row)
        grouped[(_text(row["s"]), _text(row["o"]), ev.source)].append(ev)
    return [Link(s, o, prop, tuple(sorted(set(evs))))
            for (s, o, _), evs in sorted(grouped.items())]


def read_event_links(store: Store, event_class: str, from_role: str, to_role: str,
                     relation: str) -> list[Link]:
    """One link per event of ``event_class``: from its ``from_role`` to its ``to_role``."""
    grouped: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    rows = _select(store, EVENT_ROLES, type=KZ_NS + event_class, fromRole=KZ_NS + from_role,
                   toRole=KZ_NS + to_role)
    for row in rows:
        grouped[(_text(row["e"]), _text(row["from"]), _text(row["to"]))].append(_evidence(row))
    return [Link(u, v, relation, tuple(sorted(set(evs))), event=e)
            for (e, u, v), evs in sorted(grouped.items())]


def read_credits(store: Store, film_properties: Iterable[str],
                 person_properties: Iterable[str]) -> list[Membership]:
    """People credited on films: by a film's property, a person's property, or a performance."""
    rows: list[tuple[str, str, Evidence]] = []
    for prop in film_properties:
        rows += [(_text(r["person"]), _text(r["film"]), _evidence(r))
                 for r in _select(store, FILM_CREDITS, p=KZ_NS + prop)]
    for prop in person_properties:
        rows += [(_text(r["person"]), _text(r["film"]), _evidence(r))
                 for r in _select(store, PERSON_CREDITS, p=KZ_NS + prop)]
    rows += [(_text(r["person"]), _text(r["film"]), _evidence(r))
             for r in _select(store, PERFORMANCES)]
    return _memberships(rows)


def read_mentions(store: Store) -> list[Membership]:
    """Catalogue entities named by the claims of each passage."""
    rows = [(_text(r["entity"]), _text(r["passage"]), _evidence(r))
            for r in _select(store, MENTIONS)]
    return _memberships(rows)


def _memberships(rows: Iterable[tuple[str, str, Evidence]]) -> list[Membership]:
    grouped: dict[tuple[str, str], set[Evidence]] = defaultdict(set)
    for member, group, ev in rows:
        grouped[(member, group)].add(ev)
    return [Membership(m, g, tuple(sorted(evs)))
            for (m, g), evs in sorted(grouped.items())]


def read_dates(store: Store) -> list[Dated]:
    """Years stated about entities and events (release, date, start, end, founding)."""
    roles = {"releaseDate": "start", "date": "point", "startDate": "start", "endDate": "end"}
    dated: list[Dated] = []
    for row in _select(store, DATES):
        year = _year(row["d"])
        if year is not None:
            role = roles[_text(row["p"]).removeprefix(KZ_NS)]
            dated.append(Dated(_text(row["x"]), role, year, _source_id(row["g"])))
    for row in _select(store, FOUNDINGS):
        year = _year(row["d"])
        if year is not None:
            dated.append(Dated(_text(row["org"]), "start", year, _source_id(row["g"])))
    return dated


def read_passage_dates(store: Store) -> list[Dated]:
    """The years that the claims of each passage state."""
    dated = []
    for row in _select(store, PASSAGE_DATES):
        year = _year(row["d"])
        if year is not None:
            dated.append(Dated(_text(row["passage"]), "point", year, _source_id(row["g"])))
    return dated


def read_entities(store: Store) -> dict[str, Entity]:
    """The catalogue: each entity's class (local name) and prefLabel per language."""
    kinds: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _select(store, ENTITIES):
        iri = _text(row["e"])
        kind = _text(row["type"])
        if kind.startswith(KZ_NS):
            kinds[iri].add(kind.removeprefix(KZ_NS))
        label = row["label"]
        if isinstance(label, Literal) and label.language:
            labels[iri][label.language.lower()] = label.value
    return {iri: Entity(iri, sorted(k)[0], dict(sorted(labels[iri].items())))
            for iri, k in sorted(kinds.items())}


def read_source_ids(store: Store) -> list[str]:
    return sorted(_text(r["src"]).removeprefix(SOURCE_PREFIX) for r in _select(store, SOURCES))


def years_by_resource(dated: Iterable[Dated], keep: frozenset[str] | None) -> dict[str, Years]:
    """Each resource's years from the sources kept (all when ``keep`` is None): the earliest
    start or point, and the latest end (or point, when the resource has an end or several
    points, as an event with a date range)."""
    starts: dict[str, list[int]] = defaultdict(list)
    ends: dict[str, list[int]] = defaultdict(list)
    for d in dated:
        if keep is not None and d.source not in keep:
            continue
        if d.role in ("start", "point"):
            starts[d.resource].append(d.year)
        if d.role in ("end", "point"):
            ends[d.resource].append(d.year)
    out: dict[str, Years] = {}
    for resource in sorted(starts.keys() | ends.keys()):
        first = min(starts[resource]) if starts[resource] else None
        last = max(ends[resource]) if ends[resource] else None
        out[resource] = Years(first, last)
    return out

