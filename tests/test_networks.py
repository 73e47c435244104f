"""The networks derived from the claims: edges with their sources and quotes, weights, the
period, source, relation and ego options, labels, metrics, and errors for bad options."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import Store

from kg.network_links import QUERIES
from kg.networks import (
    NETWORKS,
    RELATIONS,
    NetworkError,
    NetworkOptions,
    build_network,
    relation_names,
)
from kg.project import Project
from kg.store import open_read_only
from kg.vocab import entity_iri

WILD_EAST = entity_iri("film/the-wild-east")
SEVEN_SAMURAI = entity_iri("film/seven-samurai")
THE_NEEDLE = entity_iri("film/the-needle")
NEW_WAVE = entity_iri("movement/kazakh-new-wave")
MOSFILM = entity_iri("org/mosfilm")
VGIK = entity_iri("org/vgik")
ALMATY = entity_iri("place/almaty")
AIMANOV = entity_iri("person/shaken-aimanov")
KUANYSHBAEV = entity_iri("person/kalibek-kuanyshbaev")
ASHIMOV = entity_iri("person/asanali-ashimov")
NUGMANOV = entity_iri("person/rashid-nugmanov")
TSOI = entity_iri("person/viktor-tsoi")


@pytest.fixture(scope="module")
def store(built_project: Project) -> Store:
    return open_read_only(built_project.build.store)


def test_the_wild_east_is_based_on_seven_samurai_according_to_002(store: Store) -> None:
    graph = build_network(store, "influence")
    assert graph.is_directed()
    edge = graph.edges[WILD_EAST, SEVEN_SAMURAI]  # from the influenced to the influence
    assert edge["relation"] == "basedOn"
    assert edge["sources"] == "002"
    assert edge["source_count"] == 1
    assert edge["weight"] == 1.0
    assert edge["start"] == edge["end"] == 1993  # the film's release
    assert "loosely based on Akira Kurosawa's Seven Samurai" in edge["quotes"]
    assert re.fullmatch(r"(https://w3id\.org/kazcinema/claim/002-[0-9a-f]{16};?)+",
                        edge["claims"])
    assert not graph.has_edge(SEVEN_SAMURAI, WILD_EAST)
    assert graph.nodes[WILD_EAST]["kind"] == "Film"
    assert graph.nodes[WILD_EAST]["start"] == 1993
    assert graph.nodes[WILD_EAST]["url"] == "/id/film/the-wild-east"


def test_influence_holds_movements_evacuations_and_mergers(store: Store) -> None:
    graph = build_network(store, "influence")
    assert graph.edges[THE_NEEDLE, NEW_WAVE]["relation"] == "catalystOf"
    evacuation = graph.edges[MOSFILM, ALMATY]
    assert evacuation["relation"] == "evacuatedTo"
    assert evacuation["sources"] == "000;002"  # two texts, one event node each
    assert evacuation["source_count"] == 2 and evacuation["weight"] == 2.0
    assert graph.edges[MOSFILM, entity_iri("org/central-united-film-studio")][
        "relation"] == "mergedInto"
    assert set(relation_names(store, "influence")) == set(RELATIONS["influence"])


def test_collaboration_weight_is_the_number_of_films_shared(store: Store) -> None:
    graph = build_network(store, "collaboration")
    assert not graph.is_directed()
    # Abai's Songs (Абай әндері) and Altyn kerney: both in the cast of each (source 004)
    both = graph.edges[AIMANOV, KUANYSHBAEV]
    assert both["weight"] == 2.0
    assert both["relation"] == "workedWith"
    assert both["sources"] == "004"
    assert len(both["claims"].split(";")) >= 4  # two credits each
    # The End of the Ataman: Aimanov directed, Ashimov acted
    assert graph.edges[AIMANOV, ASHIMOV]["weight"] == 1.0
    # The Needle: a director and a performer (a performance event)
    assert graph.edges[NUGMANOV, TSOI]["weight"] == 1.0
    assert graph.edges[NUGMANOV, TSOI]["start"] == 1988
    assert all(graph.nodes[n]["kind"] == "Person" for n in graph)


def test_a_period_keeps_edges_inside_it_and_drops_those_outside(store: Store) -> None:
    nineties = build_network(store, "influence", NetworkOptions(start=1990, end=1999))
    assert nineties.has_edge(WILD_EAST, SEVEN_SAMURAI)  # 1993
    assert not nineties.has_edge(THE_NEEDLE, NEW_WAVE)  # 1988
    assert not nineties.has_edge(MOSFILM, ALMATY)  # undated: in no period
    eighties = build_network(store, "influence", NetworkOptions(start=1980, end=1989))
    assert eighties.has_edge(THE_NEEDLE, NEW_WAVE)
    assert not eighties.has_edge(WILD_EAST, SEVEN_SAMURAI)
    # an open-ended period: from 1990 on
    assert build_network(store, "influence", NetworkOptions(start=1990)).has_edge(
        WILD_EAST, SEVEN_SAMURAI)
    assert all(data["start"] <= 1999 and data["end"] >= 1990
               for *_, data in nineties.edges(data=True))


def test_excluding_a_source_drops_what_rests_on_it_alone(store: Store) -> None:
    full = build_network(store, "influence")
    without = build_network(store, "influence", NetworkOptions(exclude=frozenset({"002"})))
    assert full.has_edge(VGIK, ALMATY) and not without.has_edge(VGIK, ALMATY)
    assert not without.has_edge(WILD_EAST, SEVEN_SAMURAI)
    kept = without.edges[MOSFILM, ALMATY]  # told by 000 as well
    assert kept["sources"] == "000"
    assert kept["source_count"] == full.edges[MOSFILM, ALMATY]["source_count"] - 1 == 1
    assert "002-" not in kept["claims"]
    assert all("002" not in data["sources"].split(";") for *_, data in without.edges(data=True))
    only = build_network(store, "influence", NetworkOptions(sources=frozenset({"002"})))
    assert only.edges[MOSFILM, ALMATY]["sources"] == "002"
    assert {d["sources"] for *_, d in only.edges(data=True)} == {"002"}


def test_relations_option_keeps_only_those_relations(store: Store) -> None:
    graph = build_network(store, "influence", NetworkOptions(relations=frozenset({"basedOn"})))
    assert graph.number_of_edges() >= 4
    assert {d for *_, d in graph.edges(data="relation")} == {"basedOn"}


def test_ego_network_holds_the_neighbours_within_the_radius(store: Store) -> None:
    graph = build_network(store, "collaboration", NetworkOptions(ego="person/rashid-nugmanov"))
    assert set(graph) == {NUGMANOV, TSOI}
    wider = build_network(store, "collaboration", NetworkOptions(ego=ASHIMOV, radius=2))
    assert AIMANOV in wider and KUANYSHBAEV in wider  # Ashimov – Aimanov – Kuanyshbaev
    one = build_network(store, "collaboration", NetworkOptions(ego=ASHIMOV, radius=1))
    assert KUANYSHBAEV not in one
    assert set(one) == {ASHIMOV, *nx.all_neighbors(wider, ASHIMOV)}
    assert nx.is_connected(one)


def test_labels_follow_the_language_order_with_fallback(store: Store) -> None:
    kk = build_network(store, "influence", NetworkOptions(langs=("kk", "en")))
    en = build_network(store, "influence", NetworkOptions(langs=("en",)))
    ru = build_network(store, "collaboration", NetworkOptions(langs=("ru",)))
    assert en.nodes[MOSFILM]["label"] == "Mosfilm"
    assert kk.nodes[MOSFILM]["label"] != "Mosfilm"  # a Kazakh spelling
    assert kk.nodes[SEVEN_SAMURAI]["label"] == "Seven Samurai"  # no kk label: falls back
    assert ru.nodes[AIMANOV]["label"] == "Шакен Айманов"
    kk_collab = build_network(store, "collaboration", NetworkOptions(langs=("kk",)))
    assert kk_collab.nodes[AIMANOV]["label"] == "Шәкен Айманов"


@pytest.mark.parametrize("name", list(NETWORKS))
def test_every_node_has_its_attributes_and_metrics(store: Store, name: str) -> None:
    graph = build_network(store, name)
    assert graph.number_of_nodes() > 0 and graph.number_of_edges() > 0
    for node, attrs in graph.nodes(data=True):
        assert attrs["iri"] == node
        assert attrs["label"] and attrs["kind"] and attrs["url"].startswith("/id/")
        assert isinstance(attrs["degree"], int) and attrs["degree"] == graph.degree(node) >= 1
        assert isinstance(attrs["betweenness"], float)
        assert isinstance(attrs["pagerank"], float) and attrs["pagerank"] > 0
        assert isinstance(attrs["community"], int)
        assert None not in attrs.values()
    for *_, attrs in graph.edges(data=True):
        assert None not in attrs.values()
        assert attrs["source_count"] == len(attrs["sources"].split(";")) >= 1
        assert attrs["claims"] and attrs["quotes"]
    assert abs(sum(nx.get_node_attributes(graph, "pagerank").values()) - 1.0) < 1e-3


def test_metrics_are_deterministic(store: Store) -> None:
    first = build_network(store, "comention")
    second = build_network(store, "comention")
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))


def test_comention_links_entities_named_in_one_passage(store: Store) -> None:
    graph = build_network(store, "comention")
    edge = graph.edges[WILD_EAST, SEVEN_SAMURAI]
    assert edge["relation"] == "comentioned"
    assert edge["weight"] >= 1.0
    assert "002" in edge["sources"].split(";")
    assert graph.has_edge(WILD_EAST, NUGMANOV)


@pytest.mark.parametrize(("options", "option"), [
    (NetworkOptions(sources=frozenset({"009"})), "sources"),
    (NetworkOptions(exclude=frozenset({"7"})), "exclude"),
    (NetworkOptions(relations=frozenset({"director"})), "relations"),
    (NetworkOptions(ego="person/nobody-at-all"), "ego"),
    (NetworkOptions(ego=AIMANOV), "ego"),  # in the catalogue, not in the influence network
    (NetworkOptions(start=2000, end=1990), "start"),
    (NetworkOptions(radius=-1), "radius"),
    (NetworkOptions(langs=("not a tag",)), "langs"),
])
def test_bad_options_are_network_errors(store: Store, options: NetworkOptions,
                                        option: str) -> None:
    with pytest.raises(NetworkError) as info:
        build_network(store, "influence", options)
    assert info.value.option == option
    assert str(info.value)


def test_unknown_network_is_a_network_error(store: Store) -> None:
    with pytest.raises(NetworkError, match="unknown network 'friendship'"):
        build_network(store, "friendship")
    with pytest.raises(NetworkError):
        relation_names(store, "friendship")


def test_network_queries_use_only_declared_terms() -> None:
    ontology = Path(__file__).resolve().parents[1] / "ontology" / "kazcinema.ttl"
    ttl = ontology.read_text(encoding="utf-8")
    declared = set(re.findall(r"^kz:(\w+) a ", ttl, flags=re.M))
    used = {term for query in QUERIES for term in re.findall(r"\bkz:(\w+)", query)}
    used |= {term for names in RELATIONS.values() for term in names} - {
        "evacuatedTo", "mergedInto", "workedWith", "comentioned"}
    assert used and used <= declared, used - declared
