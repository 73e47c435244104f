"""Gzip dumps of a built store: all graphs (RDF 1.2), their union as Turtle, and an RDF 1.1
projection (N-Quads, JSON-LD), with checksums.

Every dump is a pure function of the store: triples are written in the store's order or sorted,
and gzip gets ``mtime=0``, so the same inputs give byte-identical files and stable checksums.
"""

from __future__ import annotations

import enum
import gzip
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from pyoxigraph import Quad, RdfFormat, Store, Triple, serialize

from kg.rdf import rdf12_to_rdf11
from kg.vocab import PREFIXES


class Content(enum.Enum):
    """What a dump holds."""

    DATASET = "dataset"  # every quad, in its named graph, RDF 1.2 (claims as triple terms)
    UNION = "union"  # the union of all graphs as one graph: triples deduplicated, RDF 1.2
    RDF11 = "rdf11"  # every quad, claims projected onto rdf:Statement (RDF 1.1)


@dataclass(frozen=True, slots=True)
class Dump:
    name: str
    description: str
    content: Content
    format: RdfFormat

    @property
    def rdf11(self) -> bool:
        """Readable by RDF 1.1 tools (rdflib 7, pyshacl, JSON-LD processors)."""
        return self.content is Content.RDF11


DUMPS: dict[str, Dump] = {d.name: d for d in (
    Dump("kazcinema.nq.gz", "all named graphs, RDF 1.2 N-Quads (claims as rdf:reifies triple "
         "terms)", Content.DATASET, RdfFormat.N_QUADS),
    Dump("kazcinema.trig.gz", "all named graphs, RDF 1.2 TriG", Content.DATASET, RdfFormat.TRIG),
    Dump("kazcinema.ttl.gz", "the union of all graphs as one graph (no graph names, each triple "
         "once), RDF 1.2 Turtle", Content.UNION, RdfFormat.TURTLE),
    Dump("kazcinema-rdf11.nq.gz", "all named graphs, RDF 1.1 N-Quads (claims as rdf:Statement)",
         Content.RDF11, RdfFormat.N_QUADS),
    Dump("kazcinema-rdf11.jsonld.gz", "all named graphs, RDF 1.1 JSON-LD (claims as "
         "rdf:Statement; one @graph per named graph)", Content.RDF11, RdfFormat.JSON_LD),
)}


def _all_quads(store: Store) -> Iterator[Quad]:
    yield from store.quads_for_pattern(None, None, None, None)


def union_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The triples of all graphs, each once, sorted by subject then predicate (so Turtle groups
    a subject's triples under one subject, and the order does not depend on the store's)."""
    triples = {quad.triple for quad in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _content(quads: list[Quad], content: Content) -> Iterable[Quad] | Iterable[Triple]:
    if content is Content.UNION:
        return union_triples(quads)
    if content is Content.RDF11:
        return rdf12_to_rdf11(quads)
    return quads


def write_dumps(store: Store, target: Path) -> dict[str, str]:
    """Write every dump into ``target``; returns file name → SHA-256, also in SHA256SUMS."""
    target.mkdir(parents=True, exist_ok=True)
    sums: dict[str, str] = {}
    # read once for all dumps: reading the store is most of a dump's cost (the union's
    # deduplication holds every triple in memory anyway)
    quads = list(_all_quads(store))
    for name, dump in DUMPS.items():
        path = target / name
        prefixes = PREFIXES if dump.format in (RdfFormat.TRIG, RdfFormat.TURTLE) else None
        # mtime=0: the same store gives byte-identical dumps (stable checksums across builds)
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            serialize(_content(quads, dump.content), cast(IO[bytes], out), dump.format,
                      prefixes=prefixes)
        sums[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (target / "SHA256SUMS").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8"
    )
    return sums


def read_rdf11_projection(store: Store) -> bytes:
    """The RDF 1.1 projection as N-Quads bytes (for SHACL validation)."""
    return serialize(rdf12_to_rdf11(_all_quads(store)), format=RdfFormat.N_QUADS) or b""
