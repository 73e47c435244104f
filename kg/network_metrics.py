"""Node metrics of a built network: degree, betweenness, PageRank, Louvain community.

Deterministic: the graph comes with its nodes in sorted order, Louvain runs with a fixed seed,
communities are numbered by size (largest first, ties by their first IRI), and the floats are
rounded, so the same store gives byte-identical exports.
"""

from __future__ import annotations

import networkx as nx

SEED = 20240601
DIGITS = 6


def add_metrics(graph: nx.Graph) -> None:
    """Set ``degree``, ``betweenness``, ``pagerank`` and ``community`` on every node."""
    betweenness = nx.betweenness_centrality(graph) if len(graph) else {}
    rank = pagerank(graph)
    community = communities(graph)
    for node, degree in graph.degree():
        attrs = graph.nodes[node]
        attrs["degree"] = int(degree)
        attrs["betweenness"] = round(float(betweenness.get(node, 0.0)), DIGITS)
        attrs["pagerank"] = round(rank.get(node, 0.0), DIGITS)
        attrs["community"] = community[node]


def communities(graph: nx.Graph) -> dict[str, int]:
    """Louvain communities (edge weight as strength), numbered 0… by decreasing size."""
    if graph.number_of_edges() == 0:
        found = [{node} for node in graph]
    else:
        found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    return {node: index for index, members in enumerate(ordered) for node in members}


def pagerank(graph: nx.Graph) -> dict[str, float]:
    """Weighted PageRank (networkx's, on scipy)."""
    if len(graph) == 0:
        return {}
    return {node: float(value) for node, value in nx.pagerank(graph, weight="weight").items()}
