"""A query's result, serialised in the format a client negotiated, in bounded chunks.

Also the main loop of a query process (see ``server.executor``): it receives jobs on a pipe and
answers each with ``("whole", kind, media, body, rows)`` when the result fits in one chunk, or
``("error", status, message)``, or a header ``("start", kind, media)``, the body in chunks, an
empty chunk, then ``("done", rows)`` or ``("failed", message)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import (
    DefaultGraph,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from kg.query import QueryResult, looks_like_update, run_query
from kg.rdf import rdf12_to_rdf11
from kg.store import open_read_only
from kg.vocab import PREFIXES

CHUNK = 64 * 1024
# graph formats that carry RDF 1.2 triple terms; the others get the RDF 1.1 projection
TRIPLE_TERM_FORMATS = frozenset({RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS,
                                 RdfFormat.TRIG})
# graph formats pyoxigraph writes straight from a CONSTRUCT/DESCRIBE result (the fastest path)
LINE_FORMATS = frozenset({RdfFormat.N_TRIPLES, RdfFormat.N_QUADS})
READ_ONLY = ("this endpoint is read-only: SPARQL Update is not accepted; "
             "download the dumps to change the data locally")


def query_hash(query: str) -> str:
    """A short stable id of a query text, for logs."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:12]


def result_kind(result: QueryResult) -> str:
    if isinstance(result, QuerySolutions):
        return "solutions"
    if isinstance(result, QueryBoolean):
        return "boolean"
    return "graph"


class ChunkWriter:
    """A file-like sink that hands on full chunks and counts result rows where it can.

    Nothing is sent until a chunk is full: a small result stays in ``pending`` and can travel
    in one message with its header (one round trip instead of four)."""

    def __init__(self, send: Callable[[bytes], None], media: str) -> None:
        self._send = send
        self.pending = bytearray()
        self.sent = False
        self._xml = media == "application/sparql-results+xml"
        self._lines = media.startswith(("text/csv", "text/tab-separated"))
        self.rows: int | None = 0 if self._xml or self._lines else None

    def write(self, data: bytes) -> int:
        self.pending += data
        if len(self.pending) >= CHUNK:
            self._count()
            self._send(bytes(self.pending))
            self.pending.clear()
            self.sent = True
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes its output; chunks are sent when full, or by the caller."""

    def _count(self) -> None:
        if self.rows is not None:
            self.rows += self.pending.count(b"<result>" if self._xml else b"\n")

    def finish(self, header_lines: int) -> int | None:
        """Count the rows of what is pending (which the caller sends); the total, if known."""
        self._count()
        if self.rows is not None and self._lines:
            self.rows = max(0, self.rows - header_lines)
        return self.rows


def write_result(result: QueryResult, media: str, out: ChunkWriter) -> int | None:
    """Serialise ``result`` as ``media`` into ``out``; returns the number of rows if known."""
    if isinstance(result, QuerySolutions | QueryBoolean):
        fmt = QueryResultsFormat.from_media_type(media)
        if fmt is None:
            raise ValueError(f"no results format for {media}")
        result.serialize(cast(IO[bytes], out), fmt)
        return out.finish(header_lines=1)
    rdf_format = RdfFormat.from_media_type(media)
    if rdf_format is None:
        raise ValueError(f"no RDF format for {media}")
    if rdf_format in LINE_FORMATS:  # no prefixes to add, triple terms kept: all in Rust
        result.serialize(cast(IO[bytes], out), rdf_format)
    else:
        serialize(graph_quads(result, rdf_format), cast(IO[bytes], out), rdf_format,  # type: ignore[arg-type]
                  prefixes=graph_prefixes(rdf_format))
    out.finish(header_lines=0)
    return None


def graph_prefixes(fmt: RdfFormat) -> dict[str, str] | None:
    """The project's prefixes, for the formats that abbreviate IRIs with them."""
    return PREFIXES if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) else None


def graph_quads(triples: Iterable[Triple], fmt: RdfFormat) -> Iterator[Triple | Quad]:
    """CONSTRUCT/DESCRIBE triples in the shape the format takes: quads in the default graph
    for dataset formats, RDF 1.1 reification where the format has no triple terms."""
    quads: Iterator[Quad] = (Quad(t.subject, t.predicate, t.object, DefaultGraph())
                             for t in triples)
    if fmt not in TRIPLE_TERM_FORMATS:
        quads = rdf12_to_rdf11(quads)
    if fmt.supports_datasets:
        yield from quads
    else:
        yield from (q.triple for q in quads)


def worker_main(conn: Connection) -> None:
    """Answer jobs from ``conn`` until it closes. A job has: store, query, default_graphs,
    named_graphs, formats (kind → media type or None)."""
    stores: dict[str, Store] = {}
    while True:
        try:
            job: Any = conn.recv()
        except (EOFError, OSError):
            return
        _answer(conn, job, stores)


def _answer(conn: Connection, job: Any, stores: dict[str, Store]) -> None:
    store = stores.get(job.store)
    if store is None:
        try:
            store = open_read_only(Path(job.store))
        except OSError as exc:
            conn.send(("error", 503, f"the store cannot be opened: {exc}"))
            return
        stores.clear()  # a new release: let the previous store go
        stores[job.store] = store
    try:
        result = run_query(store, job.query, job.default_graphs, job.named_graphs)
    except SyntaxError as exc:
        if looks_like_update(job.query):
            conn.send(("error", 403, READ_ONLY))
        else:
            conn.send(("error", 400, f"invalid SPARQL query: {exc}"))
        return
    except OSError as exc:  # pyoxigraph reports evaluation errors as OSError
        conn.send(("error", 400, f"the query failed: {exc}"))
        return
    kind = result_kind(result)
    media = job.formats.get(kind)
    if media is None:
        conn.send(("error", 406, f"this query returns {_KIND_NAMES[kind]}, and the request "
                   "accepts none of their formats"))
        return

    def send_chunk(data: bytes) -> None:
        if not writer.sent:
            conn.send(("start", kind, media))
        conn.send_bytes(data)

    writer = ChunkWriter(send_chunk, media)
    try:
        rows = write_result(result, media, writer)
    except OSError as exc:  # evaluation errors can surface while the results stream
        if not writer.sent:
            conn.send(("error", 400, f"the query failed: {exc}"))
            return
        conn.send_bytes(b"")
        conn.send(("failed", f"the query failed while streaming its results: {exc}"))
        return
    if not writer.sent:  # small: header, body and outcome in one message
        conn.send(("whole", kind, media, bytes(writer.pending), rows))
        return
    if writer.pending:
        conn.send_bytes(bytes(writer.pending))
    conn.send_bytes(b"")
    conn.send(("done", rows))


_KIND_NAMES = {"solutions": "solutions (SELECT)", "boolean": "a boolean (ASK)",
               "graph": "a graph (CONSTRUCT/DESCRIBE)"}
