"""Kazcinema SPARQL benchmark: one synthetic graph, one query mix, three doors.

    .venv/bin/python tests/perf/bench.py --films 10000

1. generates a synthetic graph of N films in the Kazcinema ontology and layout
   (``tests/perf/synth.py``) and bulk-loads it into a fresh on-disk Oxigraph store;
2. runs a query mix typical of the graph's users (lookups, filmographies, cast with roles,
   2-hop influence, provenance via GRAPH, DESCRIBE; aggregates, label filters, a 100k-row
   SELECT, a CONSTRUCT)
3. through three doors: ``floor`` (pyoxigraph in-process on the same store, results
   serialised to the bytes the HTTP doors send), ``ours`` (``kazcinema serve --store DIR``) and
   ``oxigraph`` (``oxigraph serve-read-only``, the Rust server of the same engine);
4. prints median and p95 latency per query and door at one client, throughput at 1, 4 and 16
   concurrent clients on the light queries, the memory growth of the server while it streams a
   1M-row SELECT as CSV, and the ratios that issue 4's targets ask for.

Not a test: pytest does not collect it. See tests/perf/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import GENERATOR_VERSION, Probes, build_store

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"

PROLOGUE = """\
PREFIX kz: <https://w3id.org/kazcinema/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# --- the query mix -------------------------------------------------------------------------

Kind = Literal["light", "heavy", "catalogue"]


@dataclass(frozen=True)
class Query:
    name: str
    kind: Kind
    graph: bool  # CONSTRUCT / DESCRIBE: asked for as N-Triples; else SELECT as JSON
    what: str
    make: Callable[[Probes, int], str]  # the i-th variant of the query text

    def text(self, probes: Probes, i: int) -> str:
        return PROLOGUE + self.make(probes, i)


def _pick(items: Sequence[str], i: int) -> str:
    return items[i % len(items)]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


QUERIES: list[Query] = [
    Query("lookup", "light", False, "a film by its English title",
          lambda p, i: f"""SELECT ?film ?date WHERE {{
  ?film skos:prefLabel {_quoted(_pick(p.film_titles_en, i))}@en .
  OPTIONAL {{ ?film kz:releaseDate ?date }}
}}"""),
    Query("filmography", "light", False, "a person's films as director or actor, by year",
          lambda p, i: f"""SELECT ?film ?title ?date ?role ?character WHERE {{
  {{ ?film kz:director <{_pick(p.directors if i % 2 else p.actors, i // 2)}> .
     BIND("director" AS ?role) }}
  UNION
  {{ ?perf kz:performer <{_pick(p.directors if i % 2 else p.actors, i // 2)}> ; kz:film ?film .
     OPTIONAL {{ ?perf kz:characterName ?character }} BIND("actor" AS ?role) }}
  ?film skos:prefLabel ?title . FILTER(LANGMATCHES(LANG(?title), "en"))
  OPTIONAL {{ ?film kz:releaseDate ?date }}
}} ORDER BY ?date"""),
    Query("cast", "light", False, "who played whom in a film, per text",
          lambda p, i: f"""SELECT ?actor ?name ?character ?source WHERE {{
  GRAPH ?g {{ ?perf a kz:Performance ; kz:film <{_pick(p.film_iris, i)}> ;
                   kz:performer ?actor ; kz:characterName ?character . }}
  ?g dcterms:source ?source .
  ?actor skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), "en"))
}}"""),
    Query("influence_2hop", "light", False, "films influenced by films a film influenced",
          lambda p, i: f"""SELECT DISTINCT ?film ?title ?via WHERE {{
  ?via kz:influencedBy <{_pick(p.influential_films, i)}> .
  ?film kz:influencedBy ?via .
  ?film skos:prefLabel ?title . FILTER(LANGMATCHES(LANG(?title), "en"))
}}"""),
    Query("provenance", "light", False,
          "who directed a film, per named graph, with quote and offsets",
          lambda p, i: f"""SELECT ?g ?director ?source ?quote ?start ?end WHERE {{
  GRAPH ?g {{
    <{_pick(p.film_iris, i)}> kz:director ?director .
    ?claim rdf:reifies <<( <{_pick(p.film_iris, i)}> kz:director ?director )>> ;
           kz:statedIn ?source ; kz:quote ?quote ; kz:evidence ?passage .
    ?passage oa:hasSelector ?sel . ?sel a oa:TextPositionSelector ; oa:start ?start ;
             oa:end ?end .
  }}
}}"""),
    Query("claims_about", "light", False, "every claim about a film, with source and quote",
          lambda p, i: f"""SELECT ?p ?o ?source ?quote WHERE {{
  <{_pick(p.film_iris, i)}> ?p ?o .
  ?claim rdf:reifies <<( <{_pick(p.film_iris, i)}> ?p ?o )>> ;
         kz:statedIn ?source ; kz:quote ?quote .
}}"""),
    Query("describe", "light", True, "DESCRIBE a film",
          lambda p, i: f"DESCRIBE <{_pick(p.film_iris, i)}>"),
    Query("provenance_naive", "heavy", False,
          "provenance written as README.md's first query: the triple term alone",
          lambda p, i: f"""SELECT ?director ?source ?quote WHERE {{
  ?claim rdf:reifies <<( <{_pick(p.film_iris, i)}> kz:director ?director )>> ;
         kz:statedIn ?source ; kz:quote ?quote .
}}"""),
    Query("per_decade", "heavy", False, "films per decade of release (aggregate)",
          lambda p, i: """SELECT ?decade (COUNT(DISTINCT ?film) AS ?films) WHERE {
  ?film a kz:Film ; kz:releaseDate ?date .
  BIND(FLOOR(YEAR(?date) / 10) * 10 AS ?decade)
} GROUP BY ?decade ORDER BY ?decade"""),
    Query("per_studio", "heavy", False, "the 20 studios with most films (aggregate)",
          lambda p, i: """SELECT ?studio ?name (COUNT(DISTINCT ?film) AS ?films) WHERE {
  ?film kz:productionCompany ?studio .
  ?studio skos:prefLabel ?name . FILTER(LANGMATCHES(LANG(?name), "en"))
} GROUP BY ?studio ?name ORDER BY DESC(?films) LIMIT 20"""),
    Query("claims_per_text", "heavy", False, "claims and subjects per named graph (GRAPH ?g)",
          lambda p, i: """SELECT ?g ?source (COUNT(?claim) AS ?claims)
       (COUNT(DISTINCT ?subject) AS ?subjects) WHERE {
  GRAPH ?g { ?claim kz:statedIn ?source ; rdf:reifies <<( ?subject ?p ?o )>> . }
} GROUP BY ?g ?source ORDER BY ?g"""),
    Query("label_contains", "heavy", False, "names containing a string, any language",
          lambda p, i: f"""SELECT ?entity ?label WHERE {{
  ?entity skos:prefLabel|skos:altLabel ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), {_quoted(_pick(p.label_needles, i))}))
}}"""),
    Query("select_100k", "heavy", False, "100,000 claims with source and quote",
          lambda p, i: """SELECT ?claim ?source ?quote WHERE {
  ?claim kz:statedIn ?source ; kz:quote ?quote .
} LIMIT 100000"""),
    Query("construct", "heavy", True, "CONSTRUCT the largest studio's films and directors",
          lambda p, i: f"""CONSTRUCT {{
  ?film kz:director ?director ; skos:prefLabel ?title ; kz:releaseDate ?date .
  ?director skos:prefLabel ?name .
}} WHERE {{
  ?film kz:productionCompany <{p.top_studio}> ; kz:director ?director ;
        skos:prefLabel ?title ; kz:releaseDate ?date .
  ?director skos:prefLabel ?name .
}}"""),
]

