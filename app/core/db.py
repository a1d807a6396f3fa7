"""Declarative base, engine and session factories, and the per-request session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    create_engine,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.core import cache

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime stored; use utcnow()")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012  read by SQLAlchemy


class IDMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


SQLITE_BUSY_TIMEOUT_SECONDS = 10.0
#: SQLite connections kept open between requests. Each request holds one while it runs (in one
#: of the thread pool's 40 threads); with the default five, a sixth concurrent request opened a
#: connection and closed it afterwards, and a new connection reads and parses the whole schema
#: before its first query: 8 clients on a detail page spent a fifth of the time on that.
#: An idle SQLite connection is a file handle and the pages it cached.
SQLITE_POOL_SIZE = 20


def _sqlite_pragmas(busy_timeout_seconds: float) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself so SAVEPOINTs work (pysqlite's own handling breaks
        # them).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets the in-process worker write while requests read; the timeout waits out
        # writers.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


WRITE_INTENT = {"sqlite_write_intent": True}


def _sqlite_begin(conn: Any) -> None:
    # A deferred transaction that reads and then writes fails at once (no busy wait) when
    # another connection committed in between; one that will write takes the lock up front.
    immediate = conn.get_execution_options().get("sqlite_write_intent")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


#: ``session.info`` key: the session's transaction took the write lock (see below).
WRITE_TRANSACTION = "write_transaction"


def declare_write_intent(session: Session) -> None:
    """Tell SQLite this transaction will write, so it waits for the lock instead of failing.

    On SQLite the lock is then held until the transaction ends: anything else the same piece
    of work writes belongs in this session, since a second connection would wait for it.
    """
    session.connection(execution_options=WRITE_INTENT)
    session.info[WRITE_TRANSACTION] = True


#: ``session.info`` key: the session reads first and takes the write lock only to write.
READS_FIRST = "reads_first"


def reads_first(session: Session) -> Session:
    """Mark ``session`` to read without the write lock until ``start_writing`` is called.

    For work that reads for long (a large import is validated row by row) and then writes:
    other writers go on meanwhile, and the lock is held only for the writes themselves.
    """
    session.info[READS_FIRST] = True
    return session


def start_writing(session: Session) -> None:
    """End a ``reads_first`` session's read-only phase and take the write lock.

    The read phase must not have written: its transaction is closed and what it read may
    have changed since, so the caller re-checks what it relies on. Any other session is left
    as it is: it writes in the transaction its owner opened.
    """
    if not session.info.pop(READS_FIRST, False):
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a reads-first session changed rows before start_writing")
    session.commit()  # nothing was written: this only ends the read transaction
    declare_write_intent(session)


def next_counter_value(session: Session, counter: type[Any], **key: Any) -> int:
    """The next value of ``counter``'s row for ``key`` (a table with ``last_value``), counted in
    this transaction: the row stays locked until it ends and a rollback gives the value back, so
    numbers have no gaps. The row is made on first use; when two transactions make it at once,
    the one that loses takes its number from the winner's row.
    """
    bump = (
        update(counter)
        .where(*(getattr(counter, name) == value for name, value in key.items()))
        .values(last_value=counter.last_value + 1)
        .returning(counter.last_value)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is not None:
        return int(value)
    try:
        with session.begin_nested():
            session.execute(insert(counter).values(**key, last_value=1))
        return 1
    except sa_exc.IntegrityError:
        return int(session.execute(bump).scalar_one())


class RowGone(LookupError):
    """The row was deleted by another transaction before it could be locked."""


def lock_row(obj: Any) -> None:
    """Lock ``obj``'s row until the transaction ends and re-read its columns.

    On PostgreSQL this is ``SELECT … FOR UPDATE``: a second request changing the same row waits
    here, then sees what the first one committed, so a state checked next is the latest state.
    SQLite takes its write lock at ``BEGIN IMMEDIATE``, so there the re-read alone suffices.
    Relationships stay as loaded (``lazy="raise"`` ones would otherwise fail on next access).
    """
    state = inspect(obj)
    session = state.session
    if session is None or state.transient:
        return
    session.flush()
    mapper = state.mapper
    key = state.identity
    if key is None:
        return
    columns = mapper.primary_key
    found = session.execute(
        select(*columns)
        .where(*(column == value for column, value in zip(columns, key, strict=True)))
        .with_for_update()
    ).first()
    if found is None:
        raise RowGone(f"{mapper.class_.__name__} {key} no longer exists")
    try:
        session.refresh(obj, attribute_names=[attr.key for attr in mapper.column_attrs])
    except sa_exc.InvalidRequestError as exc:  # deleted between the lock and the read
        raise RowGone(str(exc)) from exc


def build_engine(
    url: str, *, echo: bool = False, busy_timeout_seconds: float = SQLITE_BUSY_TIMEOUT_SECONDS
) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        pool: dict[str, int] = {}
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
            pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_SIZE}
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_seconds))
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    cache.track_changes(engine)
    return engine


def build_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# -- failures of the database itself, as opposed to mistakes in a query -----------------------

#: The database cannot be reached (down, refused, restarting, connection lost).
UNREACHABLE = "unreachable"
#: It is there but could not take this work now (a lock, a deadlock, a timeout); try again.
BUSY = "busy"
RACE = "race"

_RACE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock: two requests collided
_BUSY_SQLSTATES = {"55P03", "57014"}  # lock not available, statement timeout
_UNREACHABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}  # shutdown, starting, too many
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")


def database_failure(exc: BaseException) -> str | None:
    """``UNREACHABLE``, ``BUSY`` or ``RACE`` when ``exc`` is the database failing; None for a bug.

    A query that is wrong (a missing table, a broken constraint) is a programming error and
    stays a 500; only an outage or a lock the caller may retry later is told apart here.
    """
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return BUSY
    if isinstance(exc, sa_exc.DisconnectionError):
        return UNREACHABLE
    if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return None
    if exc.connection_invalidated:
        return UNREACHABLE
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        if sqlstate in _RACE_SQLSTATES:
            return RACE
        if sqlstate in _BUSY_SQLSTATES:
            return BUSY
        if sqlstate.startswith("08") or sqlstate in _UNREACHABLE_SQLSTATES:
            return UNREACHABLE
        return None
    module = type(orig).__module__
    if module.startswith("psycopg"):  # no SQLSTATE: the server never answered
        return UNREACHABLE
    message = str(orig).lower()
    if module.startswith("sqlite3"):
        if message.startswith(_SQLITE_BUSY):
            return BUSY
        if message.startswith(_SQLITE_UNREACHABLE):
            return UNREACHABLE
    return None
