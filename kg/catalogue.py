"""The example queries in queries/*.rq, each with a title and a description in its header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DataError, DataProblem

HEADER = re.compile(r"^#\s*(\w+):\s*(.*?)\s*$")


@dataclass(frozen=True, slots=True)
class ExampleQuery:
    name: str  # the file name without .rq
    title: str
    description: str
    text: str  # the whole file, header included (a comment for SPARQL)


def load_queries(directory: Path) -> list[ExampleQuery]:
    """Read every .rq file; a missing title or description is an error naming the file."""
    queries: list[ExampleQuery] = []
    problems: list[DataProblem] = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header: dict[str, str] = {}
        for line in text.splitlines():
            match = HEADER.match(line)
            if not match:
                break
            header[match.group(1)] = match.group(2)
        for key in ("title", "description"):
            if not header.get(key):
                problems.append(DataProblem(path, 1, key, "missing from the header"))
        queries.append(ExampleQuery(path.stem, header.get("title", ""),
                                    header.get("description", ""), text))
    if problems:
        raise DataError(problems)
    return queries
