"""Start a real `kazcinema serve` process (gunicorn) on a free port, for tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(root: Path, *args: str, ready: str = "/status") -> Iterator[str]:
    """Serve ``root`` with extra ``serve`` arguments; yields the base URL; stops it after."""
    port = free_port()
    exe = shutil.which("kazcinema", path=str(Path(sys.executable).parent)) or "kazcinema"
    log = (root / f"server-{port}.log").open("wb")
    process = subprocess.Popen([exe, "--root", str(root), "serve", "--port", str(port), *args],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(base + ready, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n"
                                       + (root / f"server-{port}.log").read_text()) from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
