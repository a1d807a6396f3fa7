"""A logical copy of the database, table by table, that loads into SQLite or PostgreSQL.

Each table becomes JSON Lines, one row per line as a list of cell values in the column order the
backup's manifest records. Values are kept as the database stores them (read through reflected
tables, not the ORM models), so a copy taken at any schema revision loads back at that revision:

- datetimes are written in UTC with their offset (SQLite keeps the platform's UTC wall time);
- decimals as strings, so no digit is lost; dates and times in ISO 8601; bytes in base64;
- JSON columns as the JSON text the database holds, so SQL NULL and JSON ``null`` stay apart.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine

VERSION_TABLE = "alembic_version"
BATCH = 1000


def column_kind(type_: sa.types.TypeEngine[Any]) -> str:
    """How a column's values are written: one of datetime, date, time, decimal, json, bytes, value."""
    if isinstance(type_, sa.DateTime):
        return "datetime"
    if isinstance(type_, sa.Date):
        return "date"
    if isinstance(type_, sa.Time):
        return "time"
    if isinstance(type_, sa.Float):
        return "value"
    if isinstance(type_, sa.Numeric):
        return "decimal"
    if isinstance(type_, sa.JSON):
        return "json"
    if isinstance(type_, sa.LargeBinary):
        return "bytes"
    return "value"


def encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, datetime):
        # Every datetime column of the platform holds UTC; SQLite hands it back without a zone.
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.isoformat()
    if kind in {"date", "time"} and isinstance(value, date | time):
        return value.isoformat()
    if kind == "decimal" and isinstance(value, Decimal | int | float):
        return str(value)
    if kind == "json" and isinstance(value, str):
        return value
    if kind == "bytes" and isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot write a {type(value).__name__} value of a {kind} column")


def decode(value: Any, kind: str) -> Any:
    if value is None:
        return sa.null() if kind == "json" else None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "json":
        parsed = json.loads(value)
        return sa.JSON.NULL if parsed is None else parsed
    if kind == "bytes":
        return base64.b64decode(value)
    return value


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction in which every table is read as of one moment.

    PostgreSQL: REPEATABLE READ, so all tables come from one snapshot while the site keeps
    writing. SQLite in WAL mode: a read transaction sees the database as of its first read.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            yield conn


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def data_tables(conn: Connection) -> list[sa.Table]:
    """The tables holding data, parents before children (the schema version table left out)."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def columns_of(table: sa.Table) -> list[dict[str, str]]:
    return [{"name": c.name, "kind": column_kind(c.type)} for c in table.columns]


def dump_table(conn: Connection, table: sa.Table, out: TextIO) -> int:
    """Write every row of ``table`` (in primary-key order) to ``out``; return how many."""
    kinds = [column_kind(c.type) for c in table.columns]
    selected = [
        sa.cast(c, sa.Text) if k == "json" else c for c, k in zip(table.columns, kinds, strict=True)
    ]
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=BATCH).execute(sa.select(*selected).order_by(*order))
    count = 0
    for row in result:
        cells = [encode(v, k) for v, k in zip(row, kinds, strict=True)]
        out.write(json.dumps(cells, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


def load_table(
    conn: Connection, table: sa.Table, columns: list[dict[str, str]], lines: Iterable[str]
) -> int:
    """Insert the rows of a dump into ``table``; return how many."""
    names = [c["name"] for c in columns]
    kinds = [c["kind"] for c in columns]
    statement = table.insert()
    batch: list[dict[str, Any]] = []
    count = 0
    for line in lines:
        if not line.strip():
            continue
        cells = json.loads(line)
        if len(cells) != len(names):
            raise ValueError(f"row {count + 1} of {table.name} has {len(cells)} values")
        batch.append({n: decode(v, k) for n, v, k in zip(names, cells, kinds, strict=True)})
        count += 1
        if len(batch) >= BATCH:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
    return count


def clear(conn: Connection, tables: list[sa.Table]) -> None:
    """Empty the tables, children first (a migration may have put reference rows there)."""
    for table in reversed(tables):
        conn.execute(table.delete())


def drop_all(conn: Connection) -> None:
    """Drop every table of the connection's schema, the version table included."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    metadata.drop_all(conn)


def reset_sequences(conn: Connection, tables: list[sa.Table]) -> None:
    """PostgreSQL: move each id sequence past the highest id loaded, so new rows get fresh ids."""
    if conn.dialect.name != "postgresql":
        return  # SQLite takes the next rowid from the rows themselves
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.scalar(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": conn.dialect.identifier_preparer.quote(table.name), "c": column.name},
            )
            if sequence is None:
                continue
            top = conn.scalar(sa.select(sa.func.max(column)))
            conn.execute(
                sa.text("SELECT setval(:s, :v, :called)"),
                {"s": sequence, "v": top or 1, "called": top is not None},
            )


def row_count(conn: Connection, table: sa.Table) -> int:
    return int(conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
