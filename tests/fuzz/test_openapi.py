"""The API keeps the promises of its OpenAPI document, under inputs nobody would type.

Schemathesis reads ``/api/v1/openapi.json`` from a real ``kechuang serve`` holding the demo
data and sends every operation examples and generated values — valid and broken, ids past any
record, odd Unicode — once anonymously and once with a platform administrator's token. Every
answer must be a documented status with the documented content type and body, and none a 5xx.

Bounded by examples per operation and a fixed seed, so a run is repeatable: to look further,
run it with ``KC_FUZZ_EXAMPLES=50 KC_FUZZ_SEED=<any>``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts import service as accounts_service
from app.accounts.schemas import TokenCreate
from app.core.audit import Actor
from app.core.db import build_engine, build_sessionmaker, session_scope
from app.demo.seed import seed
from app.models import User
from tests import live_server

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
EXAMPLES = os.environ.get("KC_FUZZ_EXAMPLES", "5")
SEED = os.environ.get("KC_FUZZ_SEED", "20261202")


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
        "schemathesis"
    )
    if found is None:
        reason = "schemathesis is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[live_server.Server, str]]:
    """A server on the demo data, with rate limits off (the run sends thousands of requests),
    and a platform administrator's token."""
    var_dir = tmp_path_factory.mktemp("fuzz-var")
    with live_server.database(var_dir, "fuzz") as database_url:
        engine = build_engine(database_url)
        try:
            with session_scope(build_sessionmaker(engine)) as session:
                seed(session)
                admin = session.scalars(
                    select(User).where(User.email == "admin@demo.kechuang.cn")
                ).one()
                _row, token = accounts_service.create_token(
                    session, Actor(user=admin), admin, TokenCreate(name="接口模糊测试")
                )
        finally:
            engine.dispose()
        with live_server.serving(var_dir, database_url, rate_limit_enabled="false") as server:
            yield server, token
            assert "Traceback" not in server.log_tail(10**9), "the server logged a traceback"


@pytest.mark.parametrize("who", ["anonymous", "platform administrator"])
def test_every_operation_answers_as_its_openapi_document_says(
    demo_server: tuple[live_server.Server, str], who: str, tmp_path: Path
) -> None:
    server, token = demo_server
    # The document is fetched here, waiting as long as a busy machine needs to build it;
    # schemathesis gives up on a schema after ten seconds.
    schema = tmp_path / "openapi.json"
    with urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=600) as response:
        schema.write_bytes(response.read())
    command = [
        _schemathesis(),
        "run",
        str(schema),
        f"--url={server.url}",
        "--phases=examples,fuzzing",
        f"--max-examples={EXAMPLES}",
        f"--seed={SEED}",
        f"--checks={CHECKS}",
        "--workers=1",  # two threads: CPython 3.11.7 may fail "AST constructor recursion depth"
        "--request-timeout=60",
        "--no-color",
    ]
    if who != "anonymous":
        command += ["--header", f"Authorization: Bearer {token}"]
    # In a folder of its own: schemathesis keeps a cache of what it found where it runs.
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, check=False, cwd=tmp_path
    )
    output = result.stdout + result.stderr
    found = [output.find(f"= {part} =") for part in ("ERRORS", "FAILURES")]
    failures = output[min([at for at in found if at >= 0], default=0) :]
    assert result.returncode == 0, f"schemathesis ({who}) found problems:\n{failures[-12000:]}"
