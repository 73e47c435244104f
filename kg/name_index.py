"""The name index: every label of every catalogue entity, keyed for search in any spelling.

Built once per build from ``graph/entities`` (fixed query text; user text never reaches SPARQL)
and written into the release as ``names.json`` (entities, classes and labels; the keys are
derived from the labels by ``kg.names`` when the index is constructed, so the file can never
disagree with the code that searches it). ``search`` scores a query against every key:

- **exact** (100): a key of the query equals a key of a label: the same name after
  normalisation, transliteration and the skeleton's folds (``kg.names``);
- **initials** (``INITIALS``): the same name with given names cut to initials, on either side
  (*Ш. Айманов* ↔ *Shaken Aimanov*, *Aimanov Sh.*);
- **fuzzy**, by rapidfuzz on the keys: for typos, the mean of the Indel ratio and the optimal
  string alignment similarity (a transposition is one edit: *Itlay*) of the whole keys; 0.98 × the
  token-sort ratio (words reordered: *Aimanov Shaken*), 0.85 × the better of the token-set
  ratio and the words found (each query word's best ratio against the label's words, averaged:
  *Aimanov* or *Aimanow* in *Shaken Aimanov*). Capped at 99 unless exact.

An entity scores its best label; results are sorted by score, then by how close the entity's
nearest label is to the whole query (*Almaty Film* puts the festival before the city), then
IRI. ``CONFIDENT`` is the score from which a match is safe to accept when it is alone at the
top (the reconciliation service's ``match`` flag); names not in the catalogue stay below it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pyoxigraph import Literal, NamedNode, QuerySolutions, Store
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from kg.names import NameKey, name_keys, normalise
from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH
from kg.vocab import KZ_NS, RDFS_NS, SKOS_NS, graph_iri

NAMES_FILE = "names.json"  # in the release directory, beside manifest.json
FORMAT = "kazcinema-names/1"
CONFIDENT = 90.0
INITIALS = 92.0
MIN_SCORE = 60.0  # weaker candidates are not returned
MAX_QUERY = 200  # characters of a query that are matched (longer text is cut)
REORDERED, CONTAINED, NOT_EXACT = 0.98, 0.85, 99.0
LANG_ORDER = ("en", "kk", "ru", "kk-latn", "ru-latn")

# fixed text: only the project's own constants are put into it
LABELS_QUERY = f"""
SELECT ?e ?type ?p ?l WHERE {{
  GRAPH <{graph_iri(ENTITIES_GRAPH)}> {{
    ?e a ?type ; ?p ?l . VALUES ?p {{ skos:prefLabel skos:altLabel }}
  }}
  FILTER(isIRI(?e) && isLiteral(?l))
}}"""
CLASSES_QUERY = f"""
SELECT ?c ?super WHERE {{
  GRAPH <{graph_iri(ONTOLOGY_GRAPH)}> {{ ?c rdfs:subClassOf+ ?super }}
  FILTER(isIRI(?c) && STRSTARTS(STR(?super), "{KZ_NS}"))
}}"""
PREFIXES = {"skos": SKOS_NS, "rdfs": RDFS_NS}


@dataclass(frozen=True, slots=True)
class Match:
    iri: str
    kind: str  # class local name, e.g. "Person", "Film", "FilmStudio"
    label: str  # the entity's preferred label in the asked language (fallback en, kk, ru, any)
    matched: str  # the label (as written in the catalogue) that matched best
    matched_lang: str  # its language tag (lower case, as Oxigraph stores it)
    score: float  # 0–100
    exact: bool  # the query equals a label after normalisation/transliteration folding


@dataclass(frozen=True, slots=True)
class Label:
    lang: str
    text: str
    preferred: bool


@dataclass(frozen=True, slots=True)
class IndexedEntity:
    iri: str
    kind: str  # the local name of its class
    classes: tuple[str, ...]  # its class and the ontology's superclasses of it, local names
    labels: tuple[Label, ...]


def _label_order(label: Label) -> tuple[int, str, bool, str]:
    rank = LANG_ORDER.index(label.lang) if label.lang in LANG_ORDER else len(LANG_ORDER)
    return rank, label.lang, not label.preferred, label.text


class NameIndex:
    """Labels and their keys; ``search`` answers in a few milliseconds (see the module doc)."""

    __slots__ = ("_by_iri", "_choices", "_entities", "_exact", "_forms", "_key_abbreviated",
                 "_key_label", "_key_offsets", "_key_owner", "_key_start", "_key_words", "_kinds",
                 "_vocabulary")

    def __init__(self, entities: Iterable[IndexedEntity]) -> None:
        self._entities = tuple(sorted(entities, key=lambda e: e.iri))
        self._by_iri = {e.iri: i for i, e in enumerate(self._entities)}
        self._kinds = sorted({e.kind for e in self._entities})
        self._choices: list[str] = []
        owners: list[int] = []
        self._key_label: list[int] = []
        abbreviated: list[bool] = []
        starts: list[int] = []
        vocabulary: dict[str, int] = {}
        key_words: list[int] = []
        offsets: list[int] = []
        self._exact: dict[str, list[int]] = {}
        self._forms: dict[str, list[int]] = {}
        for owner, entity in enumerate(self._entities):
            starts.append(len(self._choices))
            for position, label in enumerate(entity.labels):
                for key in name_keys(label.text):
                    index = len(self._choices)
                    self._choices.append(key.text)
                    owners.append(owner)
                    self._key_label.append(position)
                    abbreviated.append(key.abbreviated)
                    offsets.append(len(key_words))
                    key_words.extend(vocabulary.setdefault(w, len(vocabulary))
                                     for w in key.text.split())
                    self._exact.setdefault(key.text, []).append(index)
                    for form in key.forms:
                        self._forms.setdefault(form, []).append(index)
        starts.append(len(self._choices))
        self._key_start = starts  # the keys of entity i are key_start[i]:key_start[i + 1]
        self._key_owner = np.array(owners, dtype=np.intp)
        self._key_abbreviated = abbreviated
        self._vocabulary = list(vocabulary)  # every word of every key, once
        self._key_words = np.array(key_words, dtype=np.intp)  # the keys' words, key after key
        self._key_offsets = np.array(offsets, dtype=np.intp)  # where each key's words start

    @classmethod
    def from_store(cls, store: Store) -> NameIndex:
        """The labels of every entity in ``graph/entities``, with its class and superclasses."""
        supers: dict[str, set[str]] = {}
        for row in _solutions(store, CLASSES_QUERY):
            supers.setdefault(_local(_iri(row["c"])), set()).add(_local(_iri(row["super"])))
        kinds: dict[str, str] = {}
        labels: dict[str, set[Label]] = {}
        for row in _solutions(store, LABELS_QUERY):
            iri, literal = _iri(row["e"]), row["l"]
            if not isinstance(literal, Literal):
                continue
            kinds.setdefault(iri, _local(_iri(row["type"])))
            preferred = _iri(row["p"]).endswith("prefLabel")
            labels.setdefault(iri, set()).add(
                Label((literal.language or "").lower(), literal.value, preferred))
        return cls(IndexedEntity(iri, kind, (kind, *sorted(supers.get(kind, ()))),
                                 tuple(sorted(labels[iri], key=_label_order)))
                   for iri, kind in kinds.items())

    @classmethod
    def load(cls, path: Path) -> NameIndex:
        """Read what ``write`` wrote; ValueError if the file is not a name index."""
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{path}: not a name index ({FORMAT})")
        return cls(IndexedEntity(e["iri"], e["kind"], tuple(e["classes"]),
                                 tuple(Label(lang, text, bool(pref))
                                       for lang, text, pref in e["labels"]))
                   for e in data["entities"])

    def write(self, path: Path) -> None:
        """Write the index as JSON, byte-identical for the same catalogue."""
        data = {"format": FORMAT, "entities": [
            {"iri": e.iri, "kind": e.kind, "classes": list(e.classes),
             "labels": [[lb.lang, lb.text, lb.preferred] for lb in e.labels]}
            for e in self._entities]}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        path.write_text(text + "\n", encoding="utf-8")

    @property
    def size(self) -> tuple[int, int, int]:
        """Entities, labels and keys in the index."""
        return (len(self._entities), sum(len(e.labels) for e in self._entities),
                len(self._choices))

    def kinds(self) -> list[str]:
        return list(self._kinds)

    def labels(self, iri: str) -> list[tuple[str, str]]:
        found = self._by_iri.get(iri)
        return [] if found is None else [(lb.lang, lb.text)
                                         for lb in self._entities[found].labels]

    def entity(self, iri: str) -> tuple[str, str] | None:
        found = self._by_iri.get(iri)
        return None if found is None else (self._entities[found].kind, self.label_in(iri, "en"))

    def label_in(self, iri: str, lang: str) -> str:
        """The preferred label in ``lang`` (or a subtag of it), else in en, kk, ru, else any;
        "" for an IRI that is not in the index."""
        found = self._by_iri.get(iri)
        if found is None:
            return ""
        labels = self._entities[found].labels
        lang = lang.lower()
        for wanted in (lang, *LANG_ORDER):
            for label in labels:
                if label.preferred and (label.lang == wanted or
                                        (wanted == lang and label.lang.startswith(lang + "-"))):
                    return label.text
        return next((lb.text for lb in labels if lb.preferred), labels[0].text if labels else "")

    def search(self, query: str, *, types: Sequence[str] | None = None, lang: str = "en",
               limit: int = 10) -> list[Match]:
        """The entities whose labels best match ``query``, best first (see the module doc).
        ``types``: class local names or full class IRIs; an entity of a subclass counts; an
        unknown type, or an empty sequence, matches nothing (None: every type)."""
        keys = name_keys(query[:MAX_QUERY], query=True)
        if not keys or limit <= 0 or not self._choices:
            return []
        scores, exact, typo = self._score_keys(keys)
        best = np.zeros(len(self._entities))
        np.maximum.at(best, self._key_owner, scores)
        best = np.round(best, 1)
        closest = np.zeros(len(self._entities))  # ties: the label nearest the whole query first
        np.maximum.at(closest, self._key_owner, typo)
        wanted = best >= MIN_SCORE
        if types is not None:
            wanted &= self._type_mask(types)
        found = np.flatnonzero(wanted)
        order = found[np.lexsort((found, -closest[found], -best[found]))][:limit]
        typed = normalise(query[:MAX_QUERY])
        return [self._match(int(i), (scores, exact, typo), typed, lang) for i in order]

    def _score_keys(self, keys: tuple[NameKey, ...]) -> tuple[Any, Any, Any]:
        """Per key of the index: its score, whether it is exact, and its whole-string
        similarity to the query (the tiebreak)."""
        texts = [k.text for k in keys]
        contained = np.maximum(
            process.cdist(texts, self._choices, scorer=fuzz.token_set_ratio).max(axis=0),
            self._words_found(keys))
        typo = ((process.cdist(texts, self._choices, scorer=fuzz.ratio)
                 + process.cdist(texts, self._choices, scorer=OSA.normalized_similarity) * 100)
                / 2).max(axis=0)
        scores = np.maximum.reduce([
            typo,
            process.cdist(texts, self._choices, scorer=fuzz.token_sort_ratio).max(axis=0)
            * REORDERED,
            contained * CONTAINED,
        ]).astype(float)
        for key in keys:
            for form in key.forms:
                for index in self._forms.get(form, ()):
                    if key.abbreviated or self._key_abbreviated[index]:
                        scores[index] = max(scores[index], INITIALS)
        np.minimum(scores, NOT_EXACT, out=scores)
        exact = np.zeros(len(self._choices), dtype=bool)
        for key in keys:
            exact[self._exact.get(key.text, [])] = True
        scores[exact] = 100.0
        return scores, exact, typo

    def _words_found(self, keys: tuple[NameKey, ...]) -> Any:
        """Per key, how well the query's words are found among its words: for each query word
        the best ratio against the key's words, averaged (a token set that forgives typos)."""
        asked = sorted({w for k in keys for w in k.text.split()})
        row = {w: i for i, w in enumerate(asked)}
        similar = process.cdist(asked, self._vocabulary, scorer=fuzz.ratio)
        per_word = similar[:, self._key_words]  # query word × every word of every key
        best = np.maximum.reduceat(per_word, self._key_offsets, axis=1)  # query word × key
        return np.max([best[[row[w] for w in k.text.split()]].mean(axis=0) for k in keys],
                      axis=0)

    def _type_mask(self, types: Sequence[str]) -> Any:
        names = {t[len(KZ_NS):] if t.startswith(KZ_NS) else t for t in types}
        return np.array([not names.isdisjoint(e.classes) for e in self._entities], dtype=bool)

    def _match(self, owner: int, scored: tuple[Any, Any, Any], typed: str, lang: str) -> Match:
        """The entity's match: its best label; among equals, the one written as the query was
        (same normalised text), then the nearest, then one in ``lang``, then the preferred."""
        scores, exact, typo = scored
        entity = self._entities[owner]
        keys = range(self._key_start[owner], self._key_start[owner + 1])
        lang = lang.lower()

        def rank(k: int) -> tuple[float, bool, bool, float, bool, bool, int]:
            label = entity.labels[self._key_label[k]]
            return (float(scores[k]), bool(exact[k]), normalise(label.text) == typed,
                    float(typo[k]), label.lang == lang, label.preferred, -k)

        top = max(keys, key=rank)
        label = entity.labels[self._key_label[top]]
        return Match(entity.iri, entity.kind, self.label_in(entity.iri, lang), label.text,
                     label.lang, round(float(scores[top]), 1),
                     bool(exact[keys.start:keys.stop].any()))


def _solutions(store: Store, query: str) -> QuerySolutions:
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, QuerySolutions)
    return result


def _iri(term: object) -> str:
    assert isinstance(term, NamedNode)
    return term.value


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
