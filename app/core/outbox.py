"""The transactional outbox: side effects are written with the change and run after commit.

``enqueue`` adds a row in the caller's transaction. ``drain`` runs due rows through the
handler registered for their topic, retrying failures with exponential back-off until
``outbox_max_attempts``; then the row is marked failed and stays visible in the health report.
``OutboxWorker`` drains in a background thread (in-process on the embedded default, or in
``kechuang worker``), woken right after a commit that enqueued.

Most topics run one message per transaction. A topic registered with ``handles_batch``
(search indexing) runs up to ``BATCH_SIZE`` consecutive messages at once: they are claimed
together (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers share the backlog
without doing a message twice), performed by one call and marked processed together. When
that call fails, the batch is run again one message at a time, so only the bad message
waits for its retry. On SQLite a batch is performed in a read transaction and marked in a
short write transaction after it, and the worker pauses between batches, so web requests
waiting for the write lock get their turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import declare_write_intent, utcnow
from app.models import OutboxMessage, PeriodicJobState

log = logging.getLogger(__name__)

Handler = Callable[[Session, dict[str, Any]], None]
#: Performs several messages of one topic in one call; must not write to the database.
BatchHandler = Callable[[Session, list[dict[str, Any]]], None]
_handlers: dict[str, Handler] = {}
_batch_handlers: dict[str, BatchHandler] = {}
_reads_only: set[str] = set()
#: Most messages of a batched topic performed by one call.
BATCH_SIZE = 200


def handles(topic: str, *, reads_only: bool = False) -> Callable[[Handler], Handler]:
    """Register the function that performs messages of ``topic``.

    ``reads_only``: the function reads the database but never writes it (a search rebuild).
    On SQLite it then runs outside the write lock, which other writers would otherwise wait
    for as long as it runs; only marking the message done takes the lock.
    """

    def register(fn: Handler) -> Handler:
        _handlers[topic] = fn
        if reads_only:
            _reads_only.add(topic)
        return fn

    return register


def has_handler(topic: str) -> bool:
    return topic in _handlers


def handles_batch(topic: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register the function that performs a batch of messages of ``topic`` at once.

    The function gets the payloads in message order (repeats included) and either performs
    all of them or raises; it reads the database but must not write to it (on SQLite it runs
    outside the write lock). A failed batch is retried one message at a time through the
    same function, so a message that fails alone gets its own back-off.
    """

    def register(fn: BatchHandler) -> BatchHandler:
        _batch_handlers[topic] = fn
        _handlers[topic] = lambda session, payload: fn(session, [payload])
        return fn

    return register


@dataclass
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[Session], object]
    # This process's view of when the job is next due; the database holds the shared one.
    next_at: datetime | None = None


_periodic: list[PeriodicJob] = []
JOB_RETRY_SECONDS = 300
SQLITE_WRITER_PAUSE_SECONDS = 0.02


def every(
    seconds: float, name: str
) -> Callable[[Callable[[Session], object]], Callable[[Session], object]]:
    """Register maintenance the worker runs every ``seconds`` (first run soon after start).

    However many worker processes run, each period runs the job once.
    """

    def register(fn: Callable[[Session], object]) -> Callable[[Session], object]:
        _periodic.append(PeriodicJob(name=name, every_seconds=seconds, run=fn))
        return fn

    return register


def _claim(session: Session, job: PeriodicJob, now: datetime) -> bool:
    """Move the job's shared due time forward if it is due; True when this caller won it."""
    state = session.get(PeriodicJobState, job.name, with_for_update=True)
    if state is None:
        try:
            with session.begin_nested():
                session.add(PeriodicJobState(name=job.name, next_run_at=now))
        except IntegrityError:  # another worker created it first and owns this period
            return False
        state = session.get(PeriodicJobState, job.name)
        assert state is not None
    if state.next_run_at > now:
        job.next_at = state.next_run_at
        return False
    job.next_at = state.next_run_at = now + timedelta(seconds=job.every_seconds)
    state.last_started_at = now
    return True


def run_due_jobs(factory: sessionmaker[Session], now: datetime | None = None) -> int:
    """Run the periodic jobs that are due, each in its own transaction; returns how many ran."""
    now = now or utcnow()
    ran = 0
    for job in _periodic:
        if job.next_at is not None and now < job.next_at:
            continue
        try:
            with factory() as session, session.begin():
                declare_write_intent(session)
                claimed = _claim(session, job, now)
            if not claimed:
                continue
            with factory() as session, session.begin():
                declare_write_intent(session)
                job.run(session)
            ran += 1
        except Exception:
            log.exception("periodic job %s failed", job.name)
            _retry_soon(factory, job, now)
    return ran


