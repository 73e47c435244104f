"""The ontology as a documentation model: its terms with labels and definitions in every
language, hierarchy, domains and ranges, and alignments, for the HTML page at its IRI.

Read from the ontology's triples (the store's ``graph/ontology``, which is ``kazcinema.ttl``);
the server renders it with ``server/templates/ontology.html``. pyLODE was tried first and not
used: its releases for Python 3.11 either fail at import (3.4.1) or run together the labels of
the three languages and derive anchors from labels (``#film``, not ``#Film``); later releases
need Python 3.12.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.vocab import KZ_NS, ONTOLOGY_IRI, PREFIXES, RDF_NS, RDFS_NS, SKOS_NS

OWL_NS = PREFIXES["owl"]
DCTERMS_NS = PREFIXES["dcterms"]
VANN_NS = "http://purl.org/vocab/vann/"
LANGUAGES = ("en", "kk", "ru")
# prefixes for names of other vocabularies' terms (those of kazcinema.ttl beyond PREFIXES)
DOC_PREFIXES = {
    **PREFIXES,
    "wd": "http://www.wikidata.org/entity/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "vann": VANN_NS,
}
KINDS = {  # rdf:type → section of the page, in page order
    OWL_NS + "Class": "class",
    OWL_NS + "ObjectProperty": "object property",
    OWL_NS + "DatatypeProperty": "datatype property",
    RDFS_NS + "Datatype": "datatype",
}
ALIGNMENTS = {  # predicate → how the page names the relation
    RDFS_NS + "subClassOf": "subclass of",
    RDFS_NS + "subPropertyOf": "subproperty of",
    OWL_NS + "equivalentClass": "equivalent to",
    SKOS_NS + "exactMatch": "exact match",
    SKOS_NS + "closeMatch": "close match",
}


@dataclass(frozen=True, slots=True)
class Ref:
    """A term named on the page: ours (linked to its anchor) or another vocabulary's."""

    iri: str
    name: str  # local name for ours, prefixed name (or the IRI) for others

    @property
    def ours(self) -> bool:
        return self.iri.startswith(KZ_NS)

    @property
    def href(self) -> str:
        return f"#{self.name}" if self.ours else self.iri


# a class expression: one term, or the union of several (owl:unionOf)
Union = tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class Branch:
    """A class and its subclasses, for the page's hierarchy."""

    term: Ref
    below: tuple[Branch, ...]


@dataclass(slots=True)
class Term:
    iri: str
    name: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    functional: bool = False
    parents: list[Ref] = field(default_factory=list)  # our superclasses / superproperties
    children: list[Ref] = field(default_factory=list)
    alignments: list[tuple[str, Union]] = field(default_factory=list)  # other vocabularies
    domain: list[Union] = field(default_factory=list)
    range: list[Union] = field(default_factory=list)
    in_domain_of: list[Ref] = field(default_factory=list)  # classes: properties about them
    in_range_of: list[Ref] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OntologyDoc:
    iri: str
    version_iri: str | None
    version: str | None
    titles: dict[str, str]
    descriptions: dict[str, str]
    license: str | None
    created: str | None
    creator: str | None
    prefix: str | None
    namespace: str | None
    terms: dict[str, list[Term]]  # kind → terms by name
    tree: tuple[Branch, ...]  # the class hierarchy from its roots

    def all_terms(self) -> list[Term]:
        return [t for terms in self.terms.values() for t in terms]


