from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

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
