"""SQLite FTS5 building blocks for the embedded backend: schema and MATCH expressions."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable

from search.analysis import QueryClause

#: Tables that make up one index generation; a rebuild creates them with a prefix.
TABLES = ("doc", "info", "fts", "facet", "num", "sugg")
#: Separators of the facet codes string kept per document: \x1fname\x1evalue\x1f...
CODE_SEP = "\x1f"
CODE_KV = "\x1e"
#: Kept as FTS token characters so "c++", "pm2.5" or "co-2" stay one token as analysed.
TOKEN_CHARS = "+#.&%_-"


def create_schema(conn: sqlite3.Connection, prefix: str = "") -> None:
    """Create one generation of index tables (names prefixed, index names unique)."""
    tag = secrets.token_hex(4)
    p = prefix
    script = f"""
        CREATE TABLE {p}doc (
            rowid INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            title TEXT NOT NULL,
            keywords TEXT NOT NULL,
            summary TEXT NOT NULL,
            body TEXT NOT NULL,
            published REAL,
            published_iso TEXT,
            norm TEXT NOT NULL
        );
        CREATE INDEX {p}doc_published_{tag} ON {p}doc (published);
        CREATE TABLE {p}info (
            rowid INTEGER PRIMARY KEY,
            published REAL,
            codes TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE {p}fts USING fts5 (
            title, keywords, summary, body,
            tokenize = "unicode61 remove_diacritics 0 tokenchars '{TOKEN_CHARS}'"
        );
        CREATE TABLE {p}facet (
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            rowid INTEGER NOT NULL,
            PRIMARY KEY (name, value, rowid)
        ) WITHOUT ROWID;
        CREATE INDEX {p}facet_row_{tag} ON {p}facet (rowid, name, value);
        CREATE TABLE {p}num (
            name TEXT NOT NULL,
            rowid INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (rowid, name)
        ) WITHOUT ROWID;
        CREATE INDEX {p}num_value_{tag} ON {p}num (name, value);
        CREATE TABLE {p}sugg (
            norm TEXT NOT NULL,
            display TEXT NOT NULL,
            rowid INTEGER NOT NULL,
            PRIMARY KEY (norm, rowid, display)
        ) WITHOUT ROWID;
        CREATE INDEX {p}sugg_row_{tag} ON {p}sugg (rowid)
        """
    # One statement at a time: executescript() would commit the caller's transaction.
    for statement in script.split(";"):
        conn.execute(statement)


def facet_code(name: str, value: str) -> str:
    """The substring that marks one facet value inside a document's codes string."""
    return f"{CODE_SEP}{name}{CODE_KV}{value}{CODE_SEP}"


def drop_schema(conn: sqlite3.Connection, prefix: str) -> None:
    """Drop one generation of index tables if present."""
    for table in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {prefix}{table}")


def rename_schema(conn: sqlite3.Connection, old_prefix: str, new_prefix: str) -> None:
    """Rename a generation of tables (used to swap a rebuilt index in)."""
    for table in TABLES:
        conn.execute(f"ALTER TABLE {old_prefix}{table} RENAME TO {new_prefix}{table}")


def quote(token: str) -> str:
    """An FTS5 string literal for one token, so no query text is read as syntax."""
    return '"' + token.replace('"', '""') + '"'


def all_of(tokens: Iterable[str]) -> str:
    """Expression matching documents that contain every token (anywhere)."""
    parts = [quote(t) for t in tokens]
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def clause_expr(clause: QueryClause) -> str:
    """Expression matching any alternative of a clause.

    A Latin word or abbreviation of three or more characters also matches as a prefix
    (IGBT finds IGBTs, RCC finds RCCP): Chinese text glues suffixes to such words.
    """
    alts = [
        quote(alt[0]) + " *" if len(alt) == 1 and _prefixable(alt[0]) else all_of(alt)
        for alt in clause.alternatives
        if alt
    ]
    return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"


def _prefixable(token: str) -> bool:
    return len(token) >= 3 and token.isascii() and token.isalnum()


def any_of(exprs: Iterable[str]) -> str:
    """OR of sub-expressions."""
    parts = list(exprs)
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def every(exprs: Iterable[str]) -> str:
    """AND of sub-expressions."""
    parts = list(exprs)
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