class _Index:
    """subject → predicate → objects, over the ontology's triples."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.data: dict[object, dict[str, list[object]]] = {}
        for t in triples:
            self.data.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def objects(self, subject: object, predicate: str) -> list[object]:
        return self.data.get(subject, {}).get(predicate, [])

    def first(self, subject: object, predicate: str) -> str | None:
        values = self.objects(subject, predicate)
        return min((_text(v) for v in values), default=None)

    def by_language(self, subject: object, predicate: str) -> dict[str, str]:
        texts: dict[str, str] = {}
        for value in self.objects(subject, predicate):
            if isinstance(value, Literal):
                texts.setdefault(value.language or "", value.value)
        return {lang: texts[lang] for lang in sorted(texts, key=_language_order)}

    def rdf_list(self, node: object) -> list[object]:
        items: list[object] = []
        while isinstance(node, BlankNode) and (first := self.objects(node, RDF_NS + "first")):
            items.append(first[0])
            node = (self.objects(node, RDF_NS + "rest") or [None])[0]
        return items


def load_ontology_doc(triples: Iterable[Triple]) -> OntologyDoc:
    """The documentation model of the ontology whose triples are given."""
    index = _Index(triples)
    ontology = NamedNode(ONTOLOGY_IRI)
    terms: dict[str, Term] = {}
    for subject, props in index.data.items():
        if not (isinstance(subject, NamedNode) and subject.value.startswith(KZ_NS)):
            continue
        types = {t.value for t in props.get(RDF_NS + "type", []) if isinstance(t, NamedNode)}
        kind = next((k for iri, k in KINDS.items() if iri in types), None)
        if kind is None:
            continue
        term = Term(subject.value, subject.value.removeprefix(KZ_NS), kind,
                    index.by_language(subject, RDFS_NS + "label"),
                    index.by_language(subject, SKOS_NS + "definition"),
                    functional=OWL_NS + "FunctionalProperty" in types)
        for predicate, relation in ALIGNMENTS.items():
            for value in index.objects(subject, predicate):
                union = _expression(index, value)
                if len(union) == 1 and union[0].ours and predicate.startswith(RDFS_NS):
                    term.parents.append(union[0])
                elif union:
                    term.alignments.append((relation, union))
        term.domain = [u for v in index.objects(subject, RDFS_NS + "domain")
                       if (u := _expression(index, v))]
        term.range = [u for v in index.objects(subject, RDFS_NS + "range")
                      if (u := _expression(index, v))]
        terms[term.iri] = term
    _link(terms)
    by_kind = {kind: sorted((t for t in terms.values() if t.kind == kind),
                            key=lambda t: t.name.lower())
               for kind in KINDS.values()}
    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        version_iri=index.first(ontology, OWL_NS + "versionIRI"),
        version=index.first(ontology, OWL_NS + "versionInfo"),
        titles=index.by_language(ontology, DCTERMS_NS + "title"),
        descriptions=index.by_language(ontology, DCTERMS_NS + "description"),
        license=index.first(ontology, DCTERMS_NS + "license"),
        created=index.first(ontology, DCTERMS_NS + "created"),
        creator=index.first(ontology, DCTERMS_NS + "creator"),
        prefix=index.first(ontology, VANN_NS + "preferredNamespacePrefix"),
        namespace=index.first(ontology, VANN_NS + "preferredNamespaceUri"),
        terms={kind: found for kind, found in by_kind.items() if found},
        tree=_tree(by_kind.get("class", [])),
    )


def _link(terms: dict[str, Term]) -> None:
    """Fill in what points at each term: subclasses, and properties by domain and range."""
    for term in terms.values():
        ref = Ref(term.iri, term.name)
        for parent in term.parents:
            if parent.iri in terms:
                terms[parent.iri].children.append(ref)
        for unions, attr in ((term.domain, "in_domain_of"), (term.range, "in_range_of")):
            for union in unions:
                for cls in union:
                    if cls.iri in terms and terms[cls.iri].kind == "class":
                        getattr(terms[cls.iri], attr).append(ref)
    for term in terms.values():
        for refs in (term.children, term.in_domain_of, term.in_range_of):
            refs.sort(key=lambda r: r.name.lower())


def _tree(classes: list[Term]) -> tuple[Branch, ...]:
    by_iri = {c.iri: c for c in classes}

    def branch(term: Term, seen: frozenset[str]) -> Branch:
        below = tuple(branch(by_iri[c.iri], seen | {c.iri}) for c in term.children
                      if c.iri in by_iri and c.iri not in seen)
        return Branch(Ref(term.iri, term.name), below)

    roots = [c for c in classes if not any(p.iri in by_iri for p in c.parents)]
    return tuple(branch(root, frozenset({root.iri})) for root in roots)


def _expression(index: _Index, value: object) -> Union:
    """A named term, or the members of an ``owl:unionOf`` class or datatype expression."""
    if isinstance(value, NamedNode):
        return (_ref(value.value),)
    if isinstance(value, BlankNode):
        for members in index.objects(value, OWL_NS + "unionOf"):
            return tuple(_ref(m.value) for m in index.rdf_list(members)
                         if isinstance(m, NamedNode))
    return ()


def _ref(iri: str) -> Ref:
    if iri.startswith(KZ_NS):
        return Ref(iri, iri.removeprefix(KZ_NS))
    for prefix, namespace in sorted(DOC_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return Ref(iri, f"{prefix}:{iri.removeprefix(namespace)}")
    return Ref(iri, iri)


def _text(value: object) -> str:
    return value.value if isinstance(value, NamedNode | Literal) else str(value)


def _language_order(lang: str) -> tuple[int, str]:
    return (LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES), lang)