def _constant(text: str) -> Callable[[Probes, int], str]:
    def make(probes: Probes, i: int) -> str:
        return text

    return make


def catalogue_queries() -> list[Query]:
    """The example queries of ``queries/*.rq`` (what the site offers its users), with the
    prefixes the endpoint pre-declares written out for the doors that do not."""
    sys.path.insert(0, str(REPO))
    from kg.catalogue import load_queries
    from kg.vocab import PREFIXES

    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    found = []
    for example in load_queries(REPO / "queries"):
        body = "\n".join(line for line in example.text.splitlines()
                         if not line.lstrip().startswith("#"))
        form = re.search(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", body, re.I)
        graph = form is not None and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
        found.append(Query(example.name, "catalogue", graph, example.title,
                           _constant(prologue + example.text)))
    return found


STREAM_QUERY = PROLOGUE + "SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}"

# --- doors ---------------------------------------------------------------------------------


class Door(Protocol):
    name: str

    def ask(self, query: str, graph: bool) -> bytes:
        """Run the query; the full response body (raises on an error status)."""
        ...


class DoorError(Exception):
    pass


class Floor:
    """pyoxigraph in the benchmark process: query, then serialise as the HTTP doors do."""

    name = "floor"

    def __init__(self, store_dir: Path) -> None:
        self.store = Store.read_only(str(store_dir))

    def ask(self, query: str, graph: bool) -> bytes:
        result = self.store.query(query, use_default_graph_as_union=True)
        if isinstance(result, QuerySolutions | QueryBoolean):
            return result.serialize(format=QueryResultsFormat.JSON) or b""
        assert isinstance(result, QueryTriples)
        return result.serialize(format=RdfFormat.N_TRIPLES) or b""


class Http:
    """A SPARQL endpoint over HTTP GET, one keep-alive connection per thread."""

    def __init__(self, name: str, port: int, path: str, gzip: bool = False) -> None:
        self.name = name
        self.extra_headers = {"Accept-Encoding": "gzip"} if gzip else {}
        self.port = port
        self.path = path
        self._local = threading.local()
        self.statuses: dict[int, int] = {}
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            self._local.conn = conn
        return conn

    def url(self, query: str) -> str:
        return self.path + "?" + urllib.parse.urlencode({"query": query})

    def ask(self, query: str, graph: bool) -> bytes:
        url = self.url(query)
        headers = {"Accept": N_TRIPLES if graph else JSON_RESULTS, **self.extra_headers}
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                conn.close()  # the server closed a kept-alive connection: reconnect once
                if attempt == 2:
                    raise
                continue
            if response.status != 200:
                with self._lock:
                    self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                raise DoorError(f"{self.name}: HTTP {response.status}: {body[:300]!r}")
            if response.getheader("Content-Encoding") == "gzip":
                body = zlib.decompress(body, wbits=31)
            return body
        raise AssertionError("unreachable")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def count_rows(body: bytes, graph: bool) -> int:
    if graph:
        return sum(1 for line in body.splitlines() if line.strip())
    data = json.loads(body)
    if "boolean" in data:
        return 1
    return len(data["results"]["bindings"])


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def executable(name: str) -> str | None:
    return shutil.which(name, path=str(VENV_BIN)) or shutil.which(name)


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    path: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def _wait_ready(server: Server, timeout: float = 180) -> None:
    url = server.path + "?" + urllib.parse.urlencode({"query": "ASK { }"})
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", url, headers={"Accept": JSON_RESULTS})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            tail = server.log.read_text("utf-8", "replace")[-3000:]
            raise SystemExit(f"{server.name} did not start; its log ends with:\n{tail}")
        time.sleep(0.2)


def _spawn(name: str, cmd: list[str], port: int, path: str, log: Path,
           env: dict[str, str] | None = None) -> Server:
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, env=env)
    server = Server(name, process, port, path, log)
    _wait_ready(server)
    return server