def _retry_soon(factory: sessionmaker[Session], job: PeriodicJob, now: datetime) -> None:
    """A failed run is tried again after a short pause instead of a whole period later."""
    retry_at = now + timedelta(seconds=min(job.every_seconds, JOB_RETRY_SECONDS))
    try:
        with factory() as session, session.begin():
            declare_write_intent(session)
            state = session.get(PeriodicJobState, job.name)
            if state is not None:
                state.next_run_at = retry_at
        job.next_at = retry_at
    except Exception:
        log.exception("periodic job %s: could not schedule the retry", job.name)


def enqueue(
    session: Session, topic: str, payload: dict[str, Any], *, delay: timedelta | None = None
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction."""
    now = utcnow()
    message = OutboxMessage(
        topic=topic, payload=payload, created_at=now, available_at=now + (delay or timedelta())
    )
    session.add(message)
    session.info["outbox_enqueued"] = True
    return message


def enqueue_many(session: Session, topic: str, payloads: list[dict[str, Any]]) -> None:
    """Add many messages in one bulk INSERT, for writers of thousands of rows at once."""
    if not payloads:
        return
    now = utcnow()
    session.execute(
        insert(OutboxMessage),
        [{"topic": topic, "payload": p, "created_at": now, "available_at": now} for p in payloads],
    )
    session.info["outbox_enqueued"] = True


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at one hour."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


def _due(session: Session, limit: int, topics: set[str] | None) -> list[tuple[int, str]]:
    stmt = (
        select(OutboxMessage.id, OutboxMessage.topic)
        .where(
            OutboxMessage.processed_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.available_at <= utcnow(),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if topics:
        stmt = stmt.where(OutboxMessage.topic.in_(topics))
    return [(row.id, row.topic) for row in session.execute(stmt)]


def _groups(due: list[tuple[int, str]], batch_size: int) -> Iterator[tuple[str | None, list[int]]]:
    """Due messages in order: runs of one batched topic (up to ``batch_size``) or singles."""
    run: list[int] = []
    run_topic: str | None = None
    for message_id, topic in due:
        if run and (topic != run_topic or len(run) >= batch_size):
            yield run_topic, run
            run, run_topic = [], None
        if topic in _batch_handlers:
            run.append(message_id)
            run_topic = topic
        else:
            yield None, [message_id]
    if run:
        yield run_topic, run


def _failed(message: OutboxMessage, exc: Exception, max_attempts: int) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= max_attempts:
        message.failed_at = utcnow()
        log.error("outbox message %s (%s) failed for good: %s", message.id, message.topic, exc)
    else:
        message.available_at = utcnow() + backoff(message.attempts)
        log.warning(
            "outbox message %s (%s) failed, retry %s: %s",
            message.id,
            message.topic,
            message.attempts,
            exc,
        )


def _run_reading(factory: sessionmaker[Session], message_id: int, max_attempts: int) -> bool:
    """A reads-only message on SQLite: performed in a read transaction, then marked done."""
    error: Exception | None = None
    with factory() as session, session.begin():
        message = session.get(OutboxMessage, message_id)
        if message is None or message.processed_at is not None:
            return False
        try:
            _handlers[message.topic](session, dict(message.payload))
        except Exception as exc:
            error = exc
        session.rollback()  # it promised not to write; nothing it did is kept
    with factory() as session, session.begin():
        declare_write_intent(session)
        message = session.get(OutboxMessage, message_id)
        if message is None or message.processed_at is not None:
            return False
        if error is not None:
            _failed(message, error, max_attempts)
            return False
        message.attempts += 1
        message.processed_at = utcnow()
        return True


def _run_one(factory: sessionmaker[Session], message_id: int, max_attempts: int) -> bool:
    with factory() as peek:
        topic = peek.scalar(select(OutboxMessage.topic).where(OutboxMessage.id == message_id))
        single_writer = peek.get_bind().dialect.name == "sqlite"
    if single_writer and topic in _reads_only:
        return _run_reading(factory, message_id, max_attempts)
    with factory() as session, session.begin():
        declare_write_intent(session)
        stmt = select(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.processed_at.is_(None)
        )
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        message = session.scalars(stmt).one_or_none()
        if message is None:  # another worker took it
            return False
        handler = _handlers.get(message.topic)
        try:
            if handler is None:
                raise LookupError(f"no handler for outbox topic {message.topic!r}")
            with session.begin_nested():
                handler(session, message.payload)
        except Exception as exc:
            _failed(message, exc, max_attempts)
            return False
        message.attempts += 1
        message.processed_at = utcnow()
        return True


def _run_batch(factory: sessionmaker[Session], topic: str, ids: list[int]) -> int | None:
    """Claim, perform and mark a batch of one topic; None when it failed as a whole."""
    handler = _batch_handlers[topic]
    with factory() as session:
        single_writer = session.get_bind().dialect.name == "sqlite"
        with session.begin():
            stmt = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.processed_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                )
                .order_by(OutboxMessage.id)
            )
            if not single_writer:
                stmt = stmt.with_for_update(skip_locked=True)
            messages = list(session.scalars(stmt))
            if not messages:  # other workers took them
                return 0
            try:
                with session.begin_nested():
                    handler(session, [m.payload for m in messages])
            except Exception as exc:
                log.warning(
                    "outbox batch of %s %s messages failed, running them one by one: %s",
                    len(messages),
                    topic,
                    exc,
                )
                return None
            claimed = [m.id for m in messages]
            if not single_writer:
                _mark_processed(session, claimed)
                return len(claimed)
        # SQLite: the work ran in a read transaction; the write lock is taken only to mark.
        with session.begin():
            declare_write_intent(session)
            return _mark_processed(session, claimed)


def _mark_processed(session: Session, ids: list[int]) -> int:
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.processed_at.is_(None))
        .values(processed_at=utcnow(), attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def drain(
    factory: sessionmaker[Session],
    *,
    max_attempts: int = 8,
    limit: int = 500,
    topics: set[str] | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Run every due message once (up to ``limit``); returns how many succeeded."""
    with factory() as session:
        due = _due(session, limit, topics)
        single_writer = session.get_bind().dialect.name == "sqlite"
    done = 0
    for topic, ids in _groups(due, batch_size):
        if topic is not None:
            batch_done = _run_batch(factory, topic, ids)
            if batch_done is not None:
                done += batch_done
                if single_writer:
                    time.sleep(SQLITE_WRITER_PAUSE_SECONDS)
                continue
        for message_id in ids:
            done += _run_one(factory, message_id, max_attempts)
            if single_writer:
                # SQLite's waiting writers poll for the lock; taking it again at once would
                # starve the web requests that wait behind a long backlog until they fail.
                time.sleep(SQLITE_WRITER_PAUSE_SECONDS)
    return done


def payloads_since(session: Session, topic: str, since: datetime) -> list[dict[str, Any]]:
    """Payloads of ``topic`` performed or failed at or after ``since``, or still waiting."""
    stmt = (
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.topic == topic,
            or_(
                OutboxMessage.processed_at >= since,
                OutboxMessage.failed_at >= since,
                and_(OutboxMessage.processed_at.is_(None), OutboxMessage.failed_at.is_(None)),
            ),
        )
        .order_by(OutboxMessage.id)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    failed: int
    oldest_pending_at: datetime | None

    @property
    def lag_seconds(self) -> float:
        if self.oldest_pending_at is None:
            return 0.0
        return max((utcnow() - self.oldest_pending_at).total_seconds(), 0.0)


def stats(session: Session, topics: set[str] | None = None) -> OutboxStats:
    """How far behind the outbox is: pending and failed counts and the oldest pending row."""
    pending = select(func.count(), func.min(OutboxMessage.created_at)).where(
        OutboxMessage.processed_at.is_(None), OutboxMessage.failed_at.is_(None)
    )
    failed = select(func.count()).where(OutboxMessage.failed_at.is_not(None))
    if topics:
        pending = pending.where(OutboxMessage.topic.in_(topics))
        failed = failed.where(OutboxMessage.topic.in_(topics))
    count, oldest = session.execute(pending).one()
    oldest_at = (
        oldest.replace(tzinfo=utcnow().tzinfo) if oldest and oldest.tzinfo is None else oldest
    )
    return OutboxStats(
        pending=count, failed=session.scalar(failed) or 0, oldest_pending_at=oldest_at
    )


class OutboxWorker:
    """Drains the outbox in a daemon thread: on each wake-up and every ``poll_seconds``."""

    def __init__(
        self, factory: sessionmaker[Session], *, poll_seconds: float = 2.0, max_attempts: int = 8
    ) -> None:
        self._factory = factory
        self._poll_seconds = poll_seconds
        self._max_attempts = max_attempts
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        event.listen(self._factory, "after_commit", self._after_commit)
        self._thread = threading.Thread(target=self._loop, name="outbox-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        event.remove(self._factory, "after_commit", self._after_commit)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _after_commit(self, session: Session) -> None:
        if session.info.pop("outbox_enqueued", False):
            self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                run_due_jobs(self._factory)
                while drain(self._factory, max_attempts=self._max_attempts) > 0:
                    if self._stop.is_set():
                        break
            except Exception:  # keep the thread alive; the next round retries
                log.exception("outbox drain failed")
