"""Fact files (data/facts/*.yaml) → validated, frozen Claim records with their evidence."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kg.corpus import LANGUAGES, Source, Span, find_quote
from kg.entities import Entity
from kg.errors import DataError, DataProblem
from kg.vocab import KZ_NS, RDF_NS, XSD_NS, ValueKind, Vocabulary, entity_iri
from kg.yamldoc import Node, load_yaml

RDF_TYPE = RDF_NS + "type"
EVENT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PASSAGE_KEYS = frozenset({"quote", "lang", "occurrence", "claims", "events", "note"})
CLAIM_KEYS = frozenset({"subject", "property", "object", "as written", "note"})
EVENT_KEYS = frozenset({"id", "type", "roles", "as written", "note"})


@dataclass(frozen=True, slots=True)
class ObjectValue:
    """The object of a claim: an IRI, or a literal with a datatype or a language tag."""

    value: str
    is_iri: bool
    datatype: str | None = None
    lang: str | None = None

    def key(self) -> str:
        """A canonical N-Triples-like form, used to derive stable claim ids."""
        if self.is_iri:
            return f"<{self.value}>"
        suffix = f"@{self.lang}" if self.lang else f"^^<{self.datatype}>"
        return f'"{self.value}"{suffix}'


@dataclass(frozen=True, slots=True)
class Claim:
    """One triple as one text states it, with the passage that states it."""

    id: str
    source: str
    subject: str
    predicate: str
    object: ObjectValue
    span: Span
    lang: str
    subject_as_written: str | None
    object_as_written: str | None
    file: Path
    line: int


@dataclass(frozen=True, slots=True)
class FactFile:
    source: str
    path: Path
    claims: tuple[Claim, ...]
    events: frozenset[str]  # event IRIs declared in this file


def event_iri(source_id: str, local_id: str) -> str:
    return entity_iri(f"event/{source_id}-{local_id}")


def make_claim_id(source: str, subject: str, predicate: str, obj: ObjectValue, exact: str) -> str:
    digest = hashlib.sha256(
        "\n".join((source, subject, predicate, obj.key(), exact)).encode("utf-8")
    ).hexdigest()
    return f"{source}-{digest[:16]}"


def load_fact_files(
    facts_dir: Path, sources: Mapping[str, Source], entities: Mapping[str, Entity],
    vocab: Vocabulary,
) -> list[FactFile]:
    """Read and validate every fact file; raise one DataError listing every problem."""
    problems: list[DataProblem] = []
    files: list[FactFile] = []
    event_files: dict[str, Path] = {}  # event IRI -> the file that declares it
    for path in sorted(facts_dir.glob("*.yaml")):
        try:
            fact_file = _FactReader(path, sources, entities, vocab, problems).read()
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if fact_file is None:
            continue
        # a long text may be split over several files (000.yaml, 000-references.yaml);
        # its event ids must then be unique across them
        for iri in sorted(fact_file.events):
            if iri in event_files:
                problems.append(DataProblem(path, 1, "events",
                                            f"event {iri.rsplit('/', 1)[-1]!r} is also declared "
                                            f"in {event_files[iri]}"))
            event_files[iri] = path
        files.append(fact_file)
    if problems:
        raise DataError(problems)
    return files


class _FactReader:
    """Reads one fact file, appending every problem found instead of stopping at the first."""

    def __init__(self, path: Path, sources: Mapping[str, Source],
                 entities: Mapping[str, Entity], vocab: Vocabulary,
                 problems: list[DataProblem]) -> None:
        self.path = path
        self.sources = sources
        self.entities = entities
        self.vocab = vocab
        self.problems = problems
        self.claims: dict[str, Claim] = {}
        self.events: dict[str, str] = {}  # event IRI -> class name
        self.source: Source | None = None

    def read(self) -> FactFile | None:
        doc = load_yaml(self.path)
        if not doc.is_map():
            self.problems.append(doc.problem("expected a mapping with source and passages"))
            return None
        source_node = doc.get("source")
        sid = source_node.text() if source_node else None
        if source_node is None or sid is None:
            self.problems.append(doc.problem("source: missing"))
            return None
        if sid not in self.sources:
            self.problems.append(
                source_node.problem(f"unknown source {sid!r} (not in sources.yaml)"))
            return None
        self.source = self.sources[sid]
        passages = doc.get("passages")
        if passages is None or not passages.is_list():
            self.problems.append(doc.problem("passages: missing (a list)"))
            return None
        # first pass: events declared anywhere in the file may be referenced anywhere in it
        for passage in passages.elements():
            events = passage.get("events") if passage.is_map() else None
            for event in events.elements() if events else ():
                self._declare_event(event, sid)
        for passage in passages.elements():
            self._read_passage(passage)
        return FactFile(sid, self.path, tuple(self.claims.values()), frozenset(self.events))

    def _declare_event(self, event: Node, sid: str) -> None:
        id_node = event.get("id") if event.is_map() else None
        type_node = event.get("type") if event.is_map() else None
        local = id_node.text() if id_node else None
        type_name = type_node.text() if type_node else None
        if id_node is None or not local or not EVENT_ID.match(local):
            self.problems.append((id_node or event).problem(
                "id: missing or not lower-case ASCII words joined by hyphens"))
            return
        iri = event_iri(sid, local)
        if iri in self.events:
            self.problems.append(id_node.problem(f"event id {local!r} used twice in this file"))
            return
        if type_node is None or not type_name or type_name not in self.vocab.event_classes:
            self.problems.append((type_node or event).problem(
                f"type: {type_name!r} is not an event class of the ontology "
                f"({', '.join(sorted(self.vocab.event_classes))})"))
            return
        self.events[iri] = type_name

    def _read_passage(self, passage: Node) -> None:
        assert self.source is not None
        if not passage.is_map():
            self.problems.append(passage.problem("expected a mapping with quote and claims"))
            return
        self._check_keys(passage, PASSAGE_KEYS)
        quote_node = passage.get("quote")
        quote = quote_node.text() if quote_node else None
        if quote_node is None or not quote:
            self.problems.append(passage.problem("quote: missing"))
            return
        occurrence = 1
        occ_node = passage.get("occurrence")
        if occ_node is not None:
            occ_text = occ_node.text() or ""
            if not occ_text.isdigit() or int(occ_text) < 1:
                self.problems.append(occ_node.problem("must be a positive whole number"))
                return
            occurrence = int(occ_text)
        span = find_quote(self.source.text, quote, occurrence)
        if span is None:
            where = self.source.file
            what = "not found" if occurrence == 1 else f"occurrence {occurrence} not found"
            self.problems.append(quote_node.problem(f"{what} in {where}: {quote[:80]!r}"))
            return
        lang = self.source.languages[0]
        lang_node = passage.get("lang")
        if lang_node is not None:
            lang = lang_node.text() or ""
            if lang not in LANGUAGES:
                self.problems.append(lang_node.problem(f"unknown language tag {lang!r}"))
                return
        claims = passage.get("claims")
        events = passage.get("events")
        if claims is None and events is None:
            self.problems.append(passage.problem("a passage needs claims or events"))
        for claim in claims.elements() if claims else ():
            self._read_claim(claim, span, lang)
        for event in events.elements() if events else ():
            self._read_event(event, span, lang)

    def _check_keys(self, node: Node, allowed: frozenset[str]) -> None:
        for key, child in node.items():
            if key not in allowed:
                self.problems.append(child.problem(
                    f"unknown field {key!r}; expected one of {', '.join(sorted(allowed))}"))

    def _read_claim(self, claim: Node, span: Span, lang: str) -> None:
        if not claim.is_map():
            self.problems.append(claim.problem("expected a mapping: subject, property, object"))
            return
        self._check_keys(claim, CLAIM_KEYS)
        fields = {k: claim.get(k) for k in ("subject", "property", "object")}
        missing = [k for k, v in fields.items() if v is None or v.text() is None]
        if missing:
            self.problems.append(claim.problem(f"missing {', '.join(missing)}"))
            return
        subject_node, property_node, object_node = (
            fields["subject"], fields["property"], fields["object"])
        assert subject_node and property_node and object_node
        subject = self._resolve_entity(subject_node)
        prop = self._resolve_property(property_node)
        if subject is None or prop is None:
            return
        obj = self._read_value(object_node, self.vocab.properties[prop], lang)
        if obj is None:
            return
        written_subject, written_object = self._as_written(claim, ("subject", "object"), lang)
        self._add(claim, subject, self.vocab.property_iri(prop), obj, span, lang,
                  written_subject, written_object)

    def _read_event(self, event: Node, span: Span, lang: str) -> None:
        assert self.source is not None
        if not event.is_map():
            return  # reported while declaring
        self._check_keys(event, EVENT_KEYS)
        local = (event.get("id") or event).text()
        iri = event_iri(self.source.id, local or "")
        if iri not in self.events:
            return  # reported while declaring
        type_iri = KZ_NS + self.events[iri]
        self._add(event, iri, RDF_TYPE, ObjectValue(type_iri, True), span, lang, None, None)
        roles = event.get("roles")
        if roles is None or not roles.is_map() or not roles.value:
            self.problems.append(event.problem("roles: missing (a mapping property: value)"))
            return
        written = event.get("as written")
        for role, value in roles.items():
            prop = self._resolve_property(value, role)
            if prop is None:
                continue
            values = list(value.elements()) if value.is_list() else [value]
            for item in values:
                obj = self._read_value(item, self.vocab.properties[prop], lang)
                if obj is None:
                    continue
                as_written = None
                if written is not None and written.is_map():
                    node = written.get(role)
                    as_written = node.text() if node else None
                self._add(item, iri, self.vocab.property_iri(prop), obj, span, lang, None,
                          as_written)

    def _as_written(self, claim: Node, keys: tuple[str, str], lang: str
                    ) -> tuple[str | None, str | None]:
        node = claim.get("as written")
        if node is None:
            return None, None
        if node.is_map():
            self._check_keys(node, frozenset(keys))
            first, second = node.get(keys[0]), node.get(keys[1])
            return (first.text() if first else None), (second.text() if second else None)
        return node.text(), None

    def _resolve_entity(self, node: Node) -> str | None:
        ref = node.text() or ""
        if ref.startswith("event/"):
            assert self.source is not None
            iri = entity_iri(ref)
            if iri in self.events:
                return iri
            self.problems.append(node.problem(f"unknown event {ref!r} (no event with that id "
                                              f"in this file; write event/{self.source.id}-ID)"))
            return None
        if ref not in self.entities:
            self.problems.append(node.problem(f"unknown entity {ref!r} (not in the catalogue)"))
            return None
        return entity_iri(ref)

    def _resolve_property(self, node: Node, name: str | None = None) -> str | None:
        prop = name if name is not None else node.text() or ""
        if prop not in self.vocab.properties:
            self.problems.append(node.problem(f"unknown property {prop!r} (not in the ontology)"))
            return None
        return prop

    def _read_value(self, node: Node, kind: ValueKind, lang: str) -> ObjectValue | None:
        text = node.text()
        if not text:
            self.problems.append(node.problem("empty value"))
            return None
        if kind is ValueKind.ENTITY:
            iri = self._resolve_entity(node)
            return ObjectValue(iri, True) if iri else None
        if kind is ValueKind.TEXT:
            return ObjectValue(text, False, lang=lang)
        if kind is ValueKind.STRING:
            return ObjectValue(text, False, datatype=XSD_NS + "string")
        if kind is ValueKind.NUMBER:
            try:
                Decimal(text)
            except InvalidOperation:
                self.problems.append(node.problem(f"not a number: {text!r}"))
                return None
            return ObjectValue(text, False, datatype=XSD_NS + "decimal")
        datatype = parse_date(text, years_only=kind is ValueKind.YEAR)
        if datatype is None:
            expected = "YYYY" if kind is ValueKind.YEAR else "YYYY, YYYY-MM or YYYY-MM-DD"
            self.problems.append(node.problem(f"malformed date {text!r}: expected {expected}"))
            return None
        return ObjectValue(text, False, datatype=datatype)

    def _add(self, node: Node, subject: str, predicate: str, obj: ObjectValue, span: Span,
             lang: str, subject_as_written: str | None, object_as_written: str | None) -> None:
        assert self.source is not None
        cid = make_claim_id(self.source.id, subject, predicate, obj, span.exact)
        if cid in self.claims:
            self.problems.append(node.problem("the same claim with the same quote is given twice"))
            return
        self.claims[cid] = Claim(cid, self.source.id, subject, predicate, obj, span, lang,
                                 subject_as_written, object_as_written, node.file, node.line)


def parse_date(text: str, years_only: bool = False) -> str | None:
    """The XSD datatype IRI for a date written with its precision, or None if malformed."""
    if re.fullmatch(r"\d{4}", text):
        return XSD_NS + "gYear"
    if years_only:
        return None
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return XSD_NS + "gYearMonth"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return XSD_NS + "date"
    return None
