"""Run the installed ``kazcinema`` command as a user does, in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kg.project import Project


def kazcinema(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("kazcinema", path=str(Path(sys.executable).parent)) or "kazcinema"
    return subprocess.run([exe, "--root", str(project.root), *args], capture_output=True,
                          text=True, timeout=300, check=False)
