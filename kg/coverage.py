"""How much of each text the claims cover: sentences touched by a quote, and those left bare.

Sentences come from pysbd (rule-based segmentation with English, Kazakh and Russian rules and
character offsets). The texts wrap their lines, so line breaks are read as spaces, except after
a short line with no closing punctuation: that is a heading and ends a sentence of its own.
A sentence counts as covered when at least half of its characters lie inside some quote.
Pieces of fewer than three words (headings such as "Кіріспе", reference marks such as "[4]")
are not sentences and are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pysbd

from kg.corpus import Source
from kg.facts import FactFile

HEADING_MAX = 60
MIN_WORDS = 3
_WORD = re.compile(r"\w*[^\W\d_]\w*")
COVERED_SHARE = 0.5
_SENTENCE_END = re.compile(r"[.!?:;…»\")\]]\s*$")
_SEGMENTER_LANGS = {"kk": "kk", "ru": "ru", "en": "en"}


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    line: int  # 1-based line of the text file where the sentence starts
    covered: bool


@dataclass(frozen=True, slots=True)
class TextCoverage:
    source: str
    claims: int
    entities: int
    sentences: tuple[Sentence, ...]

    @property
    def covered(self) -> int:
        return sum(s.covered for s in self.sentences)

    @property
    def share(self) -> float:
        return self.covered / len(self.sentences) if self.sentences else 1.0

    @property
    def bare(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.covered]


def blocks(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) runs of text between headings and blank-line-free paragraph ends."""
    start = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        offset += len(line)
        stripped = line.strip()
        if stripped and len(stripped) < HEADING_MAX and not _SENTENCE_END.search(stripped):
            # a heading: close what came before it, and the heading itself
            head_start = offset - len(line)
            if text[start:head_start].strip():
                yield start, head_start
            yield head_start, offset
            start = offset
    if text[start:].strip():
        yield start, len(text)


def sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans [start, end) of ``text``, trimmed of surrounding white space."""
    segmenter = pysbd.Segmenter(language=_SEGMENTER_LANGS.get(lang, "en"), clean=False,
                                char_span=True)
    spans: list[tuple[int, int]] = []
    for block_start, block_end in blocks(text):
        flat = text[block_start:block_end].replace("\n", " ").replace("\r", " ")
        for piece in segmenter.segment(flat):
            start = block_start + piece.start
            end = block_start + piece.end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if len(_WORD.findall(text[start:end])) >= MIN_WORDS:
                spans.append((start, end))
    return spans


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(start: int, end: int, quotes: list[tuple[int, int]]) -> int:
    return sum(max(0, min(end, q_end) - max(start, q_start)) for q_start, q_end in quotes)


def text_coverage(source: Source, files: Iterable[FactFile]) -> TextCoverage:
    claims = [claim for f in files if f.source == source.id for claim in f.claims]
    quotes = _merge((c.span.start, c.span.end) for c in claims)
    entities = {value for c in claims for value in (c.subject, c.object.value if c.object.is_iri
                                                    else "") if "/id/" in value
                and "/id/event/" not in value}
    found: list[Sentence] = []
    for start, end in sentences(source.text, source.languages[0]):
        chars = sum(1 for ch in source.text[start:end] if not ch.isspace())
        inside = _inside(start, end, quotes)
        line = source.text.count("\n", 0, start) + 1
        found.append(Sentence(start, end, " ".join(source.text[start:end].split()), line,
                              chars > 0 and inside >= COVERED_SHARE * (end - start)))
    return TextCoverage(source.id, len(claims), len(entities), tuple(found))
