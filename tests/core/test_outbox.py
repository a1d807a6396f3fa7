from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.core.db import utcnow
from app.models import OutboxMessage

calls: list[dict[str, Any]] = []


@outbox.handles("test.ok")
def _ok(_session: Session, payload: dict[str, Any]) -> None:
    calls.append(payload)


@outbox.handles("test.fail")
def _fail(_session: Session, payload: dict[str, Any]) -> None:
    raise ConnectionError("engine down")


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()


def _messages(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class TestDrain:
    def test_committed_message_runs_once(
        self, session_factory: sessionmaker[Session], session: Session
    ) -> None:
        with session_factory() as s:
            outbox.enqueue(s, "test.ok", {"n": 1})
            s.commit()
        assert outbox.drain(session_factory, topics={"test.ok"}) == 1
        assert outbox.drain(session_factory, topics={"test.ok"}) == 0
        assert calls == [{"n": 1}]
        assert _messages(session)[0].processed_at is not None

    def test_rolled_back_change_leaves_nothing(
        self, session_factory: sessionmaker[Session]
    ) -> None:
        with session_factory() as s:
            outbox.enqueue(s, "test.ok", {"n": 2})
            s.rollback()
        assert outbox.drain(session_factory, topics={"test.ok"}) == 0
        assert calls == []

    def test_failure_is_retried_with_backoff_then_marked_failed(
        self, session_factory: sessionmaker[Session], session: Session
    ) -> None:
        with session_factory() as s:
            outbox.enqueue(s, "test.fail", {})
            s.commit()
        assert outbox.drain(session_factory, max_attempts=2, topics={"test.fail"}) == 0
        message = _messages(session)[0]
        assert message.attempts == 1 and "engine down" in message.last_error
        assert message.available_at > utcnow() + timedelta(seconds=3)
        assert outbox.stats(session).pending == 1

        message.available_at = utcnow()
        session.commit()
        outbox.drain(session_factory, max_attempts=2, topics={"test.fail"})
        message = _messages(session)[0]
        assert message.failed_at is not None
        stats = outbox.stats(session)
        assert (stats.pending, stats.failed) == (0, 1)

    def test_delay_postpones(self, session_factory: sessionmaker[Session]) -> None:
        with session_factory() as s:
            outbox.enqueue(s, "test.ok", {}, delay=timedelta(minutes=5))
            s.commit()
        assert outbox.drain(session_factory, topics={"test.ok"}) == 0


def test_backoff_grows_and_is_capped() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert outbox.backoff(30) == timedelta(hours=1)


def test_periodic_jobs_run_when_due(session_factory: sessionmaker[Session]) -> None:
    runs: list[str] = []
    job = outbox.PeriodicJob(name="test", every_seconds=60, run=lambda _s: runs.append("x"))
    outbox._periodic.append(job)
    start = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    try:
        assert outbox.run_due_jobs(session_factory, now=start) >= 1
        outbox.run_due_jobs(session_factory, now=start + timedelta(seconds=30))
        assert runs == ["x"]
        outbox.run_due_jobs(session_factory, now=start + timedelta(seconds=61))
        assert runs == ["x", "x"]
    finally:
        outbox._periodic.remove(job)


def test_a_second_worker_does_not_repeat_a_period(session_factory: sessionmaker[Session]) -> None:
    """Two worker processes share the due time, so a daily mail goes out once, not twice."""
    runs: list[str] = []
    mine = outbox.PeriodicJob(name="digest", every_seconds=3600, run=lambda _s: runs.append("a"))
    theirs = outbox.PeriodicJob(name="digest", every_seconds=3600, run=lambda _s: runs.append("b"))
    start = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    outbox._periodic.append(mine)
    try:
        outbox.run_due_jobs(session_factory, now=start)
    finally:
        outbox._periodic.remove(mine)
    outbox._periodic.append(theirs)  # the other process knows nothing of the first run
    try:
        outbox.run_due_jobs(session_factory, now=start + timedelta(minutes=5))
        assert runs == ["a"]
        outbox.run_due_jobs(session_factory, now=start + timedelta(hours=1, seconds=1))
        assert runs == ["a", "b"]
    finally:
        outbox._periodic.remove(theirs)


def test_a_failed_periodic_run_is_retried_soon(session_factory: sessionmaker[Session]) -> None:
    calls: list[int] = []

    def flaky(_session: Session) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("mail server away")

    job = outbox.PeriodicJob(name="flaky", every_seconds=86400, run=flaky)
    start = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    outbox._periodic.append(job)
    try:
        assert outbox.run_due_jobs(session_factory, now=start) == 0
        retry = start + timedelta(seconds=outbox.JOB_RETRY_SECONDS + 1)
        assert outbox.run_due_jobs(session_factory, now=retry) == 1
        assert len(calls) == 2
    finally:
        outbox._periodic.remove(job)


def test_web_writes_are_not_starved_while_the_worker_drains_a_backlog(tmp_path: Any) -> None:
    """On SQLite a request that writes waits for the worker's lock; it must get its turn.

    The worker used to take the lock again the moment it let go, so a request behind a long
    backlog (the demo data leaves hundreds of mails) failed with "database is locked".
    """
    import threading
    import time

    from sqlalchemy import event

    from app.core.db import Base, build_engine, build_sessionmaker, declare_write_intent

    engine = build_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    Base.metadata.create_all(engine, tables=[OutboxMessage.__table__])
    factory = build_sessionmaker(engine)
    # The request side gives up after 1.5 s instead of the usual 10 s, to keep the test short.
    request_engine = build_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    event.listen(
        request_engine, "connect", lambda dbapi, _r: dbapi.execute("PRAGMA busy_timeout=1500")
    )
    request_factory = build_sessionmaker(request_engine)

    def slow(_session: Session, _payload: dict[str, Any]) -> None:
        time.sleep(0.03)  # a handler doing real work while holding the write lock

    outbox._handlers["test.slow"] = slow
    try:
        with factory() as session, session.begin():
            for n in range(120):
                outbox.enqueue(session, "test.slow", {"n": n})
        worker = threading.Thread(target=outbox.drain, args=(factory,))
        worker.start()
        time.sleep(0.2)
        failures = []
        for _ in range(5):
            with request_factory() as session:
                try:
                    with session.begin():
                        declare_write_intent(session)
                        outbox.enqueue(session, "test.other", {})
                except Exception as exc:
                    failures.append(exc)
        worker.join()
        assert failures == []
    finally:
        outbox._handlers.pop("test.slow", None)
        engine.dispose()
        request_engine.dispose()
