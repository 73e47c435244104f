"""Where the texts disagree: the rows of queries/disagreements.rq, grouped for reading.

The query is the one definition of a disagreement; the command and the endpoint's example
catalogue show the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolution, QuerySolutions, Store

from kg.query import run_query, term_to_text
from kg.vocab import BASE

QUERY_FILE = "disagreements.rq"
LANG_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
LABELS = """SELECT ?entity ?label WHERE {
  ?entity skos:prefLabel ?label . FILTER(LANGMATCHES(LANG(?label), ?lang))
}"""
# an event is named by its kind and its participants, e.g. "Performance: Viktor Tsoi, The Needle"
EVENT_LABELS = """SELECT ?entity (CONCAT(STRAFTER(STR(?type), STR(kz:)), ": ",
    GROUP_CONCAT(DISTINCT ?name; separator=", ")) AS ?label) WHERE {
  ?entity a ?type ; ?role ?participant . FILTER(?role != rdf:type)
  FILTER(STRSTARTS(STR(?entity), "https://w3id.org/kazcinema/id/event/"))
  ?participant skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), ?lang))
} GROUP BY ?entity ?type"""


@dataclass(frozen=True, slots=True)
class Side:
    value: str
    source: str
    quote: str
    claim: str


@dataclass(slots=True)
class Disagreement:
    subject: str
    predicate: str
    sides: list[Side] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({side.source for side in self.sides})


def disagreements(store: Store, queries_dir: Path, lang: str = "en") -> list[Disagreement]:
    """Every subject/property where claims differ, with each side's source and quote."""
    if not LANG_TAG.fullmatch(lang):
        raise ValueError(f"not a language tag: {lang!r} (e.g. en, kk, ru, kk-Latn)")
    text = (queries_dir / QUERY_FILE).read_text(encoding="utf-8")
    labels = _labels(store, lang)

    def show(term: object) -> str:
        if isinstance(term, NamedNode):
            name = labels.get(term.value)
            short = term.value.removeprefix(BASE + "id/")
            return f"{name} ({short})" if name else term_to_text(term)
        return term_to_text(term)

    result = run_query(store, text)
    assert isinstance(result, QuerySolutions)
    groups: dict[tuple[str, str], Disagreement] = {}
    for row in result:
        subject, prop = show(row["subject"]), term_to_text(row["property"])
        group = groups.setdefault((subject, prop), Disagreement(subject, prop))
        source = row["source"]
        group.sides.append(Side(
            show(row["value"]),
            source.value.rsplit("/", 1)[-1] if isinstance(source, NamedNode) else str(source),
            row["quote"].value if isinstance(row["quote"], Literal) else "",
            row["claim"].value if isinstance(row["claim"], NamedNode) else ""))
    return list(groups.values())


def _labels(store: Store, lang: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    fallback: dict[str, str] = {}
    rows: list[QuerySolution] = []
    for query in (LABELS.replace("?lang", '"*"'), EVENT_LABELS.replace("?lang", f'"{lang}"')):
        result = run_query(store, query)
        assert isinstance(result, QuerySolutions)
        rows.extend(result)
    for row in rows:
        entity, label = row["entity"], row["label"]
        if not isinstance(entity, NamedNode) or not isinstance(label, Literal):
            continue
        if label.language == lang:
            labels[entity.value] = label.value
        else:
            fallback.setdefault(entity.value, label.value)
    return {**fallback, **labels}


def format_report(found: list[Disagreement], width: int = 110) -> str:
    if not found:
        return "no disagreements: every subject and property has one value across the texts"
    lines = [f"{len(found)} subject/property pairs where the texts disagree:", ""]
    for item in found:
        lines.append(f"{item.subject}  {item.predicate}   [{', '.join(item.sources)}]")
        for side in item.sides:
            quote = " ".join(side.quote.split())
            quote = quote if len(quote) <= width else quote[: width - 1] + "…"
            lines.append(f"    {side.source}: {side.value}")
            lines.append(f"         “{quote}”")
        lines.append("")
    return "\n".join(lines)
