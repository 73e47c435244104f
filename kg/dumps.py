"""Gzip dumps of a built store: all graphs (RDF 1.2) and an RDF 1.1 projection, with checksums."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from pyoxigraph import Quad, RdfFormat, Store, serialize

from kg.rdf import rdf12_to_rdf11
from kg.vocab import PREFIXES


@dataclass(frozen=True, slots=True)
class Dump:
    name: str
    description: str
    rdf11: bool  # readable by RDF 1.1 tools (rdflib 7, pyshacl, JSON-LD processors)
    format: RdfFormat


def _all_quads(store: Store) -> Iterator[Quad]:
    yield from store.quads_for_pattern(None, None, None, None)


DUMPS: dict[str, Dump] = {
    "kazcinema.nq.gz": Dump("kazcinema.nq.gz", "all named graphs, RDF 1.2 N-Quads (claims as "
                            "rdf:reifies triple terms)", False, RdfFormat.N_QUADS),
    "kazcinema.trig.gz": Dump("kazcinema.trig.gz", "all named graphs, RDF 1.2 TriG", False,
                              RdfFormat.TRIG),
    "kazcinema-rdf11.nq.gz": Dump("kazcinema-rdf11.nq.gz", "all named graphs, RDF 1.1 N-Quads "
                                  "(claims as rdf:Statement)", True, RdfFormat.N_QUADS),
}


def write_dumps(store: Store, target: Path) -> dict[str, str]:
    """Write every dump into ``target``; returns file name → SHA-256, also in SHA256SUMS."""
    target.mkdir(parents=True, exist_ok=True)
    sums: dict[str, str] = {}
    for name, dump in DUMPS.items():
        quads: Callable[[], Iterator[Quad]] = (
            (lambda: rdf12_to_rdf11(_all_quads(store))) if dump.rdf11 else
            (lambda: _all_quads(store))
        )
        path = target / name
        # mtime=0: the same store gives byte-identical dumps (stable checksums across builds)
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            prefixes = PREFIXES if dump.format is RdfFormat.TRIG else None
            serialize(quads(), cast(IO[bytes], out), dump.format, prefixes=prefixes)
        sums[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (target / "SHA256SUMS").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8"
    )
    return sums


def read_rdf11_projection(store: Store) -> bytes:
    """The RDF 1.1 projection as N-Quads bytes (for SHACL validation)."""
    return serialize(rdf12_to_rdf11(_all_quads(store)), format=RdfFormat.N_QUADS) or b""
