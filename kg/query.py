"""Running SPARQL on a store and showing results (readable tables for the CLI)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
)

from kg.vocab import PREFIXES

QueryResult = QuerySolutions | QueryBoolean | QueryTriples
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_PROLOGUE = re.compile(
    r"""\A(?:\s+|\#[^\n]*\n?|(?i:PREFIX)\s+[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>)*""", re.X
)


def run_query(
    store: Store, query: str, default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> QueryResult:
    """Run a query with the project's prefixes declared. Without a dataset given, the default
    graph is the union of all named graphs. Raises SyntaxError for an invalid query."""
    if default_graphs or named_graphs:
        return store.query(
            query, prefixes=PREFIXES,
            default_graph=[NamedNode(g) for g in default_graphs] or None,
            named_graphs=[NamedNode(g) for g in named_graphs] or None,
        )
    return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)


def looks_like_update(text: str) -> bool:
    """True when the text (after its prologue) starts with a SPARQL Update keyword."""
    rest = text[_PROLOGUE.match(text).end() :]  # type: ignore[union-attr]
    word = re.match(r"[A-Za-z]+", rest)
    return bool(word) and word.group(0).upper() in UPDATE_KEYWORDS  # type: ignore[union-attr]


def term_to_text(term: object) -> str:
    """A compact, readable form of an RDF term: prefixed IRIs, literal values with tags."""
    if isinstance(term, NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and re.fullmatch(r"[\w.-]*", term.value[len(ns):]):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return f"<<( {' '.join(term_to_text(t) for t in term)} )>>"
    return ""


def solutions_to_table(solutions: QuerySolutions, max_width: int = 80) -> str:
    """Results as an aligned text table with a row count."""
    names = [v.value for v in solutions.variables]
    rows = [[_clip(term_to_text(row[name]), max_width) for name in names] for row in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), line]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
