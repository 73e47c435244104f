"""``kazcinema build``: fact files → validated claims → RDF → a new store and dumps, published
atomically. Each step logs its counts and time; any failure leaves the published store as it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Quad

from kg.corpus import Source, load_sources
from kg.dumps import read_rdf11_projection, write_dumps
from kg.entities import Entity, load_entities
from kg.errors import BuildError
from kg.export import write_network_files
from kg.facts import FactFile, load_fact_files
from kg.name_index import NAMES_FILE, NameIndex
from kg.project import Project
from kg.rdf import ONTOLOGY_GRAPH, claims_to_quads, entities_to_quads, sources_to_quads
from kg.store import open_read_only, publish_release, write_store
from kg.validation import validate_shacl
from kg.vocab import Vocabulary, graph_iri, load_vocabulary
from kg.void import write_void

log = logging.getLogger("kg.build")


@dataclass(frozen=True, slots=True)
class Inputs:
    vocabulary: Vocabulary
    sources: dict[str, Source]
    entities: dict[str, Entity]
    facts: list[FactFile]


@dataclass(frozen=True, slots=True)
class BuildResult:
    release: Path
    version: str
    quads: int
    claims: int
    graphs: dict[str, int]
    seconds: float


@contextmanager
def _step(name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    log.info("  %s (%.2f s)", name, time.perf_counter() - start)


def load_inputs(project: Project) -> Inputs:
    """Read and validate every input; raises DataError naming file, line and field."""
    with _step("vocabulary"):
        vocabulary = load_vocabulary(project.ontology)
        log.info("vocabulary: %d classes, %d properties", len(vocabulary.classes),
                 len(vocabulary.properties))
    with _step("sources"):
        sources = load_sources(project.data)
        log.info("sources: %d texts, %s characters", len(sources),
                 f"{sum(len(s.text) for s in sources.values()):,}")
    with _step("entities"):
        entities = load_entities(project.data, vocabulary)
        log.info("entities: %d in the catalogue", len(entities))
    with _step("facts"):
        facts = load_fact_files(project.facts, sources, entities, vocabulary)
        per_source = ", ".join(f"{f.source}: {len(f.claims)}" for f in facts)
        log.info("claims: 0 → %s from %d fact files (%s)",
                 f"{sum(len(f.claims) for f in facts):,}", len(facts), per_source)
    return Inputs(vocabulary, sources, entities, facts)


def generate_quads(inputs: Inputs) -> list[Quad]:
    quads: list[Quad] = []
    for fact_file in inputs.facts:
        quads.extend(claims_to_quads(fact_file.claims))
    quads.extend(entities_to_quads(inputs.entities.values()))
    quads.extend(sources_to_quads(inputs.sources))
    return quads


def build(project: Project) -> BuildResult:
    """Build a new release and publish it; on any error the previous release stays current."""
    started = time.perf_counter()
    log.info("build: %s", project.root)
    inputs = load_inputs(project)
    version = project.input_digest()[:12]
    releases = project.build.releases
    releases.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(releases)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    release = releases / f"{stamp}-{version}-{os.getpid()}"
    tmp = release.with_name(release.name + ".tmp")
    tmp.mkdir()
    try:
        with _step("rdf"):
            quads = generate_quads(inputs)
            graphs = Counter(str(q.graph_name.value) for q in quads)  # type: ignore[union-attr]
            log.info("quads: 0 → %s in %d graphs", f"{len(quads):,}", len(graphs))
        with _step("store"):
            total = write_store(tmp / "store", quads, project.ontology, graph_iri(ONTOLOGY_GRAPH))
            log.info("store: %s quads (ontology included) at %s", f"{total:,}", release.name)
        store = open_read_only(tmp / "store")
        with _step("dumps"):
            sums = write_dumps(store, tmp / "dumps")
            log.info("dumps: %d files, %s bytes", len(sums),
                     f"{sum((tmp / 'dumps' / n).stat().st_size for n in sums):,}")
        with _step("networks"):
            networks = write_network_files(store, tmp / "networks")
            log.info("networks: %d files, %s bytes", len(networks),
                     f"{sum((tmp / 'networks' / n).stat().st_size for n in networks):,}")
        with _step("names"):
            names = NameIndex.from_store(store)
            names.write(tmp / NAMES_FILE)
            entities, labels, keys = names.size
            log.info("names: %d entities, %d labels, %d search keys → %s", entities, labels, keys,
                     NAMES_FILE)
        built = datetime.now(UTC)
        with _step("void"):
            void = write_void(store, tmp / "void.ttl", modified=built)
            log.info("void: %s distinct triples, %d classes, %d properties", f"{void.triples:,}",
                     len(void.classes), len(void.properties))
        with _step("shacl"):
            report = validate_shacl(read_rdf11_projection(store), project.shapes)
            del store
            if not report.conforms:
                raise BuildError(f"SHACL: {report.violations} violations\n{report.text}")
            log.info("shacl: conforms (%s)", project.shapes.name)
        claims = sum(len(f.claims) for f in inputs.facts)
        per_graph = _graph_counts(tmp / "store")
        manifest = {
            "version": version,
            "inputs": project.input_digest(),
            "built": built.isoformat(timespec="seconds"),
            "quads": total,
            "triples": void.triples,
            "claims": claims,
            "entities": len(inputs.entities),
            "graphs": per_graph,
            "dumps": sums,
            "networks": networks,
            "names": hashlib.sha256((tmp / NAMES_FILE).read_bytes()).hexdigest(),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        tmp.rename(release)
        publish_release(project.build, release)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    log.info("published %s: %s quads, %s claims in %.2f s", release.name, f"{total:,}",
             f"{claims:,}", seconds)
    return BuildResult(release, version, total, claims, per_graph, seconds)


def _graph_counts(store_path: Path) -> dict[str, int]:
    store = open_read_only(store_path)
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {str(row["g"].value): int(row["n"].value) for row in rows}  # type: ignore[union-attr]
    return dict(sorted(counts.items()))


def _remove_abandoned(releases: Path) -> None:
    """Remove temporary directories left by builds that were killed."""
    for path in releases.glob("*.tmp"):
        pid = path.name.removesuffix(".tmp").rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
