"""Reading YAML input files with the line of every key and item kept, for error messages."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from kg.errors import DataError, DataProblem


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with its file, 1-based line and dotted path (e.g. ``passages[3].quote``)."""

    value: Any
    file: Path
    line: int
    path: str

    def problem(self, message: str) -> DataProblem:
        return DataProblem(self.file, self.line, self.path, message)

    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def get(self, key: str) -> Node | None:
        """The child under ``key`` of a mapping, or None when absent."""
        if not isinstance(self.value, dict) or key not in self.value:
            return None
        line = self.line
        if isinstance(self.value, CommentedMap):
            line = self.value.lc.key(key)[0] + 1
        return Node(self.value[key], self.file, line, _join(self.path, key))

    def items(self) -> Iterator[tuple[str, Node]]:
        if isinstance(self.value, dict):
            for key in self.value:
                child = self.get(str(key)) if str(key) in self.value else None
                if child is None:  # non-string key: keep its line
                    child = Node(self.value[key], self.file, self.line, _join(self.path, str(key)))
                yield str(key), child

    def elements(self) -> Iterator[Node]:
        if isinstance(self.value, list):
            for i, item in enumerate(self.value):
                line = self.line
                if isinstance(self.value, CommentedSeq):
                    line = self.value.lc.item(i)[0] + 1
                yield Node(item, self.file, line, f"{self.path}[{i}]")

    def text(self) -> str | None:
        """The value as text when it is a scalar (numbers and dates written bare included)."""
        if self.value is None or isinstance(self.value, dict | list | bool):
            return None
        if isinstance(self.value, datetime.date):  # a bare 1961-01-06 is read as a date
            return self.value.isoformat()[:10]
        return str(self.value).strip()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_yaml(path: Path) -> Node:
    """Parse a YAML file; a syntax error becomes a DataError with the file and line."""
    yaml = YAML(typ="rt")
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise DataError([DataProblem(path, line, "", f"not valid YAML: {exc.problem}")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([DataProblem(path, 0, "", f"cannot read: {exc}")]) from exc
    return Node(data, path, 1, "")
