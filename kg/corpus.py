"""The source texts: metadata from data/sources.yaml, the texts themselves, finding quotes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DataError, DataProblem
from kg.yamldoc import Node, load_yaml

LANGUAGES = frozenset({"en", "kk", "ru", "kk-Latn", "ru-Latn", "tr", "fr"})
CONTEXT = 32  # characters of prefix/suffix kept in a TextQuoteSelector


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    file: Path
    title: str
    authors: tuple[str, ...]
    languages: tuple[str, ...]
    kind: str
    rights: str
    sha256: str
    note: str
    text: str  # NFC-normalised; offsets count code points of this string


@dataclass(frozen=True, slots=True)
class Span:
    """Where a quote is in a source's NFC text: [start, end) and its surroundings."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def load_sources(data_dir: Path) -> dict[str, Source]:
    """Read data/sources.yaml and every text it names; checks each text's SHA-256."""
    path = data_dir / "sources.yaml"
    doc = load_yaml(path)
    problems: list[DataProblem] = []
    sources: dict[str, Source] = {}
    if not doc.is_list():
        raise DataError([doc.problem("expected a list of sources")])
    for item in doc.elements():
        source = _read_source(item, data_dir, problems)
        if source is None:
            continue
        if source.id in sources:
            problems.append(item.problem(f"source id {source.id!r} given twice"))
        sources[source.id] = source
    if problems:
        raise DataError(problems)
    return sources


def _required(item: Node, key: str, problems: list[DataProblem]) -> str | None:
    node = item.get(key)
    text = node.text() if node else None
    if not text:
        problems.append(DataProblem(item.file, item.line, f"{item.path}.{key}", "missing"))
        return None
    return text


def _strings(item: Node, key: str, problems: list[DataProblem]) -> tuple[str, ...]:
    node = item.get(key)
    if node is None:
        return ()
    if not node.is_list():
        problems.append(node.problem("expected a list"))
        return ()
    return tuple(t for el in node.elements() if (t := el.text()))


def _read_source(item: Node, data_dir: Path, problems: list[DataProblem]) -> Source | None:
    if not item.is_map():
        problems.append(item.problem("expected a mapping"))
        return None
    before = len(problems)
    sid = _required(item, "id", problems)
    file = _required(item, "file", problems)
    title = _required(item, "title", problems)
    kind = _required(item, "kind", problems)
    rights = _required(item, "rights", problems)
    sha = _required(item, "sha256", problems)
    languages = _strings(item, "languages", problems)
    authors = _strings(item, "authors", problems)
    note_node = item.get("note")
    note = (note_node.text() or "") if note_node else ""
    if not languages:
        problems.append(DataProblem(item.file, item.line, f"{item.path}.languages", "missing"))
    for lang in languages:
        if lang not in LANGUAGES:
            problems.append(
                DataProblem(item.file, item.line, f"{item.path}.languages",
                            f"unknown language tag {lang!r}; use one of {sorted(LANGUAGES)}")
            )
    if len(problems) > before or not (sid and file and title and kind and rights and sha):
        return None
    path = data_dir / file
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(item.problem(f"file: cannot read {path}: {exc.strerror}"))
        return None
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha:
        problems.append(
            DataProblem(item.file, item.line, f"{item.path}.sha256",
                        f"{path} has SHA-256 {actual}, not {sha}: the text changed")
        )
        return None
    text = unicodedata.normalize("NFC", raw.decode("utf-8"))
    return Source(sid, path, title, authors, languages, kind, rights, sha, note, text)


def find_quote(text: str, quote: str, occurrence: int = 1) -> Span | None:
    """Find the n-th occurrence of a quote in an NFC text; white-space runs match any run."""
    quote = unicodedata.normalize("NFC", quote).strip()
    chunks = quote.split()
    if not chunks:
        return None
    pattern = re.compile(r"\s+".join(re.escape(c) for c in chunks))
    for n, match in enumerate(pattern.finditer(text), start=1):
        if n == occurrence:
            start, end = match.span()
            return Span(
                start, end, match.group(0),
                text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT],
            )
    return None


def count_quote(text: str, quote: str) -> int:
    chunks = unicodedata.normalize("NFC", quote).split()
    if not chunks:
        return 0
    return len(re.findall(r"\s+".join(re.escape(c) for c in chunks), text))
