"""Querying the embedded backend: plans, BM25 pages, tiers and samples, facets, suggestions.

The query half of :class:`search.embedded.EmbeddedBackend`, kept apart from how the index is
stored and written. Methods read through the backend's ``_reader`` connection.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape
from itertools import combinations

from search import fts
from search.analysis import (
    AnalyzedQuery,
    Analyzer,
    QueryClause,
)
from search.base import (
    SearchHit,
    SearchPage,
    SearchQuery,
)
from search.highlight import highlight, snippet

FACET_LIMIT = 50

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


class Querying:
    """Searching, suggestions and more-like-this over the index the backend keeps."""

    analyzer: Analyzer
    weights: tuple[float, ...]
    snippet_length: int
    _df_cache: dict[str, tuple[int, float]]
    _count_cache: tuple[int, float] | None

    def _reader(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

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


def _ensure_vocab(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)")


def _probe(column: str, values: int) -> str:
    """SQL true when the document in ``column`` has one of ``values`` values of a facet."""
    marks = ",".join("?" * values)
    return (
        f"EXISTS (SELECT 1 FROM facet p WHERE p.rowid = {column} AND p.name = ? "
        f"AND p.value IN ({marks}))"
    )


def type_condition(types: Sequence[str], alias: str) -> tuple[str, list[object]]:
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
