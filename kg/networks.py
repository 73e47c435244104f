"""The networks historians study, derived from the claims: influence, training, collaboration,
co-mention. Built in networkx with node metrics; exported by ``kg.export``.

Every edge keeps the claims behind it: ``sources`` (ids, ";"-joined), ``claims`` (claim IRIs),
``quotes`` (the texts' words, " | "-joined) and ``source_count``.

**influence** (directed, from the influenced to the influence, as the property reads: a film
→ the work it is based on):

- ``influencedBy``, ``basedOn`` (adaptation of a literary work or a remake of a film),
  ``catalystOf`` (a work or person → the movement it set off), ``partOfMovement`` (a work →
  the movement that shaped it);
- ``evacuatedTo``: an ``Evacuation`` event, its ``organisation`` → its ``toPlace``. The data
  records evacuations into a city, not into a studio; the studio they were merged into is
- ``mergedInto``: a ``Merger`` event, each ``participant`` → its ``result`` (Mosfilm,
  Lenfilm and the Alma-Ata studio → the Central United Film Studio).

Considered and left out: ``namedAfter`` (an homage, not an influence), ``cites`` (a source's
bibliography: not between catalogue entities), ``associatedWith`` (the ontology's vague link:
the text does not say what kind), ``notableWork`` (known for a film, in no stated role).

**training** (directed, the trainee → the school or teacher): ``educatedAt``, ``studentOf``,
``assistantTo``. The fact files use only ``assistantTo`` so far (two claims), so this
network is small; nothing is inferred to fill it.

**collaboration** (undirected): two people who worked on the same film, the one-mode
projection of the person–film graph. Credits: the film's ``director``, ``screenwriter``,
``producer``, ``composer``, ``castMember`` (people only, not groups or studios), a
``Performance`` event's ``performer``, and a person's ``assistantTo`` a film. ``weight`` = the
number of films the two share; the claims are those of both people's credits on those films.

**comention** (undirected): two catalogue entities named by claims of the same passage (as
the subject, or as an IRI object, of a claim whose ``evidence`` is that passage; an event's
role claims name its participants). ``weight`` = the number of passages they share.

Years. A node's ``start``/``end``: a work's release year; an organisation's founding; a
``startDate``/``endDate`` where a text gives one (the ontology has no birth or death dates,
so people have years only when a text dates them so). An edge's years: an event's dates for
event links; otherwise the release year of its work end (the subject first: *The Wild East*,
1993, for its adaptation of *Seven Samurai*); for collaboration the first and last release
year of the shared films; for co-mention the years that the shared passages' claims state.
Undated edges stay in the network, but a period (``start``/``end``) keeps only edges whose
years overlap it, so an undated edge is left out of every period: the texts do not place it
in time. A decade is a period: ``--start 1960 --end 1969``.

Options apply in this order: sources (each claim is kept if its source is included and not
excluded; a link or credit with no claim left goes, the weights are recounted), relations,
period, ego network (radius counted on the undirected graph); then the metrics
(``kg.network_metrics``) are computed on what is left.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import combinations

import networkx as nx
from pyoxigraph import Store

from kg.network_links import (
    WORK_KINDS,
    Entity,
    Evidence,
    Link,
    Membership,
    Years,
    read_credits,
    read_dates,
    read_entities,
    read_event_links,
    read_mentions,
    read_passage_dates,
    read_source_ids,
    read_statements,
    years_by_resource,
)
from kg.network_metrics import add_metrics
from kg.vocab import BASE, entity_iri

NETWORKS: dict[str, str] = {
    "influence": "based on, influenced by, catalyst or part of a movement, studios evacuated "
                 "and merged (directed: the influenced → the influence)",
    "training": "educated at, student of, assistant to (directed: the trainee → the teacher, "
                "school or film)",
    "collaboration": "people who worked on the same film (weight: films shared)",
    "comention": "entities named in the same passage of a text (weight: passages shared)",
}
DIRECTED = frozenset({"influence", "training"})
INFLUENCE_PROPERTIES = ("influencedBy", "basedOn", "catalystOf", "partOfMovement")
# (event class, from role, to role, relation)
INFLUENCE_EVENTS = (("Evacuation", "organisation", "toPlace", "evacuatedTo"),
                    ("Merger", "participant", "result", "mergedInto"))
TRAINING_PROPERTIES = ("educatedAt", "studentOf", "assistantTo")
FILM_CREDITS = ("director", "screenwriter", "producer", "composer", "castMember")
PERSON_CREDITS = ("assistantTo",)
RELATIONS: dict[str, tuple[str, ...]] = {
    "influence": (*INFLUENCE_PROPERTIES, *(e[3] for e in INFLUENCE_EVENTS)),
    "training": TRAINING_PROPERTIES,
    "collaboration": ("workedWith",),
    "comention": ("comentioned",),
}
DEFAULT_LANGS = ("en", "kk", "ru")
LANG_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
QUOTE_CHARS = 400  # each quote is cut to this many characters
QUOTES_PER_EDGE = 12  # and an edge lists at most this many (its claims list them all)


@dataclass(frozen=True, slots=True)
class NetworkOptions:
    langs: tuple[str, ...] = DEFAULT_LANGS  # label fallback order
    start: int | None = None  # period: keep edges whose years overlap [start, end]
    end: int | None = None
    sources: frozenset[str] | None = None  # source ids to include (None: all)
    exclude: frozenset[str] = frozenset()  # source ids to leave out (source sensitivity)
    relations: frozenset[str] | None = None  # relation names to keep (None: all)
    ego: str | None = None  # entity IRI (or id such as "person/shaken-aimanov"): its ego network
    radius: int = 1


class NetworkError(ValueError):
    """A bad option; the message is for the user, ``option`` names the option at fault."""

    def __init__(self, message: str, option: str = "") -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True, slots=True)
class Edge:
    u: str
    v: str
    relations: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    years: Years
    weight: float


def build_network(store: Store, name: str,
                  options: NetworkOptions = NetworkOptions()) -> nx.Graph | nx.DiGraph:
    """The network ``name`` with ``options`` applied and metrics on every node."""
    if name not in NETWORKS:
        raise NetworkError(f"unknown network {name!r}; the networks are "
                           f"{', '.join(NETWORKS)}", "network")
    langs = _check_options(name, options)
    entities = read_entities(store)
    ego = _ego_iri(options.ego, entities) if options.ego is not None else None
    keep = _kept_sources(store, options)
    node_years = years_by_resource(read_dates(store), keep)
    if name in DIRECTED:
        edges = _linked_edges(_read_links(store, name), keep, options.relations, node_years,
                              entities)
    elif name == "collaboration":
        edges = _projected_edges(read_credits(store, FILM_CREDITS, PERSON_CREDITS), keep,
                                 node_years, "workedWith", options.relations)
    else:
        passage_years = years_by_resource(read_passage_dates(store), keep)
        edges = _projected_edges(read_mentions(store), keep, passage_years, "comentioned",
                                 options.relations)
    edges = [e for e in edges if _in_period(e.years, options.start, options.end)]
    graph = _graph(name, edges, entities, node_years, langs)
    if ego is not None:
        if ego not in graph:
            raise NetworkError(f"{ego} is not in the {name} network with these options", "ego")
        graph = _sorted_copy(nx.ego_graph(graph, ego, radius=options.radius, undirected=True))
    add_metrics(graph)
    return graph


def relation_names(store: Store, name: str) -> list[str]:
    """The relations that occur in the network ``name`` (for filters in a user interface)."""
    if name not in NETWORKS:
        raise NetworkError(f"unknown network {name!r}", "network")
    if name not in DIRECTED:  # one derived relation, no need to build the projection
        return list(RELATIONS[name])
    graph = build_network(store, name)
    found = {r for _, _, rel in graph.edges(data="relation") for r in str(rel).split(";")}
    return [r for r in RELATIONS[name] if r in found]


def entity_ref_to_iri(ref: str) -> str:
    """An entity IRI from an IRI, an entity page path (/id/…) or an id (person/…)."""
    if ref.startswith(("http://", "https://")):
        return ref
    return entity_iri(ref.removeprefix("/").removeprefix("id/"))


# -- options ---------------------------------------------------------------------------------


def _check_options(name: str, options: NetworkOptions) -> tuple[str, ...]:
    langs = tuple(lang.strip().lower() for lang in options.langs)
    bad = [lang for lang in langs if not LANG_TAG.fullmatch(lang)]
    if not langs or bad:
        raise NetworkError(f"not a language tag: {', '.join(map(repr, bad)) or 'none given'} "
                           "(e.g. en, kk, ru, kk-Latn)", "langs")
    if options.start is not None and options.end is not None and options.start > options.end:
        raise NetworkError(f"the period starts ({options.start}) after it ends "
                           f"({options.end})", "start")
    if options.radius < 0:
        raise NetworkError(f"the radius must be 0 or more, not {options.radius}", "radius")
    if options.relations is not None:
        unknown = sorted(options.relations - set(RELATIONS[name]))
        if unknown:
            raise NetworkError(f"unknown relation {', '.join(unknown)} in the {name} network; "
                               f"its relations are {', '.join(RELATIONS[name])}", "relations")
    return langs


def _kept_sources(store: Store, options: NetworkOptions) -> frozenset[str]:
    known = read_source_ids(store)
    for option, given in (("sources", options.sources or frozenset()),
                          ("exclude", options.exclude)):
        unknown = sorted(given - set(known))
        if unknown:
            raise NetworkError(f"unknown source {', '.join(unknown)}; the sources are "
                               f"{', '.join(known)}", option)
    included = options.sources if options.sources is not None else frozenset(known)
    return included - options.exclude


def _ego_iri(ref: str, entities: dict[str, Entity]) -> str:
    iri = entity_ref_to_iri(ref.strip())
    if iri not in entities:
        raise NetworkError(f"no entity {ref!r} in the catalogue", "ego")
    return iri


def _in_period(years: Years, start: int | None, end: int | None) -> bool:
    if start is None and end is None:
        return True
    if years.start is None:
        return False
    last = years.end if years.end is not None else years.start
    return (end is None or years.start <= end) and (start is None or last >= start)


# -- edges -----------------------------------------------------------------------------------


def _read_links(store: Store, name: str) -> list[Link]:
    if name == "training":
        return [link for p in TRAINING_PROPERTIES for link in read_statements(store, p)]
    links = [link for p in INFLUENCE_PROPERTIES for link in read_statements(store, p)]
    for event_class, from_role, to_role, relation in INFLUENCE_EVENTS:
        links += read_event_links(store, event_class, from_role, to_role, relation)
    return links


def _kept(evidence: Iterable[Evidence], keep: frozenset[str]) -> tuple[Evidence, ...]:
    return tuple(ev for ev in evidence if ev.source in keep)


def _link_years(link: Link, years: dict[str, Years], entities: dict[str, Entity]) -> Years:
    if link.event:
        return years.get(link.event, Years())
    for end in (link.source, link.target):
        entity = entities.get(end)
        if entity is not None and entity.kind in WORK_KINDS and end in years:
            return years[end]
    return Years()


def _span(spans: Iterable[Years]) -> Years:
    starts = [y.start for y in spans if y.start is not None]
    ends = [y.end if y.end is not None else y.start for y in spans if y.start is not None]
    return Years(min(starts), max(e for e in ends if e is not None)) if starts else Years()


def _linked_edges(links: list[Link], keep: frozenset[str], relations: frozenset[str] | None,
                  years: dict[str, Years], entities: dict[str, Entity]) -> list[Edge]:
    grouped: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in links:
        evidence = _kept(link.evidence, keep)
        if evidence and link.source != link.target and (
                relations is None or link.relation in relations):
            grouped[(link.source, link.target)].append(replace(link, evidence=evidence))
    edges = []
    for (u, v), group in sorted(grouped.items()):
        evidence = tuple(sorted({ev for link in group for ev in link.evidence}))
        span = _span([_link_years(link, years, entities) for link in group])
        edges.append(Edge(u, v, tuple(sorted({link.relation for link in group})), evidence,
                          span, float(len({ev.source for ev in evidence}))))
    return edges


def _projected_edges(memberships: list[Membership], keep: frozenset[str],
                     group_years: dict[str, Years], relation: str,
                     relations: frozenset[str] | None) -> list[Edge]:
    """The one-mode projection: members that share a group, weighted by groups shared."""
    if relations is not None and relation not in relations:
        return []
    members: dict[str, dict[str, tuple[Evidence, ...]]] = defaultdict(dict)
    for m in memberships:
        evidence = _kept(m.evidence, keep)
        if evidence:
            members[m.group][m.member] = evidence
    shared: dict[tuple[str, str], dict[str, set[Evidence]]] = defaultdict(dict)
    for group, found in members.items():
        for u, v in combinations(sorted(found), 2):
            shared[(u, v)][group] = set(found[u]) | set(found[v])
    edges = []
    for (u, v), groups in sorted(shared.items()):
        evidence = tuple(sorted(set().union(*groups.values())))
        span = _span([group_years[g] for g in groups if g in group_years])
        edges.append(Edge(u, v, (relation,), evidence, span, float(len(groups))))
    return edges


# -- the graph -------------------------------------------------------------------------------


def _graph(name: str, edges: list[Edge], entities: dict[str, Entity],
           years: dict[str, Years], langs: tuple[str, ...]) -> nx.Graph:
    graph: nx.Graph = nx.DiGraph() if name in DIRECTED else nx.Graph()
    graph.graph["name"] = name
    graph.graph["description"] = NETWORKS[name]
    for iri in sorted({e.u for e in edges} | {e.v for e in edges}):
        entity = entities[iri]
        attrs: dict[str, str | int] = {
            "iri": iri, "label": choose_label(entity, langs), "kind": entity.kind,
            "url": "/" + iri.removeprefix(BASE)}
        span = years.get(iri, Years())
        if span.start is not None:
            attrs["start"] = span.start
        if span.end is not None:
            attrs["end"] = span.end
        graph.add_node(iri, **attrs)
    for edge in edges:
        graph.add_edge(edge.u, edge.v, **_edge_attributes(edge))
    return graph


def _edge_attributes(edge: Edge) -> dict[str, str | int | float]:
    sources = sorted({ev.source for ev in edge.evidence})
    quotes = sorted({ev.quote for ev in edge.evidence})
    shown = [q if len(q) <= QUOTE_CHARS else q[: QUOTE_CHARS - 1] + "…"
             for q in quotes[:QUOTES_PER_EDGE]]
    if len(quotes) > QUOTES_PER_EDGE:
        shown.append(f"… ({len(quotes) - QUOTES_PER_EDGE} more)")
    attrs: dict[str, str | int | float] = {
        "relation": ";".join(edge.relations),
        "sources": ";".join(sources),
        "claims": ";".join(sorted({ev.claim for ev in edge.evidence})),
        "quotes": " | ".join(shown),
        "source_count": len(sources),
        "weight": edge.weight,
    }
    if edge.years.start is not None:
        attrs["start"] = edge.years.start
        attrs["end"] = edge.years.end if edge.years.end is not None else edge.years.start
    return attrs


def choose_label(entity: Entity, langs: tuple[str, ...]) -> str:
    """The prefLabel in the first of ``langs`` that has one (a tag also matches its subtags:
    ``kk`` finds ``kk-Latn``), then in en, kk, ru, then any; else the IRI's last part."""
    for lang in (*langs, *DEFAULT_LANGS):
        if lang in entity.labels:
            return entity.labels[lang]
        for tag, label in entity.labels.items():
            if tag.startswith(lang + "-"):
                return label
    if entity.labels:
        return next(iter(entity.labels.values()))
    return entity.iri.rsplit("/", 1)[-1]


def _sorted_copy(graph: nx.Graph) -> nx.Graph:
    """The same graph with nodes and edges inserted in sorted order (deterministic output)."""
    copy: nx.Graph = graph.__class__()
    copy.graph.update(graph.graph)
    copy.add_nodes_from(sorted(graph.nodes(data=True)))
    copy.add_edges_from(sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])))
    return copy
