"""An app on a real SQLite file with its own engine, so each request has its own connections.

The shared ``app`` fixture binds every session to one connection, which hides what happens
when a request and a second connection compete for SQLite's write lock. These fixtures give
a migrated SQLite file (copied from one migrated once per run) and an app on it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.db import build_engine, build_sessionmaker
from search.base import SearchBackend
from tests.app_pool import pool as app_pool


@dataclass
class FileDatabase:
    url: str
    engine: Engine
    factory: sessionmaker[Session]


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.core.migrate import upgrade

    path = tmp_path_factory.mktemp("file-db-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def file_db(migrated_sqlite_file: Path, tmp_path: Path) -> Iterator[FileDatabase]:
    path = tmp_path / "kechuang.db"
    shutil.copyfile(migrated_sqlite_file, path)
    url = f"sqlite:///{path}"
    engine = build_engine(url)
    try:
        yield FileDatabase(url=url, engine=engine, factory=build_sessionmaker(engine))
    finally:
        engine.dispose()


@pytest.fixture
def file_app(
    file_db: FileDatabase, settings: Settings, search_backend: SearchBackend
) -> Iterator[FastAPI]:
    with app_pool.lend(settings, file_db.factory, search_backend) as application:
        yield application


@pytest.fixture
def file_client(file_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(file_app, base_url="http://testserver", raise_server_exceptions=False) as c:
        yield c