def serve_help() -> str:
    exe = executable("kazcinema")
    if exe is None:
        raise SystemExit("kazcinema is not installed: .venv/bin/pip install -e .")
    return subprocess.run([exe, "serve", "--help"], capture_output=True, text=True,
                          check=False).stdout


def start_ours(store_dir: Path, work: Path, workers: int | None,
               extra: Sequence[str]) -> tuple[Server, str]:
    """``kazcinema serve --store DIR``; before that option existed, a project root whose
    ``data/build/current`` release holds (a link to) the store. Returns how it was started."""
    exe = executable("kazcinema")
    assert exe is not None
    help_text = serve_help()
    port = free_port()
    common = ["--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        common += ["--workers", str(workers)]
    if "--client-concurrency" in help_text and "--client-concurrency" not in extra:
        # the per-client limit would answer 429 to a 16-thread load test from one address
        common += ["--client-concurrency", "0"]
    if "--store" in help_text:
        cmd = [exe, "serve", "--store", str(store_dir), *common, *extra]
        how = "kazcinema serve --store"
    else:
        root = work / "project"
        release = root / "data" / "build" / "releases" / "bench"
        release.mkdir(parents=True, exist_ok=True)
        (root / "queries").mkdir(exist_ok=True)
        if not (release / "store").exists():
            (release / "store").symlink_to(store_dir.resolve())
        (release / "manifest.json").write_text(json.dumps({"version": "bench"}), "utf-8")
        current = root / "data" / "build" / "current"
        if not current.is_symlink():
            current.symlink_to("releases/bench")
        cmd = [exe, "--root", str(root), "serve", "--no-build", *common, *extra]
        how = "kazcinema --root (release layout) serve --no-build"
    return _spawn("ours", cmd, port, "/sparql", work / "ours.log"), how + " " + " ".join(
        common[4:] + list(extra))


def start_bare(store_dir: Path, work: Path, extra: Sequence[str] = ()) -> Server:
    """``bare_endpoint.py``: Flask + gunicorn + pyoxigraph and nothing else (by default)."""
    port = free_port()
    cmd = [sys.executable, str(Path(__file__).with_name("bare_endpoint.py")), "--store",
           str(store_dir), "--port", str(port), *extra]
    return _spawn("bare", cmd, port, "/sparql", work / "bare.log")


def start_oxigraph(store_dir: Path, work: Path, timeout: int = 0) -> Server | None:
    """``oxigraph serve-read-only``; with ``timeout``, ``--timeout-s`` (which, in 0.5.13, starts
    a thread per query: under load it answers 500 "Resource temporarily unavailable" and then
    dies, so it is off unless asked for)."""
    exe = executable("oxigraph")
    if exe is None:
        return None
    port = free_port()
    cmd = [exe, "serve-read-only", "--location", str(store_dir), "--bind",
           f"127.0.0.1:{port}", "--union-default-graph"]
    if timeout:
        cmd += ["--timeout-s", str(timeout)]
    return _spawn("oxigraph", cmd, port, "/query", work / "oxigraph.log")


# --- memory of a process tree ----------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


class RssSampler:
    """Samples the RSS of every process in a tree (new children included) every 10 ms."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.baseline = {pid: rss(pid) for pid in process_tree(root)}
        self.peak: dict[int, int] = dict(self.baseline)
        self.peak_total = sum(self.baseline.values())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pids = process_tree(self.root)
        last_scan = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - last_scan > 0.5:
                pids, last_scan = process_tree(self.root), time.monotonic()
            sizes = {pid: rss(pid) for pid in pids}
            for pid, size in sizes.items():
                self.peak[pid] = max(self.peak.get(pid, 0), size)
            self.peak_total = max(self.peak_total, sum(sizes.values()))
            self._stop.wait(0.01)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_total(self) -> int:
        return self.peak_total - sum(self.baseline.values())

    @property
    def growth_one(self) -> int:
        """The largest growth of a single process (new processes count from zero)."""
        return max((peak - self.baseline.get(pid, 0) for pid, peak in self.peak.items()),
                   default=0)

    def grew_most(self) -> str:
        """Which process grew most: the server's main process, a child (a gunicorn worker),
        or a grandchild (one of our query processes)."""
        if not self.peak:
            return "—"
        pid = max(self.peak, key=lambda p: self.peak[p] - self.baseline.get(p, 0))
        if pid == self.root:
            return "main"
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        except OSError:
            return "gone"
        return "worker" if ppid == self.root else "query proc"


@dataclass
class StreamResult:
    door: str
    rows: int
    megabytes: float
    first_byte_ms: float
    total_s: float
    growth_total_mb: float
    growth_one_mb: float
    baseline_mb: float
    status: int
    grew_most: str


def stream_csv(server: Server, rows: int, gzip: bool = False) -> StreamResult:
    """Stream the CSV (with ``gzip``, as gzip where the server offers it: the body is then
    decompressed to count its rows)."""
    query = STREAM_QUERY.format(rows=rows)
    url = server.path + "?" + urllib.parse.urlencode({"query": query})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    with RssSampler(server.process.pid) as sampler:
        t0 = time.perf_counter()
        headers = {"Accept": "text/csv", **({"Accept-Encoding": "gzip"} if gzip else {})}
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        inflate = zlib.decompressobj(wbits=31) if response.getheader(
            "Content-Encoding") == "gzip" else None
        first = response.read(1)
        t_first = time.perf_counter()
        size, lines = len(first), 0
        pending = first
        while True:
            text = inflate.decompress(pending) if inflate else pending
            lines += text.count(b"\n")
            pending = response.read(1 << 16)
            if not pending:
                break
            size += len(pending)
        total = time.perf_counter() - t0
        time.sleep(0.1)  # one more sample after the response
    conn.close()
    return StreamResult(server.name, max(0, lines - 1), size / 1e6, (t_first - t0) * 1e3, total,
                        sampler.growth_total / 1e6, sampler.growth_one / 1e6,
                        sum(sampler.baseline.values()) / 1e6, response.status,
                        sampler.grew_most())


_FLOOR_STREAM = """
import sys
from pyoxigraph import QueryResultsFormat, Store

class Sink:
    def write(self, data):
        return len(data)

    def flush(self):
        pass

store = Store.read_only(sys.argv[1])
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.readline()
result = store.query(sys.argv[2], use_default_graph_as_union=True)
result.serialize(Sink(), QueryResultsFormat.CSV)
"""


def stream_floor(store_dir: Path, rows: int) -> StreamResult:
    """The same CSV serialised by pyoxigraph in a fresh process (into a sink that keeps
    nothing): the memory the engine itself takes for the query (block cache and the like)."""
    query = STREAM_QUERY.format(rows=rows)
    process = subprocess.Popen([sys.executable, "-c", _FLOOR_STREAM, str(store_dir), query],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    process.stdout.readline()
    with RssSampler(process.pid) as sampler:
        t0 = time.perf_counter()
        process.stdin.write(b"go\n")
        process.stdin.flush()
        process.stdin.close()
        while process.poll() is None:  # sample until just before the process exits
            if process.stdout.read(1) == b"":
                break
        total = time.perf_counter() - t0
    process.wait()
    return StreamResult("floor", rows, 0.0, 0.0, total, sampler.growth_total / 1e6,
                        sampler.growth_one / 1e6, sum(sampler.baseline.values()) / 1e6,
                        200 if process.returncode == 0 else 500, "fresh process")


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Results:
    films: int
    quads: int
    latency: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # door → query → ms
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    throughput: dict[str, dict[int, float]] = field(default_factory=dict)  # door → clients → q/s
    throughput_errors: dict[str, dict[int, int]] = field(default_factory=dict)
    streams: list[StreamResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


SLOW_MS = 10_000  # a query slower than this (in its first run) is run once per door


def measure_latency(doors: list[Door], queries: list[Query], probes: Probes, repeat: int,
                    results: Results, log: Callable[[str], None],
                    deadlined: Sequence[str] = ("ours",)) -> None:
    """Each query through every door; the doors take turns run by run (in rotating order), so
    that a slower minute of a shared machine weighs on all of them alike."""
    for q in queries:
        n = repeat if q.kind == "light" else max(3, repeat // 5)
        alive: list[Door] = []
        first: dict[str, float] = {}
        # catalogue queries may run for minutes: only through the doors with a deadline
        for door in [d for d in doors if q.kind != "catalogue" or d.name in deadlined]:
            try:
                t0 = time.perf_counter()
                body = door.ask(q.text(probes, 0), q.graph)  # warm-up, and the row count
                first[door.name] = (time.perf_counter() - t0) * 1e3
                results.rows.setdefault(door.name, {})[q.name] = count_rows(body, q.graph)
                if first[door.name] <= 1000:
                    door.ask(q.text(probes, 1), q.graph)
            except Exception as exc:  # reported in the table; the run goes on
                message = f"{type(exc).__name__}: {exc}"[:300]
                results.errors.setdefault(door.name, {})[q.name] = message
                log(f"  {door.name} {q.name}: ERROR {message}")
                continue
            alive.append(door)
        times: dict[str, list[float]] = {door.name: [] for door in alive}
        slowest = max(first.values(), default=0.0)
        if slowest > SLOW_MS:  # the warm-up run is the measurement
            n = 0
            times = {name: [ms] for name, ms in first.items()}
        elif slowest > 1000:  # a slow query: one warm-up and three timed runs will do
            n = 3
        for i in range(n):
            text = q.text(probes, i + 2)
            k = i % max(1, len(alive))
            for door in alive[k:] + alive[:k]:
                try:
                    t0 = time.perf_counter()
                    door.ask(text, q.graph)
                    times[door.name].append((time.perf_counter() - t0) * 1e3)
                except Exception as exc:  # reported in the table; the run goes on
                    results.errors.setdefault(door.name, {})[q.name] = (
                        f"run {i}: {type(exc).__name__}: {exc}"[:300])
        summary = []
        for door in alive:
            if times[door.name]:
                results.latency.setdefault(door.name, {})[q.name] = times[door.name]
                summary.append(f"{door.name} {statistics.median(times[door.name]):.2f}")
        rows = results.rows.get(alive[0].name, {}).get(q.name) if alive else None
        shown = "—" if rows is None else f"{rows}"
        log(f"  {q.name:16} {shown:>7} rows, {n or 1} runs, median ms: " + ", ".join(summary))


def measure_throughput(door: Door, queries: list[Query], probes: Probes, clients: int,
                       duration: float) -> tuple[int, float, int]:
    """Completed queries, seconds measured, failures: ``clients`` threads, each with its own
    connection, sending the light queries round-robin with no pause."""
    texts = [(q.text(probes, i), q.graph) for i in range(50) for q in queries]
    counts = [0] * clients
    failures = [0] * clients
    stop = threading.Event()
    start = threading.Barrier(clients + 1)

    def worker(k: int) -> None:
        i = k * 37
        start.wait()
        while not stop.is_set():
            text, graph = texts[i % len(texts)]
            i += 1
            try:
                door.ask(text, graph)
                counts[k] += 1
            except Exception:  # counted as failures
                failures[k] += 1

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    time.sleep(0.3)  # ramp-up, not counted
    before, failed_before, t0 = sum(counts), sum(failures), time.perf_counter()
    time.sleep(duration)
    done, failed = sum(counts) - before, sum(failures) - failed_before
    elapsed = time.perf_counter() - t0
    stop.set()
    for t in threads:
        t.join(timeout=300)
    return done, elapsed, failed


def run_throughput(doors: list[Door], queries: list[Query], probes: Probes,
                   args: argparse.Namespace, results: Results,
                   log: Callable[[str], None]) -> None:
    """Per number of clients, ``--rounds`` short runs per door, the doors taking turns."""
    light = [q for q in queries if q.kind == "light"]
    if not light or args.duration <= 0:
        return
    for clients in args.clients:
        done = dict.fromkeys((d.name for d in doors), 0)
        seconds = dict.fromkeys((d.name for d in doors), 0.0)
        failed = dict.fromkeys((d.name for d in doors), 0)
        for r in range(args.rounds):
            for door in doors if r % 2 == 0 else doors[::-1]:
                n, elapsed, bad = measure_throughput(door, light, probes, clients,
                                                     args.duration / args.rounds)
                done[door.name] += n
                seconds[door.name] += elapsed
                failed[door.name] += bad
        for door in doors:
            qps = done[door.name] / seconds[door.name]
            results.throughput.setdefault(door.name, {})[clients] = qps
            results.throughput_errors.setdefault(door.name, {})[clients] = failed[door.name]
        log(f"  {clients:2} clients, queries/s: " + ", ".join(
            f"{d.name} {results.throughput[d.name][clients]:.0f}"
            + (f" ({failed[d.name]} failed)" if failed[d.name] else "") for d in doors))


# --- the report ----------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(values: list[float] | None) -> str:
    if not values:
        return f"{'—':>17}"
    return f"{statistics.median(values):8.2f} {p95(values):8.2f}"


def report(results: Results, queries: list[Query], doors: list[str]) -> str:
    out: list[str] = []
    w = out.append
    w("")
    w(f"Kazcinema SPARQL benchmark: {results.films:,} films, {results.quads:,} quads")
    w("")
    w("Latency at 1 client, ms (median p95); rows as counted from the first door's answer")
    nw = max([16, *(len(q.name) for q in queries)])
    header = f"{'query':{nw}} {'kind':5} {'rows':>8} " + " ".join(
        f"{d + ' med   p95':>17}" for d in doors)
    compared = [d for d in doors if d != "floor"]
    short = {"oxigraph": "oxi"}
    for d in compared:
        header += f" {short.get(d, d) + '-floor':>10} {short.get(d, d) + '/floor':>10}"
    w(header)
    w("-" * len(header))
    for q in queries:
        floor_ms = results.latency.get("floor", {}).get(q.name)
        rows = next((results.rows[d][q.name] for d in doors
                     if q.name in results.rows.get(d, {})), None)
        kind = "cat." if q.kind == "catalogue" else q.kind
        line = f"{q.name:{nw}} {kind:5} {rows if rows is not None else '—':>8} "
        line += " ".join(_ms(results.latency.get(d, {}).get(q.name)) for d in doors)
        for d in compared:
            ms = results.latency.get(d, {}).get(q.name)
            if ms and floor_ms:
                diff = statistics.median(ms) - statistics.median(floor_ms)
                ratio = statistics.median(ms) / statistics.median(floor_ms)
                line += f" {diff:+10.2f} {ratio:9.2f}×"
            else:
                line += f" {'—':>10} {'—':>10}"
        w(line)
    mismatches = []
    for q in queries:
        counts = {d: results.rows.get(d, {}).get(q.name) for d in doors}
        known = {d: c for d, c in counts.items() if c is not None}
        if len(set(known.values())) > 1:
            mismatches.append(f"{q.name}: " + ", ".join(f"{d} {c}" for d, c in known.items()))
    for d in doors:
        for name, err in results.errors.get(d, {}).items():
            w(f"  ! {d} {name}: {err}")
    if mismatches:
        w("  ! row counts differ between doors: " + "; ".join(mismatches))

    if results.throughput:
        levels = sorted({c for t in results.throughput.values() for c in t})
        w("")
        w("Throughput on the light queries (round-robin over "
          f"{sum(1 for q in queries if q.kind == 'light')} queries), queries/s")
        w(f"{'door':10}" + "".join(f" {str(c) + ' clients':>12}" for c in levels))
        for d in doors:
            t = results.throughput.get(d)
            if not t:
                continue
            errs = results.throughput_errors.get(d, {})
            w(f"{d:10}" + "".join(
                f" {t[c]:12.0f}" if c in t else f" {'—':>12}" for c in levels)
              + ("   failed: " + ", ".join(f"{errs[c]} at {c}" for c in levels if errs.get(c))
                 if any(errs.values()) else ""))

    if results.streams:
        w("")
        w("Streaming a SELECT as CSV (server process tree RSS, sampled every 10 ms)")
        w(f"{'door':10} {'rows':>9} {'MB sent':>8} {'1st byte ms':>11} {'total s':>8} "
          f"{'RSS before':>10} {'growth all':>10} {'growth 1 proc':>13}  which")
        for s in results.streams:
            sent = (f"{'—':>8} {'—':>11}" if s.door == "floor" else
                    f"{s.megabytes:8.1f} {s.first_byte_ms:11.1f}")
            w(f"{s.door:10} {s.rows:9,} {sent} "
              f"{s.total_s:8.2f} {s.baseline_mb:8.0f}MB {s.growth_total_mb:8.0f}MB "
              f"{s.growth_one_mb:11.0f}MB  {s.grew_most}"
              + (f"  HTTP {s.status}" if s.status != 200 else ""))

    w("")
    w("Targets (issue 4)")
    w(f"{'':58} {'measured':>10} {'target':>9}")

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    floor = results.latency.get("floor", {})
    ours = results.latency.get("ours", {})
    light = [q.name for q in queries if q.kind == "light" and q.name in floor and q.name in ours]
    heavy = [q.name for q in queries if q.kind == "heavy" and q.name in floor and q.name in ours]
    if light:
        diffs = {n: statistics.median(ours[n]) - statistics.median(floor[n]) for n in light}
        worst = max(diffs, key=lambda n: diffs[n])
        w(f"{'light: median ours − floor, worst (' + worst + ')':58} "
          f"{diffs[worst]:+8.2f}ms {'≤ 0.7 ms':>9}  {verdict(diffs[worst] <= 0.7)}")
        mean = statistics.mean(diffs.values())
        w(f"{'light: median ours − floor, mean of ' + str(len(light)) + ' queries':58} "
          f"{mean:+8.2f}ms {'≤ 0.7 ms':>9}  {verdict(mean <= 0.7)}")
    if heavy:
        ratios = {n: statistics.median(ours[n]) / statistics.median(floor[n]) for n in heavy}
        worst = max(ratios, key=lambda n: ratios[n])
        w(f"{'heavy: median ours / floor, worst (' + worst + ')':58} "
          f"{ratios[worst]:9.2f}× {'≤ 1.1×':>9}  {verdict(ratios[worst] <= 1.1)}")
    t_ours = results.throughput.get("ours", {})
    t_oxi = results.throughput.get("oxigraph", {})
    top = max((c for c in t_ours if c in t_oxi), default=None)
    if top is not None and t_oxi[top] > 0:
        ratio = t_ours[top] / t_oxi[top]
        w(f"{'throughput at ' + str(top) + ' clients, ours / oxigraph':58} "
          f"{ratio:9.2f}× {'≥ 0.8×':>9}  {verdict(ratio >= 0.8)}")
    t_bare = results.throughput.get("bare", {})
    top = max((c for c in t_ours if c in t_bare), default=None)
    if top is not None and t_bare[top] > 0:
        w(f"{'(for reference) throughput at ' + str(top) + ' clients, ours / bare':58} "
          f"{t_ours[top] / t_bare[top]:9.2f}×")
    engine = next((s for s in results.streams if s.door == "floor"), None)
    for s in results.streams:
        if s.door == "ours":
            w(f"{f'{s.rows:,}-row CSV: growth of the server process tree':58} "
              f"{s.growth_total_mb:8.0f}MB {'< 100 MB':>9}  "
              f"{verdict(s.growth_total_mb < 100 and s.status == 200)}"
              + (f"  (pyoxigraph alone, fresh process: {engine.growth_total_mb:.0f} MB)"
                 if engine else ""))
    for note in results.notes:
        w(f"note: {note}")
    return "\n".join(out)


def describe_versions() -> str:
    """The code measured (commit, and whether the working tree differs) and engine versions."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=False).stdout.strip() or "?"
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "server", "kg"],
                           capture_output=True, text=True, check=False).stdout.strip()
    import pyoxigraph

    oxi = executable("oxigraph")
    oxi_version = subprocess.run([oxi, "--version"], capture_output=True, text=True,
                                 check=False).stdout.strip() if oxi else "oxigraph absent"
    return (f"commit {head}{' + uncommitted changes in server/ or kg/' if dirty else ''}; "
            f"pyoxigraph {pyoxigraph.__version__}; {oxi_version}")


