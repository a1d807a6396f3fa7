"""What pages compute from the database, kept in the web process until the data changes.

Every committed transaction that wrote to a table pages may show also increases one number,
``content_generation.value``, in the same transaction (engine events that ``build_engine``
installs, so the web servers, the worker and the commands all do it). A cached result keeps
the number it was computed under and serves only while the database still says that number:
a change made by any process shows on the next request, on every worker. Bookkeeping tables
(sign-ins, the audit log, notifications, mail, the contacts log) do not count.

Entries also expire after ``MAX_AGE_SECONDS``, for what changes outside the database: the
analyzer picking up a new dictionary term, an index rebuilt from the command line.

Only request sessions cache (``get_session`` hands them the app's store), and a transaction
that has written reads and stores nothing: it must see its own changes, and they may yet be
rolled back. Cached values are shared by concurrent requests: store plain data (read schemas,
dataclasses, tuples), never ORM objects, and never change a value taken from the cache.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Engine, column, event, select, table, text
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 1024

#: Tables whose changes no cached page shows.
UNSHOWN = frozenset(
    {
        "api_token",
        "audit_event",
        "contact_view",
        "content_generation",
        "index_generation",
        "login_session",
        "login_throttle",
        "mail_delivery",
        "notification",
        "password_reset_token",
        "periodic_job_state",
    }
)
_GENERATION = table("content_generation", column("id"), column("value"))
_BUMP = "UPDATE content_generation SET value = value + 1 WHERE id = 1"
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
#: Connection ``info`` keys: the transaction wrote to a table pages may show; it migrates the
#: schema (the generation's table may not be there yet, and servers restart after it anyway).
_WROTE = "content_changed"
#: Connection ``info`` key: the bookkeeping tables (``UNSHOWN``) the transaction wrote to.
_WROTE_UNSHOWN = "bookkeeping_changed"
_MIGRATES = "migrates_schema"
_HAS_TABLE = "has_content_generation"
#: Session ``info`` keys: the app's store; the generation read in the current transaction.
_STORE = "page_cache"
_SEEN = "content_generation"


class Store:
    """Entries ``key → (generation, expiry, value)``, the least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE_SECONDS) -> None:
        self._entries: OrderedDict[Hashable, tuple[Hashable, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_age = max_age

    def get(self, key: Hashable, generation: Hashable) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            if entry[0] != generation or time.monotonic() > entry[1]:
                del self._entries[key]
                return False, None
            self._entries.move_to_end(key)
            return True, entry[2]

    def put(
        self, key: Hashable, generation: Hashable, value: Any, *, max_age: float | None = None
    ) -> None:
        with self._lock:
            expires = time.monotonic() + (self.max_age if max_age is None else max_age)
            self._entries[key] = (generation, expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_store_lock = threading.Lock()


def store_of(state: Any) -> Store:
    """The store kept on ``state`` (an app's ``app.state``), made on first use."""
    store = getattr(state, _STORE, None)
    if store is None:
        with _store_lock:
            store = getattr(state, _STORE, None)
            if store is None:
                store = Store()
                setattr(state, _STORE, store)
    return store


def use(session: Session, store: Store) -> None:
    """Let ``session`` (a request's) read and fill ``store``."""
    session.info[_STORE] = store


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned under the database's current content generation."""
    store: Store | None = session.info.get(_STORE)
    if store is None:
        return compute()
    connection = session.connection()
    if connection.info.get(_WROTE):
        return compute()
    generation = _generation(session)
    if generation is None:
        return compute()
    found, value = store.get(key, generation)
    if found:
        return value
    value = compute()
    if not connection.info.get(_WROTE):
        store.put(key, generation, value)
    return value


def cached_while(
    session: Session,
    key: Hashable,
    stamp: Hashable,
    compute: Callable[[], T],
    *,
    max_age: float = MAX_AGE_SECONDS,
) -> T:
    """``compute()``, or what it returned while ``stamp`` was the same: for results that depend
    on a few known things (a listing's version, the index generations of some types) rather
    than on everything in the database, so unrelated writes leave them cached. The caller's
    stamp must cover every change it cares to see sooner than ``max_age``."""
    return cached_many_while(session, [(key, stamp)], lambda _: [compute()], max_age=max_age)[0]


def cached_many_while(
    session: Session,
    entries: Sequence[tuple[Hashable, Hashable]],
    compute: Callable[[list[int]], list[T]],
    *,
    max_age: float = MAX_AGE_SECONDS,
) -> list[T]:
    """:func:`cached_while` for several ``(key, stamp)`` entries at once: ``compute`` gets the
    positions of the entries that are not kept and returns their values in that order, so
    results that are cheaper to compute together (one pass over shared inputs) are."""
    store: Store | None = session.info.get(_STORE)
    if store is None or session.connection().info.get(_WROTE):
        return compute(list(range(len(entries))))
    values: list[Any] = [None] * len(entries)
    missing: list[int] = []
    for i, (key, stamp) in enumerate(entries):
        found, value = store.get(key, stamp)
        if found:
            values[i] = value
        else:
            missing.append(i)
    if missing:
        fresh = compute(missing)
        keep = not session.connection().info.get(_WROTE)
        for i, value in zip(missing, fresh, strict=True):
            values[i] = value
            if keep:
                store.put(entries[i][0], entries[i][1], value, max_age=max_age)
    return values


_STAMP = text(
    "SELECT (SELECT value FROM content_generation WHERE id = 1),"
    " (SELECT COALESCE(SUM(last_value), 0) FROM index_generation)"
)


def everything_stamp(session: Session) -> tuple[int, int] | None:
    """The content generation and the sum of the index's generations: what is computed from
    both the database and the index stays true while this does. None while ``session``'s
    transaction has written (its changes are not everyone's yet) or before the migration."""
    if session.connection().info.get(_WROTE):
        return None
    row = session.execute(_STAMP).one()
    return None if row[0] is None else (int(row[0]), int(row[1]))


def _generation(session: Session) -> int | None:
    transaction = session.get_transaction()
    seen = session.info.get(_SEEN)
    if seen is not None and seen[0] is transaction:
        return seen[1]
    value = session.execute(select(_GENERATION.c.value).where(_GENERATION.c.id == 1)).scalar()
    session.info[_SEEN] = (transaction, value)
    return value


# -- counting changes, on every engine ---------------------------------------------------------


def track_changes(engine: Engine) -> None:
    """Make each transaction on ``engine`` that wrote to a shown table bump the generation."""
    event.listen(engine, "after_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump_if_changed)
    event.listen(engine, "rollback", _forget)
    event.listen(engine.pool, "checkin", _forget_on_checkin)


def _note_write(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    match = _WRITE.match(statement)
    if match is None:
        return
    written = match.group(1).lower()
    if written == "alembic_version":
        conn.info[_MIGRATES] = True
    elif written in UNSHOWN:
        conn.info.setdefault(_WROTE_UNSHOWN, set()).add(written)
    elif (
        not conn.info.get(_WROTE)
        # With RETURNING, drivers count the rows only once they are fetched: count it.
        and (cursor.rowcount != 0 or "RETURNING" in statement.upper())
    ):
        conn.info[_WROTE] = True


def _bump_if_changed(conn: Any) -> None:
    conn.info.pop(_WROTE_UNSHOWN, None)
    wrote, migrates = conn.info.pop(_WROTE, False), conn.info.pop(_MIGRATES, False)
    if not wrote or migrates:
        return
    # The driver's own cursor: inside this commit, and unseen by the listener above.
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if _has_generation_table(conn, cursor):
            cursor.execute(_BUMP)
    finally:
        cursor.close()


def _has_generation_table(conn: Any, cursor: Any) -> bool:
    """False on a database not yet migrated this far (a migration test, an old backup)."""
    if conn.info.get(_HAS_TABLE):
        return True
    if conn.dialect.name == "sqlite":
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'content_generation'")
    else:
        cursor.execute("SELECT to_regclass('content_generation')")
    row = cursor.fetchone()
    found = row is not None and row[0] is not None
    if found:
        conn.info[_HAS_TABLE] = True
    return found


def _forget(conn: Any) -> None:
    for key in (_WROTE, _MIGRATES, _WROTE_UNSHOWN):
        conn.info.pop(key, None)


def _forget_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        for key in (_WROTE, _MIGRATES, _WROTE_UNSHOWN):
            record.info.pop(key, None)


def wrote_to(session: Session, table_name: str) -> bool:
    """Whether the session's current transaction wrote to ``table_name``, one of ``UNSHOWN``
    (a committed one is forgotten). Without a transaction nothing was written."""
    if session.get_transaction() is None:
        return False
    return table_name in session.connection().info.get(_WROTE_UNSHOWN, ())
