"""Shared fixtures: a database built by running the migrations, a transaction per test.

The database is SQLite in a temporary file, or PostgreSQL when KC_TEST_DATABASE_URL is set
(scripts/test.sh sets it for its second run). Each test runs inside one outer transaction
that is rolled back at the end; the app's own commits become savepoints inside it, so pages
and services behave as in production while tests stay independent.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_VAR_DIR = Path(tempfile.mkdtemp(prefix="kc-test-var-"))
# Settings are read from the environment; set them before anything reads them.
os.environ["KC_ENVIRONMENT"] = "test"
os.environ["KC_VAR_DIR"] = str(_VAR_DIR)
os.environ["KC_PASSWORD_HASH_COST"] = "test-only-cheap"  # real Argon2id, minimal work factor
# Encoding every listing a test writes would cost ~0.1-0.4 s each: the dense layer is off unless
# a test installs the encoder (tests/matching/test_hybrid.py) or KC_DENSE=1 asks for it.
os.environ.setdefault("KC_DENSE", "0")
os.environ.pop("KC_DATABASE_URL", None)

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Connection, Engine, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

import app.registry  # noqa: E402  every domain's rules, as in each process
from app.core.config import Settings, get_settings  # noqa: E402
from app.core.db import build_engine  # noqa: E402
from app.core.migrate import alembic_config  # noqa: E402
from search.base import SearchBackend  # noqa: E402
from tests.app_pool import pool as app_pool  # noqa: E402

get_settings.cache_clear()

TEST_DATABASE_URL_VAR = "KC_TEST_DATABASE_URL"


def pytest_report_header() -> str:
    url = os.environ.get(TEST_DATABASE_URL_VAR)
    return f"database: {url.split('@')[-1] if url else 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ.get(TEST_DATABASE_URL_VAR) or f"sqlite:///{_VAR_DIR / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database built from nothing by ``alembic upgrade head``."""
    from alembic import command

    engine = build_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with engine.begin() as conn:
        command.upgrade(alembic_config(connection=conn), "head")
    yield engine
    engine.dispose()


@pytest.fixture
def patient_engine(engine: Engine, database_url: str) -> Iterator[Engine]:
    """The same database for tests whose threads all write at once: on SQLite each waits for
    the write lock as long as the others take (a busy machine makes that long), on PostgreSQL
    it is the test engine itself."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    patient = build_engine(database_url, busy_timeout_seconds=600)
    yield patient
    patient.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        if transaction.is_active:
            transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions on the test's connection; their commits are savepoints of the outer transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings() -> Settings:
    return get_settings()


@pytest.fixture
def search_backend() -> Iterator[SearchBackend]:
    """The platform's search backend for one test, installed as the process's backend.

    An embedded index in memory, or, in the PostgreSQL + Elasticsearch run
    (KC_TEST_SEARCH_BACKEND=elasticsearch), a fresh index on the test node.
    """
    import uuid

    from app.search import engine as search_engine
    from search.factory import create_backend

    index = ""
    if os.environ.get("KC_TEST_SEARCH_BACKEND") == "elasticsearch":
        url = os.environ.get("KC_TEST_ELASTICSEARCH_URL", "")
        if not url:
            pytest.fail("KC_TEST_SEARCH_BACKEND=elasticsearch needs KC_TEST_ELASTICSEARCH_URL")
        index = f"kc-app-test-{uuid.uuid4().hex[:10]}"
        backend = create_backend("elasticsearch", url=url, index=index)
    else:
        backend = create_backend("embedded", path=":memory:")
    backend.ensure_ready()
    search_engine.install(backend)
    yield backend
    search_engine.install(None)
    backend.close()
    if index:
        from elasticsearch import Elasticsearch

        client = Elasticsearch(os.environ["KC_TEST_ELASTICSEARCH_URL"])
        try:
            client.indices.delete(index=f"{index}*", ignore_unavailable=True)
        finally:
            client.close()


@pytest.fixture
def app(
    session_factory: sessionmaker[Session], settings: Settings, search_backend: SearchBackend
) -> Iterator[FastAPI]:
    """The app on the test's connection and search backend (built once per settings, see
    tests/app_pool.py)."""
    with app_pool.lend(settings, session_factory, search_backend) as application:
        yield application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client (httpx under TestClient) that keeps cookies like a browser."""
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def var_dir() -> Path:
    return _VAR_DIR


pytest_plugins = ["tests.factories.fixtures"]