# --- main ----------------------------------------------------------------------------------


def prepare_store(args: argparse.Namespace, work: Path,
                  log: Callable[[str], None]) -> tuple[Path, Probes]:
    store_dir = work / f"store-{args.films}-s{args.seed}"
    probes_file = store_dir.with_name(store_dir.name + ".probes.json")
    if store_dir.is_dir() and probes_file.is_file():
        probes = Probes.load(probes_file)
        if probes.version == GENERATOR_VERSION:
            log(f"reusing {store_dir} ({probes.quads:,} quads)")
            return store_dir, probes
    shutil.rmtree(store_dir, ignore_errors=True)
    probes = build_store(store_dir, args.films, args.seed, log)
    probes.save(probes_file)
    return store_dir, probes


@contextmanager
def workdir(args: argparse.Namespace) -> Iterator[Path]:
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        yield args.workdir
        return
    path = Path(tempfile.mkdtemp(prefix="kazcinema-bench-"))
    try:
        yield path
    finally:
        if args.keep:
            print(f"kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the Kazcinema SPARQL endpoint against pyoxigraph in-process "
                    "and oxigraph serve-read-only on a synthetic graph.")
    parser.add_argument("--films", type=int, default=10_000, help="films to generate (10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=40,
                        help="timed runs per light query and door; heavy ones get a fifth, at "
                             "least 3 (40)")
    parser.add_argument("--clients", default="1,4,16",
                        help="concurrent clients for the throughput runs (1,4,16)")
    parser.add_argument("--duration", type=float, default=4.0,
                        help="seconds of throughput measurement per door and number of "
                             "clients; 0 skips them (4)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="split each throughput measurement in this many runs, the doors "
                             "taking turns (2)")
    parser.add_argument("--stream-rows", type=int, default=1_000_000,
                        help="rows of the streamed CSV SELECT; 0 skips it (1000000)")
    parser.add_argument("--only", default=None,
                        help="comma-separated query names to run (default: all); "
                             + ", ".join(q.name for q in QUERIES))
    parser.add_argument("--catalogue", action="store_true",
                        help="also time the example queries of queries/*.rq (kind "
                             "'catalogue'; not part of the targets; --only catalogue runs "
                             "just them)")
    parser.add_argument("--oxigraph-timeout", type=int, default=0,
                        help="pass --timeout-s to oxigraph serve-read-only, and run the "
                             "catalogue queries through it too (0: not; see README)")
    parser.add_argument("--skip-oxigraph", action="store_true",
                        help="do not run oxigraph serve-read-only")
    parser.add_argument("--skip-ours", action="store_true", help="do not run kazcinema serve")
    parser.add_argument("--bare", action="store_true",
                        help="add a fourth door: bare_endpoint.py, Flask + gunicorn (2 sync "
                             "workers) + pyoxigraph without any of our server's features")
    parser.add_argument("--bare-arg", action="append", default=[],
                        help="extra argument for bare_endpoint.py (repeatable), e.g. "
                             "--bare-arg=--server=granian --bare-arg=--app=raw")
    parser.add_argument("--gzip", action="store_true",
                        help="HTTP doors: send Accept-Encoding: gzip, as browsers, curl "
                             "--compressed and Python requests do")
    parser.add_argument("--workers", type=int, default=None,
                        help="kazcinema serve --workers (default: the server's own default)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for kazcinema serve (repeatable)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="directory for the store and server logs; a store generated "
                             "there for the same --films and --seed is reused (default: a "
                             "temporary directory)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (store and logs)")
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    args = parser.parse_args(argv)
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    every = QUERIES + (catalogue_queries() if args.catalogue else [])
    queries = every
    if args.only:
        wanted = {n.strip() for n in args.only.split(",")}
        unknown = wanted - {q.name for q in every} - {"catalogue"}
        if unknown:
            raise SystemExit(f"unknown query {', '.join(sorted(unknown))}; known: "
                             + ", ".join(q.name for q in every))
        queries = [q for q in every if q.name in wanted
                   or (q.kind == "catalogue" and "catalogue" in wanted)]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with workdir(args) as work:
        t0 = time.perf_counter()
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        store_dir, probes = prepare_store(args, work, log)
        results = Results(args.films, probes.quads)
        results.notes.append(f"measured: {describe_versions()}")
        doors: list[Door] = [Floor(store_dir)]
        servers: list[Server] = []
        https: list[Http] = []
        try:
            if not args.skip_ours:
                server, how = start_ours(store_dir, work, args.workers, args.server_arg)
                servers.append(server)
                results.notes.append(f"ours: {how}")
            if args.bare:
                servers.append(start_bare(store_dir, work, args.bare_arg))
            if not args.skip_oxigraph:
                oxi = start_oxigraph(store_dir, work, args.oxigraph_timeout)
                if oxi is None:
                    results.notes.append("oxigraph not found: .venv/bin/pip install oxigraph")
                else:
                    servers.append(oxi)
            for server in servers:
                https.append(Http(server.name, server.port, server.path, args.gzip))
            if args.gzip:
                results.notes.append("HTTP doors asked with Accept-Encoding: gzip")
            doors += https
            log(f"latency at 1 client through {', '.join(d.name for d in doors)}")
            deadlined = ("ours", "oxigraph") if args.oxigraph_timeout else ("ours",)
            measure_latency(doors, queries, probes, args.repeat, results, log, deadlined)
            log("throughput on the light queries")
            run_throughput(doors, queries, probes, args, results, log)
            for door in https:
                if door.statuses:
                    results.notes.append(f"{door.name} answered non-200 statuses "
                                         f"{door.statuses}")
            if args.stream_rows:
                log(f"streaming {args.stream_rows:,} rows of CSV in a fresh pyoxigraph process")
                results.streams.append(stream_floor(store_dir, args.stream_rows))
                for server in (s for s in servers if s.name != "bare"):
                    if server.process.poll() is not None:
                        continue
                    log(f"streaming {args.stream_rows:,} rows of CSV through {server.name}")
                    try:
                        results.streams.append(stream_csv(server, args.stream_rows,
                                                          args.gzip))
                    except (OSError, http.client.HTTPException) as exc:
                        results.notes.append(f"{server.name}: streaming failed: {exc!r}")
            for server in servers:
                if server.process.poll() is not None:
                    results.notes.append(f"{server.name} DIED during the run (exit "
                                         f"{server.process.returncode}); see {server.log}")
        finally:
            for server in servers:
                server.stop()
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        results.notes.append(f"load average before {' '.join(load_before)}, after "
                             f"{' '.join(load_after)} (other processes on the machine skew "
                             "all doors; the doors take turns to share the skew)")
        results.notes.append(f"{os.cpu_count()} CPUs; client threads share them with the "
                             f"server; run took {time.perf_counter() - t0:.0f} s")
        print(report(results, queries, [d.name for d in doors]))
        if args.json:
            args.json.write_text(json.dumps({
                "films": results.films, "quads": results.quads, "latency_ms": results.latency,
                "rows": results.rows, "errors": results.errors,
                "throughput_qps": results.throughput,
                "throughput_failures": results.throughput_errors,
                "streams": [s.__dict__ for s in results.streams], "notes": results.notes,
            }, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
