"""The default search backend: SQLite FTS5 over jieba-segmented text, zero setup.

One SQLite file (separate from the application database) holds the documents' original
text, their segmented text in an FTS5 table ranked by BM25 with column weights, and side
tables for facets, numeric fields and suggestions. Readers get a connection per thread
(WAL lets them run beside the writer); writers take one lock. ``:memory:`` databases use a
single shared connection under the lock instead. When the file is removed or replaced under
a running process, ``health`` says the index is missing and ``ensure_ready`` reopens the
path and creates the index again. How it is queried lives in ``search/embedded_query.py``.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from search import fts
from search.analysis import (
    AnalyzedQuery,
    Analyzer,
    QueryClause,
    compact,
    default_analyzer,
    normalize,
)
from search.base import (
    TYPE_FACET,
    BackendHealth,
    FacetValue,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchUnavailable,
)
from search.embedded_query import RELAXED_CANDIDATES, Querying, type_condition

#: BM25 weights of the FTS columns title, keywords, summary, body.
DEFAULT_WEIGHTS = (10.0, 6.0, 2.0, 1.0)
BATCH_SIZE = 2000
NEW_PREFIX = "new_"
MLT_TERMS = 12


@dataclass(slots=True)
class _Prepared:
    """A document turned into the rows the index stores."""

    doc: SearchDocument
    segmented: tuple[str, str, str, str]
    norm: str
    suggestions: list[tuple[str, str]] = field(default_factory=list)


class EmbeddedBackend(Querying):
    """Search backend on SQLite FTS5; implements :class:`search.base.SearchBackend`."""

    name = "embedded"

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        analyzer: Analyzer | None = None,
        weights: Sequence[float] = DEFAULT_WEIGHTS,
        snippet_length: int = 120,
    ) -> None:
        self.path = str(path)
        self.analyzer = analyzer or default_analyzer()
        self.weights = tuple(weights)
        self.snippet_length = snippet_length
        self._memory = self.path == ":memory:"
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._df_cache: dict[str, tuple[int, float]] = {}
        self._count_cache: tuple[int, float] | None = None
        #: Bumped when the file is reopened; threads then open new connections.
        self._generation = 0
        #: (device, inode) of the file the current connections have open.
        self._identity: tuple[int, int] | None = None
        if not self._memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._shared = self._connect() if self._memory else None

    # -- connections ----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=30
            )
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -65536")
            if not self._memory:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA mmap_size = 268435456")
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS hits ("
                "rid INTEGER PRIMARY KEY, score REAL, published REAL, fmask INTEGER, codes TEXT)"
            )
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS cand (rid INTEGER PRIMARY KEY)")
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"cannot open search index {self.path}: {exc}") from exc
        with self._write_lock:
            self._connections.append(conn)
            if self._identity is None and not self._memory:
                self._identity = self._file_identity()
        return conn

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _file_lost(self) -> bool:
        """True when the index file was removed or replaced since it was opened."""
        if self._memory or self._identity is None:
            return False
        return self._file_identity() != self._identity

    def _reopen(self) -> None:
        """Close the connections to a lost file so the next use opens the path afresh."""
        with self._write_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._generation += 1
            self._identity = None
            self._df_cache.clear()
            self._count_cache = None
            if not Path(self.path).exists():
                # The journal of the removed file must not be replayed into the new one.
                for suffix in ("-wal", "-shm"):
                    Path(self.path + suffix).unlink(missing_ok=True)

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise SearchUnavailable("search backend is closed")
        try:
            if self._shared is not None:
                with self._write_lock:
                    yield self._shared
                return
            if self._file_lost():  # another process may already be building the new one
                self._reopen()
            conn = getattr(self._local, "conn", None)
            if conn is None or getattr(self._local, "generation", None) != self._generation:
                conn = self._local.conn = self._connect()
                self._local.generation = self._generation
            yield conn
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search index error: {exc}") from exc

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock, self._reader() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- lifecycle --------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Create the index tables if this file has none (again, if the file was removed)."""
        if self._file_lost():
            self._reopen()
        with self._writer() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            if not _table_exists(conn, "doc"):
                fts.create_schema(conn)
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('analyzer_version', ?)",
                (str(self.analyzer.version),),
            )

    def close(self) -> None:
        """Close every connection this backend opened."""
        with self._write_lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def health(self) -> BackendHealth:
        """Report whether the index file answers, and whether it is still there."""
        if self._file_lost():
            detail = f"index file {self.path} was removed or replaced"
            return BackendHealth(ok=False, backend=self.name, detail=detail, missing=True)
        try:
            with self._reader() as conn:
                if not _table_exists(conn, "doc"):
                    detail = f"index file {self.path} holds no index"
                    return BackendHealth(ok=False, backend=self.name, detail=detail, missing=True)
            return BackendHealth(ok=True, backend=self.name, documents=self.count())
        except SearchUnavailable as exc:
            return BackendHealth(ok=False, backend=self.name, detail=str(exc))

    def count(self, types: Sequence[str] = ()) -> int:
        """Number of indexed documents, optionally of some types."""
        with self._reader() as conn:
            if not types:
                return int(conn.execute("SELECT count(*) FROM doc").fetchone()[0])
            marks = ",".join("?" * len(types))
            sql = f"SELECT count(*) FROM doc WHERE type IN ({marks})"
            return int(conn.execute(sql, list(types)).fetchone()[0])

    # -- writing ------------------------------------------------------------------------------

    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents; also feeds a rebuild that is in progress."""
        written = 0
        it = iter(documents)
        while batch := [self._prepare(d) for d in islice(it, BATCH_SIZE)]:
            with self._writer() as conn:
                rebuilding = _rebuilding(conn)
                for prepared in batch:
                    _delete_key(conn, "", prepared.doc.key)
                    _insert(conn, "", prepared)
                    if rebuilding:
                        _delete_key(conn, NEW_PREFIX, prepared.doc.key)
                        _insert(conn, NEW_PREFIX, prepared)
                        conn.execute("DELETE FROM tombstone WHERE key = ?", (prepared.doc.key,))
            written += len(batch)
        return written

    def delete(self, type: str, ids: Iterable[str]) -> int:
        """Remove documents of one type by id."""
        keys = [f"{type}:{i}" for i in ids]
        removed = 0
        with self._writer() as conn:
            rebuilding = _rebuilding(conn)
            for key in keys:
                removed += _delete_key(conn, "", key)
                if rebuilding:
                    _delete_key(conn, NEW_PREFIX, key)
                    conn.execute("INSERT OR IGNORE INTO tombstone VALUES (?)", (key,))
        return removed

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Build new tables beside the live ones, then swap them in one transaction."""
        self.ensure_ready()
        with self._writer() as conn:
            fts.drop_schema(conn, NEW_PREFIX)
            fts.create_schema(conn, NEW_PREFIX)
            conn.execute("CREATE TABLE IF NOT EXISTS tombstone (key TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM tombstone")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('rebuilding', '1')")
        written = 0
        try:
            it = iter(documents)
            while batch := [self._prepare(d) for d in islice(it, BATCH_SIZE)]:
                with self._writer() as conn:
                    for prepared in batch:
                        # A concurrent index()/delete() already wrote a newer state.
                        key = prepared.doc.key
                        newer = conn.execute(
                            f"SELECT 1 FROM {NEW_PREFIX}doc WHERE key = ? "
                            "UNION ALL SELECT 1 FROM tombstone WHERE key = ?",
                            (key, key),
                        ).fetchone()
                        if newer is None:
                            _insert(conn, NEW_PREFIX, prepared)
                            written += 1
            with self._writer() as conn:
                fts.drop_schema(conn, "")
                fts.rename_schema(conn, NEW_PREFIX, "")
                conn.execute("DELETE FROM meta WHERE key = 'rebuilding'")
                conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('analyzer_version', ?)",
                    (str(self.analyzer.version),),
                )
        except BaseException:
            with self._writer() as conn:
                fts.drop_schema(conn, NEW_PREFIX)
                conn.execute("DELETE FROM meta WHERE key = 'rebuilding'")
            raise
        return written

    def _prepare(self, doc: SearchDocument) -> _Prepared:
        fields = [normalize(t) for t in (doc.title, " ".join(doc.keywords), doc.summary, doc.body)]
        title, keywords, summary, body = (
            self.analyzer.index_text(f, normalized=True) for f in fields
        )
        segmented = (title, keywords, summary, body)
        norm = "".join(" ".join(fields).split())
        suggestions = [(compact(doc.title), doc.title)] if doc.title.strip() else []
        suggestions += [(compact(k), k.strip()) for k in doc.keywords if k.strip()]
        return _Prepared(doc, segmented, norm, suggestions)

    # -- suggestions and similar documents ---------------------------------------------------

    def suggest(self, prefix: str, *, types: Sequence[str] = (), limit: int = 10) -> list[str]:
        """Keywords and titles starting with the prefix, then titles with a word starting so."""
        key = compact(prefix)
        if not key:
            return []
        type_sql, type_params = type_condition(types, "d")
        out: list[str] = []
        with self._reader() as conn:
            rows = conn.execute(
                "SELECT min(s.display), count(*) AS c FROM sugg s JOIN doc d ON d.rowid = s.rowid "
                f"WHERE s.norm >= ? AND s.norm < ? AND {type_sql} "
                "GROUP BY s.norm ORDER BY c DESC, length(s.norm), s.norm LIMIT ?",
                [key, key + "\U0010ffff", *type_params, limit],
            ).fetchall()
            out = [r[0] for r in rows]
            tokens = self.analyzer.query_tokens(prefix)
            if len(out) < limit and tokens:
                # Earlier words whole, the last one as a prefix: "安全监" finds 安全监测.
                expr = " AND ".join([*map(fts.quote, tokens[:-1]), fts.quote(tokens[-1]) + " *"])
                rows = conn.execute(
                    "SELECT d.title FROM fts f JOIN doc d ON d.rowid = f.rowid "
                    f"WHERE fts MATCH ? AND {type_sql} ORDER BY bm25(fts) LIMIT ?",
                    [f"title : ({expr})", *type_params, limit * 2],
                ).fetchall()
                seen = {compact(s) for s in out}
                for (title,) in rows:
                    if compact(title) not in seen and len(out) < limit:
                        seen.add(compact(title))
                        out.append(title)
        return out

    def more_like_this(
        self,
        type: str,
        id: str,
        *,
        types: Sequence[str] = (),
        filters: Mapping[str, FacetValue] | None = None,
        size: int = 10,
    ) -> list[SearchHit]:
        """Documents sharing the most distinctive terms of the given one."""
        with self._reader() as conn:
            row = conn.execute(
                "SELECT f.title, f.keywords, f.summary, substr(f.body, 1, 4000) "
                "FROM doc d JOIN fts f ON f.rowid = d.rowid WHERE d.key = ?",
                (f"{type}:{id}",),
            ).fetchone()
            if row is None:
                return []
            tf: dict[str, float] = {}
            for text, weight in zip(row, (3, 3, 1, 0.5), strict=True):
                for token in text.split():
                    if len(token) > 1:
                        tf[token] = tf.get(token, 0.0) + weight
            terms = self._distinctive(conn, tf)
        if not terms:
            return []
        text = " ".join(terms)
        clause_query = AnalyzedQuery(clauses=tuple(QueryClause(((t,),)) for t in terms))
        query = SearchQuery(text=text, types=types, filters=filters or {}, size=min(size + 1, 100))
        plan = self._plan(query, clause_query)
        plan.match = fts.any_of(fts.quote(t) for t in terms)
        plan.clauses = []
        plan.counted_clauses = []
        plan.cap = RELAXED_CANDIDATES
        with self._reader() as conn:
            page = self._search_text(conn, query, plan)
        return [h for h in page.hits if not (h.type == type and h.id == id)][:size]

    def _distinctive(self, conn: sqlite3.Connection, tf: dict[str, float]) -> list[str]:
        if not tf:
            return []
        total = conn.execute("SELECT count(*) FROM doc").fetchone()[0] or 1
        candidates = sorted(tf, key=lambda t: -tf[t])[:200]
        df = {term: max(1, self._term_frequency(conn, term)) for term in candidates}
        scored = sorted(candidates, key=lambda t: -tf[t] * math.log(1 + total / df[t]))
        # Terms in nearly every document carry no meaning for similarity.
        return [t for t in scored if df[t] <= max(2, total // 2)][:MLT_TERMS]


# -- row helpers --------------------------------------------------------------------------------


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row is not None


def _rebuilding(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'rebuilding'").fetchone()
    return row is not None


def _delete_key(conn: sqlite3.Connection, p: str, key: str) -> int:
    row = conn.execute(f"SELECT rowid FROM {p}doc WHERE key = ?", (key,)).fetchone()
    if row is None:
        return 0
    rid = row[0]
    for table in fts.TABLES:
        conn.execute(f"DELETE FROM {p}{table} WHERE rowid = ?", (rid,))
    return 1


def _insert(conn: sqlite3.Connection, p: str, prepared: _Prepared) -> None:
    doc = prepared.doc
    published = doc.published_at
    epoch = _epoch(published) if published else None
    cur = conn.execute(
        f"INSERT INTO {p}doc (key, type, id, title, keywords, summary, body, published, "
        "published_iso, norm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.key,
            doc.type,
            doc.id,
            doc.title,
            json.dumps(doc.keywords, ensure_ascii=False),
            doc.summary,
            doc.body,
            epoch,
            published.isoformat() if published else None,
            prepared.norm,
        ),
    )
    rid = cur.lastrowid
    pairs = sorted(facet_pairs(doc))
    codes = "".join(fts.facet_code(name, value) for name, value in pairs)
    conn.execute(
        f"INSERT INTO {p}info (rowid, published, codes) VALUES (?, ?, ?)",
        (rid, epoch, codes or fts.CODE_SEP),
    )
    conn.execute(
        f"INSERT INTO {p}fts (rowid, title, keywords, summary, body) VALUES (?, ?, ?, ?, ?)",
        (rid, *prepared.segmented),
    )
    conn.executemany(
        f"INSERT INTO {p}facet (name, value, rowid) VALUES (?, ?, ?)",
        [(name, value, rid) for name, value in pairs],
    )
    conn.executemany(
        f"INSERT INTO {p}num (name, rowid, value) VALUES (?, ?, ?)",
        [(name, rid, float(v)) for name, v in doc.numbers.items()],
    )
    conn.executemany(
        f"INSERT OR IGNORE INTO {p}sugg (norm, display, rowid) VALUES (?, ?, ?)",
        [(norm, display, rid) for norm, display in prepared.suggestions if norm],
    )


def facet_pairs(doc: SearchDocument) -> set[tuple[str, str]]:
    """(name, value) pairs of a document's facets, its type included."""
    pairs = {(TYPE_FACET, doc.type)}
    for name, value in doc.facets.items():
        for v in [value] if isinstance(value, str) else value:
            pairs.add((name, v))
    return pairs


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
