"""A real server for browser tests and benchmarks: gunicorn on a scratch SQLite
file, prepared exactly as `make run` prepares it (migrate, load, demo)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless Debian Chromium on a closed network: no sandbox as root, and no
# background connections, which the network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(workdir: str | Path, workers: int = 2) -> Iterator[str]:
    """Yields the base URL of a running server and stops it afterwards."""
    env = {
        **os.environ,
        "KINETIC_INSTANCE_PATH": str(workdir),
        "DATABASE_URL": f"sqlite:///{Path(workdir) / 'live.db'}",
    }
    for args in (["db", "upgrade"], ["programs", "load"], ["demo"]):
        subprocess.run(
            [BIN / "kinetic", *args], env=env, check=True, capture_output=True
        )
    port = _free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "kinetic:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)  # a real process starting up: nothing to fake here
        else:
            raise RuntimeError("gunicorn did not start within 10 seconds")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
