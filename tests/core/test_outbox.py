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
batches: list[list[dict[str, Any]]] = []


@outbox.handles("test.ok")
def _ok(_session: Session, payload: dict[str, Any]) -> None:
    calls.append(payload)


@outbox.handles("test.fail")
def _fail(_session: Session, payload: dict[str, Any]) -> None:
    raise ConnectionError("engine down")


@outbox.handles_batch("test.batch")
def _batch(_session: Session, payloads: list[dict[str, Any]]) -> None:
    if any(p.get("bad") for p in payloads):
        raise ValueError("bad payload")
    batches.append(payloads)


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    batches.clear()


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


class TestBatches:
    def test_a_backlog_is_performed_in_batches(
        self, session_factory: sessionmaker[Session], session: Session
    ) -> None:
        with session_factory() as s:
            for n in range(5):
                outbox.enqueue(s, "test.batch", {"n": n})
            s.commit()
        assert outbox.drain(session_factory, topics={"test.batch"}, batch_size=2) == 5
        assert [[p["n"] for p in batch] for batch in batches] == [[0, 1], [2, 3], [4]]
        messages = _messages(session)
        assert all(m.processed_at is not None and m.attempts == 1 for m in messages)
        assert outbox.drain(session_factory, topics={"test.batch"}) == 0

    def test_one_bad_message_does_not_hold_back_the_others(
        self, session_factory: sessionmaker[Session], session: Session
    ) -> None:
        with session_factory() as s:
            for n in range(4):
                outbox.enqueue(s, "test.batch", {"n": n, "bad": n == 2})
            s.commit()
        assert outbox.drain(session_factory, topics={"test.batch"}) == 3
        assert [[p["n"] for p in batch] for batch in batches] == [[0], [1], [3]]
        bad = [m for m in _messages(session) if m.payload["bad"]]
        assert [m.processed_at for m in bad] == [None]
        assert bad[0].attempts == 1 and "bad payload" in (bad[0].last_error or "")
        assert bad[0].available_at > utcnow() + timedelta(seconds=3)
        assert outbox.stats(session, topics={"test.batch"}).pending == 1

    def test_other_topics_keep_their_place_in_line(
        self, session_factory: sessionmaker[Session]
    ) -> None:
        with session_factory() as s:
            outbox.enqueue(s, "test.batch", {"n": 0})
            outbox.enqueue(s, "test.ok", {"n": 1})
            outbox.enqueue(s, "test.batch", {"n": 2})
            outbox.enqueue(s, "test.batch", {"n": 3})
            s.commit()
        assert outbox.drain(session_factory, topics={"test.batch", "test.ok"}) == 4
        assert [[p["n"] for p in batch] for batch in batches] == [[0], [2, 3]]
        assert calls == [{"n": 1}]


def test_several_workers_share_a_backlog_without_doing_a_message_twice(
    engine: Any,
) -> None:
    """PostgreSQL: each worker claims a batch with SKIP LOCKED, so none is performed twice."""
    import threading

    from sqlalchemy import delete

    from app.core.db import build_sessionmaker

    if engine.dialect.name != "postgresql":
        pytest.skip("several worker processes need PostgreSQL; SQLite runs one worker")
    seen: list[int] = []
    lock = threading.Lock()

    def slow_batch(_session: Session, payloads: list[dict[str, Any]]) -> None:
        import time

        time.sleep(0.02)
        with lock:
            seen.extend(p["n"] for p in payloads)

    outbox.handles_batch("test.shared")(slow_batch)
    factory = build_sessionmaker(engine)
    try:
        with factory() as s, s.begin():
            for n in range(600):
                outbox.enqueue(s, "test.shared", {"n": n})

        def work() -> None:
            while outbox.drain(factory, topics={"test.shared"}, batch_size=25):
                pass

        workers = [threading.Thread(target=work) for _ in range(3)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert sorted(seen) == list(range(600))
    finally:
        with factory() as s, s.begin():
            s.execute(delete(OutboxMessage).where(OutboxMessage.topic == "test.shared"))
        outbox._handlers.pop("test.shared", None)
        outbox._batch_handlers.pop("test.shared", None)


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


@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "batched"])
def test_web_writes_are_not_starved_while_the_worker_drains_a_backlog(
    tmp_path: Any, batched: bool
) -> None:
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

    def slow_batch(_session: Session, payloads: list[dict[str, Any]]) -> None:
        time.sleep(0.03 * len(payloads))  # a batch indexing its documents

    if batched:
        outbox.handles_batch("test.slow")(slow_batch)
    else:
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
        outbox._batch_handlers.pop("test.slow", None)
        engine.dispose()
        request_engine.dispose()


def test_a_reads_only_message_leaves_the_write_lock_to_others_while_it_runs(
    tmp_path: Any,
) -> None:
    """A search rebuild reads for minutes; on SQLite other writers must not wait for it."""
    import threading

    from app.core.db import Base, build_engine, build_sessionmaker, declare_write_intent

    engine = build_engine(f"sqlite:///{tmp_path / 'rebuild.db'}")
    Base.metadata.create_all(engine, tables=[OutboxMessage.__table__])
    factory = build_sessionmaker(engine)
    running, release = threading.Event(), threading.Event()

    def rebuild(_session: Session, _payload: dict[str, Any]) -> None:
        running.set()
        assert release.wait(30)

    outbox.handles("test.rebuild", reads_only=True)(rebuild)
    try:
        with factory() as session, session.begin():
            outbox.enqueue(session, "test.rebuild", {})
        worker = threading.Thread(target=outbox.drain, args=(factory,))
        worker.start()
        assert running.wait(30)
        with factory() as session, session.begin():  # would wait for the lock until released
            declare_write_intent(session)
            outbox.enqueue(session, "test.other", {})
        release.set()
        worker.join(30)
        with factory() as session:
            done = session.scalars(
                select(OutboxMessage).where(OutboxMessage.topic == "test.rebuild")
            ).one()
            assert done.processed_at is not None and done.attempts == 1
    finally:
        release.set()
        outbox._handlers.pop("test.rebuild", None)
        outbox._reads_only.discard("test.rebuild")
