"""The default search backend: SQLite FTS5 over jieba-segmented text, zero setup.

One SQLite file (separate from the application database) holds the documents' original
text, their segmented text in an FTS5 table ranked by BM25 with column weights, and side
tables for facets, numeric fields and suggestions. Readers get a connection per thread
(WAL lets them run beside the writer); writers take one lock. ``:memory:`` databases use a
single shared connection under the lock instead. When the file is removed or replaced under
a running process, ``health`` says the index is missing and ``ensure_ready`` reopens the
path and creates the index again.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import escape
from itertools import combinations, islice
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
    SearchPage,
    SearchQuery,
    SearchUnavailable,
)
from search.highlight import highlight, snippet

#: BM25 weights of the FTS columns title, keywords, summary, body.
DEFAULT_WEIGHTS = (10.0, 6.0, 2.0, 1.0)
BATCH_SIZE = 2000
FACET_LIMIT = 50
NEW_PREFIX = "new_"
MLT_TERMS = 12
#: Relaxed queries and more-like-this rank, count and facet only this many best matches.
RELAXED_CANDIDATES = 1000
#: Up to this many "m of n" combinations they are matched as an OR of ANDs, beyond it
#: by counting matched clauses among the documents having one of the rarest.
MAX_COMBINATIONS = 6
DF_CACHE_SECONDS = 300.0
DF_CACHE_SIZE = 50_000
#: Match sets up to this size are scored, counted and faceted in full.
EXACT_LIMIT = 1500
#: Larger ones count total and facets over about this many evenly spread matches ...
SAMPLE_SIZE = 2000
#: ... and rank only the matches having the words in their title or keywords (or, when
#: those are still more than this, a narrower tier of TIERS) -- where BM25's column weights
#: put the best matches anyway. If no tier can fill the page, every match is ranked.
TIER_LIMIT = 2500
#: The tiers, widest first: a query word in the title or keywords, in the title, in both.
TIERS = (
    "{{title keywords}} : ({0})",
    "{{title}} : ({0})",
    "({{title}} : ({0})) AND ({{keywords}} : ({0}))",
)


@dataclass(slots=True)
class _Prepared:
    """A document turned into the rows the index stores."""

    doc: SearchDocument
    segmented: tuple[str, str, str, str]
    norm: str
    suggestions: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Plan:
    """A search translated into SQL pieces."""

    match: str | None
    clauses: list[str]
    minimum: int
    where: list[str]
    params: list[object]
    filters: dict[str, list[str]]
    terms: list[str]
    all_clauses: list[str] = field(default_factory=list)
    phrase_exprs: list[str] = field(default_factory=list)
    #: Keep only the best this many matches (filters applied first); None keeps all.
    cap: int | None = None
    #: "m of n" queries: ``match`` (any clause) ranks; ``minimum`` of these must match.
    counted_clauses: list[QueryClause] = field(default_factory=list)
    #: The analysed clauses behind ``all_clauses``, for their document frequencies.
    analyzed_clauses: list[QueryClause] = field(default_factory=list)


class EmbeddedBackend:
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

    # -- searching ------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        """Run a query: BM25-ranked, filtered, faceted, highlighted."""
        analyzed = self.analyzer.analyze_query(query.text)
        plan = self._plan(query, analyzed)
        with self._reader() as conn:
            if plan.match is None:
                return self._search_browse(conn, query, plan)
            page = self._search_text(conn, query, plan)
            if not analyzed.should_relax(page.total, query.size):
                return page
            relaxed = self._relax(conn, plan, analyzed)
            return replace(self._search_text(conn, query, relaxed), relaxed=True)

    def _relax(self, conn: sqlite3.Connection, plan: _Plan, analyzed: AnalyzedQuery) -> _Plan:
        """The same plan needing any one clause, keeping the best RELAXED_CANDIDATES.

        Like a common-terms query: when some words are rare, candidates come from those
        alone, since an OR over very common words would rank most of the index.
        """
        clauses = plan.all_clauses
        frequencies = [self._clause_frequency(conn, c) for c in analyzed.clauses]
        cutoff = max(RELAXED_CANDIDATES, self._document_count(conn) // 50)
        rare = [expr for expr, df in zip(clauses, frequencies, strict=True) if df <= cutoff]
        if rare:
            clauses = rare
        positive = [fts.any_of(clauses), *plan.phrase_exprs]
        return replace(
            plan,
            match=fts.every(positive),
            clauses=[],
            minimum=1,
            cap=RELAXED_CANDIDATES,
            counted_clauses=[],
        )

    def _clause_frequency(self, conn: sqlite3.Connection, clause: QueryClause) -> int:
        """Estimated number of documents matching a clause, from cached term frequencies."""
        return sum(min(self._term_frequency(conn, t) for t in alt) for alt in clause.alternatives)

    def _term_frequency(self, conn: sqlite3.Connection, term: str) -> int:
        # fts5vocab counts a term's documents by reading its whole posting list, so keep
        # recent answers; an estimate a few minutes old is good enough to pick candidates.
        now = time.monotonic()
        cached = self._df_cache.get(term)
        if cached is not None and now - cached[1] < DF_CACHE_SECONDS:
            return cached[0]
        _ensure_vocab(conn)
        row = conn.execute("SELECT doc FROM temp.vocab WHERE term = ?", (term,)).fetchone()
        if len(self._df_cache) >= DF_CACHE_SIZE:
            self._df_cache.clear()
        df = int(row[0]) if row else 0
        self._df_cache[term] = (df, now)
        return df

    def _document_count(self, conn: sqlite3.Connection) -> int:
        # Only picks cut-offs between rare and common words, like the cached frequencies;
        # counting reads the whole info table.
        now = time.monotonic()
        if self._count_cache is not None and now - self._count_cache[1] < DF_CACHE_SECONDS:
            return self._count_cache[0]
        count = int(conn.execute("SELECT count(*) FROM info").fetchone()[0])
        self._count_cache = (count, now)
        return count

    def _plan(self, query: SearchQuery, analyzed: AnalyzedQuery) -> _Plan:
        clauses = [fts.clause_expr(c) for c in analyzed.clauses]
        phrase_exprs = [fts.all_of(toks) for toks in analyzed.phrase_tokens if toks]
        minimum = analyzed.minimum_should_match
        positive: list[str] = []
        counted: list[str] = []
        counted_clauses: list[QueryClause] = []
        if clauses:
            if minimum >= len(clauses):
                positive.append(fts.every(clauses))
            else:
                # "m of n": rank by the clauses each once (an OR of ANDs repeating words
                # makes BM25 read each posting list once per repetition) and find the
                # matches apart, without scoring.
                positive.append(fts.any_of(clauses))
                counted = clauses
                counted_clauses = list(analyzed.clauses)
        positive += phrase_exprs
        where: list[str] = []
        params: list[object] = []
        for phrase in analyzed.phrases:
            where.append("instr(d.norm, ?) > 0")
            params.append(phrase)
        for excluded in analyzed.excluded:
            where.append("instr(d.norm, ?) = 0")
            params.append(excluded)
        for name, bounds in query.ranges.items():
            cond = ["n.name = ?"]
            params.append(name)
            if bounds.gte is not None:
                cond.append("n.value >= ?")
                params.append(bounds.gte)
            if bounds.lte is not None:
                cond.append("n.value <= ?")
                params.append(bounds.lte)
            where.append(f"d.rowid IN (SELECT n.rowid FROM num n WHERE {' AND '.join(cond)})")
        return _Plan(
            match=fts.every(positive) if positive else None,
            clauses=counted,
            minimum=minimum,
            where=where,
            params=params,
            filters=query.filter_values(),
            terms=analyzed.highlight_terms(),
            all_clauses=clauses,
            phrase_exprs=phrase_exprs,
            counted_clauses=counted_clauses,
            analyzed_clauses=list(analyzed.clauses),
        )

    def _filter_sql(
        self, plan: _Plan, column: str, skip: str | None = None
    ) -> tuple[str, list[object]]:
        parts: list[str] = []
        params: list[object] = []
        for name, values in plan.filters.items():
            if name == skip:
                continue
            marks = ",".join("?" * len(values))
            parts.append(
                f"{column} IN (SELECT rowid FROM facet WHERE name = ? AND value IN ({marks}))"
            )
            params += [name, *values]
        return (" AND ".join(parts) or "1"), params

    def _search_text(self, conn: sqlite3.Connection, query: SearchQuery, plan: _Plan) -> SearchPage:
        """Rank, count and facet the matches of a text query.

        Up to EXACT_LIMIT matches everything is exact. Beyond it (single very common words
        match a fifth of the index) the total and facets are estimated from an even sample
        of the matches and only the title/keyword tier is ranked; the page says so.
        """
        scope, scope_params = self._candidates(conn, plan)
        if plan.cap is not None:
            return self._search_exact(conn, query, plan, scope, scope_params)
        if scope == "1":
            sql, params = "SELECT count(*) FROM fts WHERE fts MATCH ?", [plan.match]
        else:
            sql, params = "SELECT count(*) FROM temp.cand", []
        matched = int(conn.execute(sql, params).fetchone()[0])
        if matched <= EXACT_LIMIT:
            return self._search_exact(conn, query, plan, scope, scope_params)
        return self._search_large(conn, query, plan, scope, scope_params, matched)

    def _candidates(self, conn: sqlite3.Connection, plan: _Plan) -> tuple[str, list[object]]:
        """SQL on ``f.rowid`` keeping the documents an "m of n" query matches, or "1"."""
        if not plan.clauses:
            return "1", []
        conn.execute("DELETE FROM temp.cand")
        if math.comb(len(plan.clauses), plan.minimum) <= MAX_COMBINATIONS:
            # An OR of ANDs, without scores: FTS5 intersects posting lists.
            combos = combinations(plan.clauses, plan.minimum)
            expr = fts.every([fts.any_of(fts.every(c) for c in combos), *plan.phrase_exprs])
            conn.execute("INSERT INTO temp.cand SELECT rowid FROM fts WHERE fts MATCH ?", [expr])
            return "+f.rowid IN (SELECT rid FROM temp.cand)", []
        # A document with m of n clauses has one of the n - m + 1 rarest: draw candidates
        # from those, then count each clause among the candidates only.
        frequencies = [self._clause_frequency(conn, c) for c in plan.counted_clauses]
        ranked = sorted(range(len(plan.clauses)), key=lambda i: frequencies[i])
        rare = fts.any_of(plan.clauses[i] for i in ranked[: len(plan.clauses) - plan.minimum + 1])
        exprs = [fts.every([rare, clause, *plan.phrase_exprs]) for clause in plan.clauses]
        union = " UNION ALL ".join("SELECT rowid FROM fts WHERE fts MATCH ?" for _ in exprs)
        conn.execute(
            f"INSERT INTO temp.cand SELECT rowid FROM ({union}) GROUP BY rowid HAVING count(*) >= ?",
            [*exprs, plan.minimum],
        )
        # The unary + keeps SQLite from handing each candidate to FTS5 as a separate lookup.
        return "+f.rowid IN (SELECT rid FROM temp.cand)", []

    def _masks(self, plan: _Plan) -> tuple[str, list[object], int]:
        """A bit per satisfied filter, read from the narrow info table's facet codes (a
        substring test, no index probe); page, total and facets then read the bits."""
        bits = []
        params: list[object] = []
        for bit, name in enumerate(plan.filters):
            tests = " OR ".join("instr(i.codes, ?) > 0" for _ in plan.filters[name])
            bits.append(f"(({tests}) << {bit})")
            params += [fts.facet_code(name, v) for v in plan.filters[name]]
        return " | ".join(bits) or "0", params, (1 << len(plan.filters)) - 1

    def _search_exact(
        self,
        conn: sqlite3.Connection,
        query: SearchQuery,
        plan: _Plan,
        scope: str,
        scope_params: list[object],
    ) -> SearchPage:
        weights = ", ".join(str(w) for w in self.weights)
        names = list(plan.filters)
        fmask, mask_params, full = self._masks(plan)
        params = list(mask_params)
        where = ["fts MATCH ?", scope, *plan.where]
        params += [plan.match, *scope_params, *plan.params]
        limit = ""
        if plan.cap is not None:
            # A capped candidate list is taken after filtering, so filters apply up front.
            where.append(f"({fmask}) = {full}")
            params += mask_params
            limit = f"ORDER BY score LIMIT {int(plan.cap)}"
        join_doc = "JOIN doc d ON d.rowid = f.rowid" if plan.where else ""
        conn.execute("DELETE FROM temp.hits")
        conn.execute(
            "INSERT INTO temp.hits (rid, score, published, fmask, codes) "
            # Only documents passing every filter are ranked; the others are facet counts.
            f"SELECT f.rowid, CASE WHEN ({fmask}) = {full} THEN bm25(fts, {weights}) END "
            f"AS score, i.published, {fmask}, i.codes "
            f"FROM fts f JOIN info i ON i.rowid = f.rowid {join_doc} "
            f"WHERE {' AND '.join(where)} {limit}",
            [*mask_params, *params],
        )
        order = (
            "published DESC NULLS LAST, rid DESC"
            if query.sort == "newest"
            else "score, published DESC NULLS LAST, rid"
        )
        rows = conn.execute(
            f"SELECT rid, score FROM temp.hits WHERE fmask = ? ORDER BY {order} LIMIT ? OFFSET ?",
            [full, query.size, query.offset],
        ).fetchall()
        total = conn.execute("SELECT count(*) FROM temp.hits WHERE fmask = ?", [full]).fetchone()
        facets = self._text_facets(conn, query.facets, names, full)
        hits = self._hits(conn, [(r[0], -r[1]) for r in rows], plan.terms, query.highlight)
        return SearchPage(int(total[0]), hits, facets, query.page, query.size)

    def _search_large(
        self,
        conn: sqlite3.Connection,
        query: SearchQuery,
        plan: _Plan,
        scope: str,
        scope_params: list[object],
        matched: int,
    ) -> SearchPage:
        names = list(plan.filters)
        fmask, mask_params, full = self._masks(plan)
        join_doc = "JOIN doc d ON d.rowid = f.rowid" if plan.where else ""
        # Total and facets from every step-th match: FTS5 walks the posting lists (cheap),
        # only the sample is looked up and counted.
        step = -(-matched // SAMPLE_SIZE)
        source, params, where = "fts f", [plan.match], ["fts MATCH ?"]
        if scope != "1":  # the candidates are listed already
            source, params, where = "(SELECT rid AS rowid FROM temp.cand) f", [], []
        conn.execute("DELETE FROM temp.hits")
        conn.execute(
            "INSERT INTO temp.hits (rid, score, published, fmask, codes) "
            f"SELECT f.rowid, 0, i.published, {fmask}, i.codes "
            f"FROM {source} JOIN info i ON i.rowid = f.rowid {join_doc} "
            f"WHERE {' AND '.join([*where, f'f.rowid % {step} = 0', *plan.where])}",
            [*mask_params, *params, *plan.params],
        )
        if plan.filters or plan.where:
            sampled = conn.execute("SELECT count(*) FROM temp.hits WHERE fmask = ?", [full])
            total = _estimate(int(sampled.fetchone()[0]) * step)
        else:
            total = matched
        facets = {
            name: [(value, _estimate(count * step)) for value, count in counts]
            for name, counts in self._text_facets(conn, query.facets, names, full).items()
        }
        if query.sort == "newest":
            scored = self._newest_page(conn, query, plan, scope, scope_params)
        elif (plan.filters or plan.where) and total <= EXACT_LIMIT // 2:
            # Filters leave few enough to rank them all.
            scored = self._ranked_page(conn, query, plan, scope, scope_params)
        else:
            scored = self._tier_page(conn, query, plan, scope, scope_params)
        hits = self._hits(conn, scored, plan.terms, query.highlight)
        return SearchPage(
            min(total, matched), hits, facets, query.page, query.size, approximate=True
        )

    def _page_sql(
        self,
        plan: _Plan,
        scope: str,
        scope_params: list[object],
        extra: str = "1",
        *extra_params: object,
    ) -> tuple[str, list[object]]:
        """FROM/WHERE over the matches passing every filter, with ``extra`` on f.rowid."""
        fmask, mask_params, full = self._masks(plan)
        join_doc = "JOIN doc d ON d.rowid = f.rowid" if plan.where else ""
        sql = (
            f"FROM fts f JOIN info i ON i.rowid = f.rowid {join_doc} "
            f"WHERE fts MATCH ? AND {scope} AND {extra} "
            f"AND {' AND '.join(plan.where) or '1'} AND ({fmask}) = {full}"
        )
        return sql, [plan.match, *scope_params, *extra_params, *plan.params, *mask_params]

    def _tier_page(
        self,
        conn: sqlite3.Connection,
        query: SearchQuery,
        plan: _Plan,
        scope: str,
        scope_params: list[object],
    ) -> list[tuple[int, float]]:
        """The best matches by BM25, ranked among those with the words in the top columns."""
        weights = ", ".join(str(w) for w in self.weights)
        # The tier: matches with a distinctive query word in the top columns, where BM25's
        # column weights put the best matches (a word in a tenth of the index or more adds
        # little to a score, unless no word is rarer).
        frequencies = [self._clause_frequency(conn, c) for c in plan.analyzed_clauses]
        cutoff = max(min(frequencies, default=0), self._document_count(conn) // 10)
        rare = [c for c, df in zip(plan.all_clauses, frequencies, strict=True) if df <= cutoff]
        words = fts.any_of([*rare, *plan.phrase_exprs])
        tiers = [template.format(words) for template in TIERS]
        narrowest = len(tiers) - 1
        for number, tier in enumerate(tiers):
            found = conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", [tier]).fetchone()
            if found[0] <= TIER_LIMIT:
                narrowest = number
                break
        order = f"ORDER BY score, i.published DESC NULLS LAST, f.rowid LIMIT {query.size} OFFSET ?"
        select = f"SELECT f.rowid, bm25(fts, {weights}) AS score"
        # Widen the tier until it fills the page; failing that, rank every match.
        for tier in reversed(tiers[: narrowest + 1]):
            sql, params = self._page_sql(
                plan,
                scope,
                scope_params,
                "+f.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)",
                tier,
            )
            rows = conn.execute(f"{select} {sql} {order}", [*params, query.offset]).fetchall()
            if len(rows) == query.size:
                return [(rid, -score) for rid, score in rows]
        return self._ranked_page(conn, query, plan, scope, scope_params)

    def _ranked_page(
        self,
        conn: sqlite3.Connection,
        query: SearchQuery,
        plan: _Plan,
        scope: str,
        scope_params: list[object],
    ) -> list[tuple[int, float]]:
        """The best matches by BM25 among all that pass the filters."""
        weights = ", ".join(str(w) for w in self.weights)
        sql, params = self._page_sql(plan, scope, scope_params)
        rows = conn.execute(
            f"SELECT f.rowid, bm25(fts, {weights}) AS score {sql} "
            f"ORDER BY score, i.published DESC NULLS LAST, f.rowid LIMIT {query.size} OFFSET ?",
            [*params, query.offset],
        ).fetchall()
        return [(rid, -score) for rid, score in rows]

    def _newest_page(
        self,
        conn: sqlite3.Connection,
        query: SearchQuery,
        plan: _Plan,
        scope: str,
        scope_params: list[object],
    ) -> list[tuple[int, float]]:
        """The newest matches: walk the publication-date index, test each document."""
        fmask, mask_params, full = self._masks(plan)
        where = " AND ".join(plan.where) or "1"
        rows = conn.execute(
            "SELECT d.rowid FROM doc d JOIN info i ON i.rowid = d.rowid "
            f"WHERE +d.rowid IN (SELECT f.rowid FROM fts f WHERE fts MATCH ? AND {scope}) "
            f"AND {where} AND ({fmask}) = {full} "
            "ORDER BY d.published DESC, d.rowid DESC LIMIT ? OFFSET ?",
            [plan.match, *scope_params, *plan.params, *mask_params, query.size, query.offset],
        ).fetchall()
        if not rows:
            return []
        weights = ", ".join(str(w) for w in self.weights)
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        scores = dict(
            conn.execute(
                f"SELECT f.rowid, bm25(fts, {weights}) FROM fts f "
                f"WHERE fts MATCH ? AND +f.rowid IN ({marks})",
                [plan.match, *ids],
            ).fetchall()
        )
        return [(rid, -scores.get(rid, 0.0)) for rid in ids]

    def _text_facets(
        self, conn: sqlite3.Connection, wanted: Sequence[str], names: list[str], full: int
    ) -> dict[str, list[tuple[str, int]]]:
        """Disjunctive counts: facet F also counts hits failing only its own filter."""
        if not wanted:
            return {}
        tally: dict[str, Counter[str]] = {name: Counter() for name in wanted}
        masks = {full: list(wanted)}
        for bit, name in enumerate(names):
            if name in tally:
                masks[full ^ (1 << bit)] = [name]
        for mask, facet_names in masks.items():
            codes = conn.execute("SELECT codes FROM temp.hits WHERE fmask = ?", [mask])
            counted = Counter("".join(c for (c,) in codes).split(fts.CODE_SEP))
            for code, count in counted.items():
                name, _, value = code.partition(fts.CODE_KV)
                if name in facet_names:
                    tally[name][value] += count
        return {
            name: sorted(values.items(), key=lambda vc: (-vc[1], vc[0]))[:FACET_LIMIT]
            for name, values in tally.items()
        }

    def _search_browse(
        self, conn: sqlite3.Connection, query: SearchQuery, plan: _Plan
    ) -> SearchPage:
        base = " AND ".join(plan.where) or "1"
        cond, fparams = self._filter_sql(plan, "d.rowid")
        rows = conn.execute(
            f"SELECT d.rowid FROM doc d WHERE {base} AND {cond} "
            "ORDER BY d.published DESC NULLS LAST, d.rowid DESC LIMIT ? OFFSET ?",
            [*plan.params, *fparams, query.size, query.offset],
        ).fetchall()
        total = conn.execute(
            f"SELECT count(*) FROM doc d WHERE {base} AND {cond}", [*plan.params, *fparams]
        ).fetchone()
        facets = {}
        for name in query.facets:
            fcond, fp = self._filter_sql(plan, "x.rowid", skip=name)
            join = "JOIN doc d ON d.rowid = x.rowid" if plan.where else ""
            facets[name] = conn.execute(
                f"SELECT x.value, count(*) AS c FROM facet x {join} "
                f"WHERE x.name = ? AND {base} AND {fcond} "
                "GROUP BY x.value ORDER BY c DESC, x.value LIMIT ?",
                [name, *plan.params, *fp, FACET_LIMIT],
            ).fetchall()
        hits = self._hits(conn, [(r[0], 0.0) for r in rows], plan.terms, query.highlight)
        return SearchPage(int(total[0]), hits, _facet_lists(facets), query.page, query.size)

    def _hits(
        self,
        conn: sqlite3.Connection,
        scored: list[tuple[int, float]],
        terms: Sequence[str],
        mark: bool,
    ) -> list[SearchHit]:
        if not scored:
            return []
        marks = ",".join("?" * len(scored))
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT rowid, type, id, title, summary, body, published_iso FROM doc "
                f"WHERE rowid IN ({marks})",
                [rid for rid, _ in scored],
            )
        }
        hits = []
        for rid, score in scored:
            type_, id_, title, summary, body, published = rows[rid]
            hits.append(
                SearchHit(
                    type=type_,
                    id=id_,
                    title=title,
                    title_html=highlight(title, terms) if mark else escape(title, quote=False),
                    snippet=self._snippet(summary, body, terms if mark else ()),
                    score=round(score, 6),
                    published_at=datetime.fromisoformat(published) if published else None,
                )
            )
        return hits

    def _snippet(self, summary: str, body: str, terms: Sequence[str]) -> str:
        html, found = snippet(summary, terms, self.snippet_length)
        if found or not body:
            return html if summary or not body else snippet(body, terms, self.snippet_length)[0]
        body_html, body_found = snippet(body, terms, self.snippet_length)
        return body_html if body_found or not summary else html

    # -- suggestions and similar documents ---------------------------------------------------

    def suggest(self, prefix: str, *, types: Sequence[str] = (), limit: int = 10) -> list[str]:
        """Keywords and titles starting with the prefix, then titles with a word starting so."""
        key = compact(prefix)
        if not key:
            return []
        type_sql, type_params = _type_condition(types, "d")
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


def _ensure_vocab(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)")


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


def _probe(column: str, values: int) -> str:
    """SQL true when the document in ``column`` has one of ``values`` values of a facet."""
    marks = ",".join("?" * values)
    return (
        f"EXISTS (SELECT 1 FROM facet p WHERE p.rowid = {column} AND p.name = ? "
        f"AND p.value IN ({marks}))"
    )


def _type_condition(types: Sequence[str], alias: str) -> tuple[str, list[object]]:
    if not types:
        return "1", []
    return f"{alias}.type IN ({','.join('?' * len(types))})", list(types)


def _estimate(count: int) -> int:
    """A count scaled up from a sample, rounded so it does not look exact."""
    if count >= 1000:
        return round(count, -2)
    if count >= 100:
        return round(count, -1)
    return count


def _facet_lists(rows: dict[str, list[tuple[str, int]]]) -> dict[str, list[tuple[str, int]]]:
    return {name: [(str(v), int(c)) for v, c in values] for name, values in rows.items()}
