"""Where a Kazcinema project keeps its inputs and outputs, and whether a build is stale."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from kg.entities import entity_files
from kg.store import BuildDir


@dataclass(frozen=True, slots=True)
class Project:
    root: Path

    @classmethod
    def locate(cls, root: Path | None = None) -> Project:
        """The project at ``root``, else $KAZCINEMA_ROOT, else the current directory."""
        if root is None:
            root = Path(os.environ.get("KAZCINEMA_ROOT") or Path.cwd())
        return cls(root.resolve())

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def facts(self) -> Path:
        return self.data / "facts"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "kazcinema.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def build(self) -> BuildDir:
        return BuildDir(self.data / "build")

    def input_files(self) -> list[Path]:
        """Every file a build reads; their contents decide the dataset version."""
        files = [self.ontology, self.shapes, self.data / "sources.yaml",
                 *entity_files(self.data)]
        files += sorted(self.facts.glob("*.yaml"))
        files += sorted((self.data / "corpus").glob("*.txt"))
        return files

    def input_digest(self) -> str:
        digest = hashlib.sha256()
        for path in self.input_files():
            digest.update(str(path.relative_to(self.root)).encode())
            digest.update(b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"<missing>")
            digest.update(b"\0")
        return digest.hexdigest()

    def is_stale(self) -> bool:
        """True when there is no published build or its inputs changed since."""
        manifest = self.build.read_manifest()
        return manifest is None or manifest.get("inputs") != self.input_digest()
