from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import event, text

from app.core.db import build_engine, build_sessionmaker, declare_write_intent


def test_sqlite_writers_wait_instead_of_failing(tmp_path: Path) -> None:
    """A transaction that reads, then writes, must not fail because another writer committed."""
    engine = build_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    factory = build_sessionmaker(engine)
    errors: list[Exception] = []

    def other_writer() -> None:
        try:
            with factory() as session, session.begin():
                declare_write_intent(session)
                session.execute(text("UPDATE counter SET n = n + 1"))
        except Exception as exc:
            errors.append(exc)

    with factory() as session, session.begin():
        declare_write_intent(session)
        session.execute(text("SELECT n FROM counter")).scalar_one()
        thread = threading.Thread(target=other_writer)
        thread.start()
        time.sleep(0.3)  # the other writer now waits for our lock
        session.execute(text("UPDATE counter SET n = n + 10"))
    thread.join(15)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 11
    assert errors == []
    engine.dispose()


def test_sqlite_keeps_the_connections_of_concurrent_requests(tmp_path: Path) -> None:
    """Requests at once each hold a connection; the next ones reuse them rather than opening
    new ones (a new SQLite connection parses the whole schema before its first query)."""
    engine = build_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    opened: list[object] = []
    event.listen(engine, "connect", lambda dbapi_connection, _record: opened.append(1))
    factory = build_sessionmaker(engine)
    all_in = threading.Barrier(12)

    def request() -> None:
        with factory() as session:
            session.execute(text("SELECT 1"))
            all_in.wait(10)  # twelve requests hold their connections at the same time

    for _round in range(3):
        threads = [threading.Thread(target=request) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
    assert len(opened) == 12
    engine.dispose()
