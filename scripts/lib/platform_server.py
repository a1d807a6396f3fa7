"""The platform served over real HTTP for the measuring scripts (bench_api, eval_search).

The database is a migrated SQLite file in a work folder; search is the embedded index file
in that folder or an Elasticsearch alias. Write the documents into the index first, then
start the server on it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

START_SECONDS = 120


def platform_env(
    work: Path, *, es_url: str | None = None, es_index: str | None = None
) -> dict[str, str]:
    """Settings for a server on ``work``: its database, its index (or the ES alias)."""
    env = {
        "KC_VAR_DIR": str(work),
        "KC_DATABASE_URL": f"sqlite:///{work / 'kechuang.db'}",
        "KC_SEARCH_PATH": str(work / "search.db"),
        "KC_WORKER_IN_PROCESS": "false",
        # The benchmarks send requests as fast as the server answers; a limit would cut them off.
        "KC_RATE_LIMIT_ENABLED": "false",
    }
    if es_url:
        env.update(
            KC_SEARCH_BACKEND="elasticsearch",
            KC_ELASTICSEARCH_URL=es_url,
            KC_ELASTICSEARCH_INDEX_PREFIX=es_index or "kc-bench",
        )
    return env


def migrate(env: dict[str, str]) -> None:
    """Create the schema of the database ``env`` names."""
    from app.core.migrate import upgrade

    upgrade(env["KC_DATABASE_URL"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_platform(env: dict[str, str]) -> Iterator[tuple[httpx.Client, int]]:
    """`kechuang serve` with ``env``: an HTTP client on it (once healthy) and its PID."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("kechuang")), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the platform did not start on port {port}")
                time.sleep(0.2)
            yield client, server.pid
    finally:
        server.terminate()
        server.wait(30)
