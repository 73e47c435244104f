"""The entity catalogue: one entry per real thing, with every spelling.

The catalogue is ``data/entities/*.yaml`` (one file per kind: person.yaml, film.yaml, …) and,
if present, ``data/entities.yaml``; an id must be unique across all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.corpus import LANGUAGES
from kg.errors import DataError, DataProblem
from kg.vocab import Vocabulary
from kg.yamldoc import Node, load_yaml

KINDS = frozenset(
    {"person", "film", "series", "org", "place", "movement", "period", "award", "festival",
     "work", "concept"}
)
ENTITY_ID = re.compile(r"^([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)$")


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    lang: str
    preferred: bool


@dataclass(frozen=True, slots=True)
class Entity:
    id: str  # kind/slug
    type: str  # a class of the ontology (local name)
    labels: tuple[Label, ...]
    path: Path
    line: int


def entity_files(data_dir: Path) -> list[Path]:
    """The catalogue's files, in load order."""
    single = data_dir / "entities.yaml"
    return [*([single] if single.exists() else []), *sorted((data_dir / "entities").glob("*.yaml"))]


def load_entities(data_dir: Path, vocab: Vocabulary) -> dict[str, Entity]:
    problems: list[DataProblem] = []
    entities: dict[str, Entity] = {}
    files = entity_files(data_dir)
    if not files:
        raise DataError([DataProblem(data_dir / "entities", 0, "",
                                     "no entity catalogue: expected data/entities/*.yaml")])
    for path in files:
        doc = load_yaml(path)
        if not doc.is_map():
            problems.append(doc.problem("expected a mapping from entity id to its description"))
            continue
        for entity_id, node in doc.items():
            entity = _read_entity(entity_id, node, vocab, problems)
            if entity is None:
                continue
            if entity_id in entities:
                first = entities[entity_id]
                problems.append(node.problem(f"entity {entity_id!r} is already defined at "
                                             f"{first.path}:{first.line}; merge the two entries"))
                continue
            entities[entity_id] = entity
    if problems:
        raise DataError(problems)
    return entities


def _read_entity(
    entity_id: str, node: Node, vocab: Vocabulary, problems: list[DataProblem]
) -> Entity | None:
    match = ENTITY_ID.match(entity_id)
    if not match:
        problems.append(node.problem("entity id must be kind/slug in lower-case ASCII"))
        return None
    if match.group(1) not in KINDS:
        kind = match.group(1)
        problems.append(node.problem(f"unknown kind {kind!r}; use one of {sorted(KINDS)}"))
        return None
    if not node.is_map():
        problems.append(node.problem("expected a mapping with type and labels"))
        return None
    type_node = node.get("type")
    type_name = type_node.text() if type_node else None
    if type_node is None or not type_name:
        problems.append(node.problem("type: missing"))
        return None
    if type_name not in vocab.classes:
        problems.append(type_node.problem(f"unknown class {type_name!r} (not in the ontology)"))
        return None
    labels_node = node.get("labels")
    if labels_node is None or not labels_node.is_map():
        problems.append(node.problem("labels: missing (a mapping from language tag to names)"))
        return None
    labels: list[Label] = []
    for lang, names in labels_node.items():
        if lang not in LANGUAGES:
            problems.append(names.problem(f"unknown language tag {lang!r}"))
            continue
        values = list(names.elements()) if names.is_list() else [names]
        for i, value in enumerate(values):
            text = value.text()
            if not text:
                problems.append(value.problem("empty label"))
                continue
            labels.append(Label(text, lang, preferred=i == 0))
    if not labels:
        problems.append(labels_node.problem("at least one label is needed"))
        return None
    return Entity(entity_id, type_name, tuple(labels), node.file, node.line)
