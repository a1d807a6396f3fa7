"""Querying the Elasticsearch and OpenSearch backends: the text query with its clauses,
facets, hits with highlights, suggestions and more-like-this.

The read half of :class:`search.elastic.ElasticsearchBackend`, kept apart from the index's
set-up and writes. Methods reach the engine through the backend's ``_search`` and client.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from search.analysis import AnalyzedQuery, Analyzer, compact
from search.base import (
    TYPE_FACET,
    FacetValue,
    SearchHit,
    SearchPage,
    SearchQuery,
    parse_query,
)
from search.engine_dense import EngineVectors
from search.highlight import highlight, snippet

#: Segmented text fields and their query-time weights: title > keywords > summary > body.
FIELD_WEIGHTS: dict[str, float] = {
    "title_seg": 4.0,
    "keywords_seg": 3.0,
    "summary_seg": 2.0,
    "body_seg": 1.0,
}
#: Most values a facet count list carries.
FACET_SIZE = 50
#: Distinct suggestion entries scanned per prefix before ranking them.
SUGGEST_SCAN = 500
#: Separates the compact form from the displayed text in a ``suggest`` entry.
SUGGEST_SEP = "\x1f"
#: Added per matched clause so documents matching more clauses rank first (above BM25).
CLAUSE_BONUS = 10_000.0
CLAUSE_NAME = "clause"
SNIPPET_LENGTH = 120


def chars(text: str) -> str:
    return " ".join(compact(text))


def facet_field(name: str) -> str:
    return "type" if name == TYPE_FACET else f"facets.{name}"


def as_list(value: FacetValue) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class EngineQueries(EngineVectors):
    """Searching an Elasticsearch-style index that the backend keeps (mixed into it)."""

    analyzer: Analyzer

    if TYPE_CHECKING:  # the backend's client helpers, in search/elastic.py

        def _guard(self, action: str) -> AbstractContextManager[None]: ...
        def _search(self, body: Mapping[str, Any]) -> dict[str, Any]: ...
        def _indices_with(self, alias: str) -> list[str]: ...

    def search(self, query: SearchQuery) -> SearchPage:
        analyzed = self.analyzer.analyze_query(parse_query(query.text))
        dense = self._query_vector(query, analyzed)
        page = self._run(query, analyzed, analyzed.minimum_should_match, dense)
        if analyzed.is_empty or not analyzed.should_relax(page.total, query.size):
            return page
        return replace(self._run(query, analyzed, 1, dense), relaxed=True)

    def _run(
        self, query: SearchQuery, analyzed: AnalyzedQuery, minimum: int, dense: Any = None
    ) -> SearchPage:
        """One search request needing ``minimum`` of the query's clauses; with a query
        vector (``dense``) the first pages are the hybrid ranking."""
        facet_clauses = {
            name: {"terms": {facet_field(name): values}}
            for name, values in query.filter_values().items()
        }
        main = self._text_query(analyzed, minimum)
        main["bool"]["filter"] += [
            {"range": {f"numbers.{name}": bounds}}
            for name, r in query.ranges.items()
            if (bounds := {k: v for k, v in (("gte", r.gte), ("lte", r.lte)) if v is not None})
        ]
        body: dict[str, Any] = {
            "query": main,
            "from_": query.offset,
            "size": query.size,
            "track_total_hits": True,
            "track_scores": True,
            "_source": ["type", "id", "src", "published_at"],
        }
        if query.facets:
            # Facet filters go to post_filter so each facet's counts can leave out its own.
            if facet_clauses:
                body["post_filter"] = {"bool": {"filter": list(facet_clauses.values())}}
            body["aggs"] = {
                f"f{i}": {
                    "filter": {
                        "bool": {"filter": [c for n, c in facet_clauses.items() if n != name]}
                    },
                    "aggs": {
                        "values": {
                            "terms": {
                                "field": facet_field(name),
                                "size": FACET_SIZE,
                                "order": [{"_count": "desc"}, {"_key": "asc"}],
                            }
                        }
                    },
                }
                for i, name in enumerate(query.facets)
            }
        else:
            main["bool"]["filter"] += list(facet_clauses.values())
        newest = {"published_at": {"order": "desc", "missing": "_last"}}
        if analyzed.is_empty or query.sort == "newest":
            body["sort"] = [newest, "_score", {"key": "desc"}]
        else:
            body["sort"] = ["_score", newest, {"key": "asc"}]
        terms = analyzed.highlight_terms() if query.highlight else []
        if dense is not None:
            kept = list(main["bool"]["filter"])
            kept += [c for c in facet_clauses.values() if c not in kept]
            excluded = main["bool"]["must_not"]
            # An empty bool here makes the k-NN plugin refuse a radial search.
            filters: dict[str, Any] = {}
            if kept or excluded:
                filters = {"bool": {"filter": kept, "must_not": excluded}}
            return self._hybrid_page(query, body, filters, dense, terms)
        with self._guard("search"):
            response = self._search(body)
        hits = [
            self._hit(raw, terms, mark=query.highlight, scored=not analyzed.is_empty)
            for raw in response["hits"]["hits"]
        ]
        return SearchPage(
            total=int(response["hits"]["total"]["value"]),
            hits=hits,
            facets=self._facet_counts(query, response),
            page=query.page,
            size=query.size,
        )

    def _facet_counts(
        self, query: SearchQuery, response: Mapping[str, Any]
    ) -> dict[str, list[tuple[str, int]]]:
        aggregations = response.get("aggregations", {})
        return {
            name: [
                (str(b["key"]), int(b["doc_count"]))
                for b in aggregations.get(f"f{i}", {}).get("values", {}).get("buckets", [])
            ]
            for i, name in enumerate(query.facets)
        }

    def suggest(self, prefix: str, *, types: Sequence[str] = (), limit: int = 10) -> list[str]:
        """Titles and keywords starting with the prefix (most common first), then titles
        containing a word that starts with it."""
        key = compact(prefix)
        if not key or limit < 1:
            return []
        type_filter = [{"terms": {"type": list(types)}}] if types else []
        body: dict[str, Any] = {
            "size": 0,
            "query": {"bool": {"filter": [{"prefix": {"suggest": key}}, *type_filter]}},
            "aggs": {
                "entries": {
                    "terms": {
                        "field": "suggest",
                        "include": _regex_prefix(key),
                        "size": SUGGEST_SCAN,
                    }
                }
            },
        }
        with self._guard("suggest"):
            response = self._search(body)
        grouped: dict[str, tuple[int, str]] = {}
        for bucket in response["aggregations"]["entries"]["buckets"]:
            norm, _, display = str(bucket["key"]).partition(SUGGEST_SEP)
            count, shown = grouped.get(norm, (0, display))
            grouped[norm] = (count + int(bucket["doc_count"]), min(shown, display))
        ranked = sorted(grouped.items(), key=lambda item: (-item[1][0], len(item[0]), item[0]))
        out = [display for _, (_, display) in ranked[:limit]]
        if len(out) < limit and " " not in prefix.strip():
            words = " ".join(self.analyzer.query_tokens(key)) or key
            title_query = {
                "bool": {
                    "should": [
                        {"prefix": {"title_seg": key}},
                        {"match_phrase_prefix": {"title_seg": words}},
                    ],
                    "minimum_should_match": 1,
                    "filter": type_filter,
                }
            }
            body = {
                "size": limit * 2,
                "query": title_query,
                "_source": ["src.title"],
                "sort": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
            }
            with self._guard("suggest"):
                response = self._search(body)
            seen = {compact(s) for s in out}
            for raw in response["hits"]["hits"]:
                title = raw["_source"].get("src", {}).get("title", "")
                if len(out) < limit and compact(title) not in seen:
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
        key = f"{type}:{id}"
        with self._guard("find similar documents"):
            live = self._indices_with(self.alias)
            if not live:
                return []
            filter_clauses: list[dict[str, Any]] = [
                {"terms": {facet_field(name): as_list(value)}}
                for name, value in (filters or {}).items()
                if as_list(value)
            ]
            if types:
                filter_clauses.append({"terms": {"type": list(types)}})
            body = {
                "size": size,
                "_source": ["type", "id", "src", "published_at"],
                "query": {
                    "bool": {
                        "must": [
                            {
                                "more_like_this": {
                                    # Term vectors are looked up per field name, so no ^boosts.
                                    "fields": list(FIELD_WEIGHTS),
                                    "like": [{"_index": live[0], "_id": key}],
                                    "min_term_freq": 1,
                                    "min_doc_freq": 1,
                                    "max_query_terms": 25,
                                    # Ranking orders the list; any shared term makes a candidate.
                                    "minimum_should_match": 1,
                                }
                            }
                        ],
                        "filter": filter_clauses,
                        "must_not": [{"ids": {"values": [key]}}],
                    }
                },
                "sort": ["_score", {"key": "asc"}],
            }
            response = self._search(body)
        return [self._hit(raw, [], mark=False) for raw in response["hits"]["hits"]]

    def _text_query(self, analyzed: AnalyzedQuery, minimum: int) -> dict[str, Any]:
        """A bool query: clauses score (enough of them must match), phrases filter,
        exclusions drop. Filters are appended by the caller to ``bool.filter``."""
        fields = [f"{f}^{w:g}" for f, w in FIELD_WEIGHTS.items()]

        def token(tok: str, *, prefix: bool = False) -> dict[str, Any]:
            exact = {
                "multi_match": {
                    "query": tok,
                    "fields": fields,
                    "type": "best_fields",
                    "tie_breaker": 0.3,
                    "operator": "and",
                }
            }
            if not (prefix and _prefixable(tok)):
                return exact
            # Chinese text glues suffixes to Latin words: IGBT must find "IGBTs模块".
            grown = {
                "multi_match": {
                    "query": tok,
                    "fields": fields,
                    "type": "phrase_prefix",
                    "max_expansions": 50,
                }
            }
            return {"bool": {"should": [exact, grown], "minimum_should_match": 1}}

        def all_of(tokens: Sequence[str]) -> dict[str, Any]:
            if len(tokens) == 1:
                return token(tokens[0], prefix=True)
            return {"bool": {"must": [token(t) for t in tokens]}}

        clauses = [
            {
                "bool": {
                    "should": [all_of(alt) for alt in clause.alternatives if alt],
                    "minimum_should_match": 1,
                }
            }
            for clause in analyzed.clauses
            if any(clause.alternatives)
        ]
        bool_query: dict[str, Any] = {"must": [], "filter": [], "must_not": []}
        minimum = min(minimum, len(clauses))
        if clauses and minimum < len(clauses):
            # Rank by the number of clauses matched first, BM25 second: each matched clause
            # adds a constant far above any BM25 score; _hit() takes it off again.
            bool_query["should"] = [
                {
                    "bool": {
                        "should": [
                            {
                                "constant_score": {
                                    "filter": clause,
                                    "boost": CLAUSE_BONUS,
                                    "_name": f"{CLAUSE_NAME}{i}",
                                }
                            },
                            clause,
                        ]
                    }
                }
                for i, clause in enumerate(clauses)
            ]
            bool_query["minimum_should_match"] = minimum
        else:
            bool_query["must"] += clauses
        for phrase, tokens in zip(analyzed.phrases, analyzed.phrase_tokens, strict=True):
            bool_query["filter"].append({"match_phrase": {"chars": chars(phrase)}})
            if tokens:
                bool_query["must"].append(all_of(tokens))
        for excluded in analyzed.excluded:
            bool_query["must_not"].append({"match_phrase": {"chars": chars(excluded)}})
        if analyzed.is_empty:
            bool_query["must"] = [{"match_all": {}}]
        return {"bool": bool_query}

    def _hit(
        self, raw: Mapping[str, Any], terms: Sequence[str], *, mark: bool, scored: bool = True
    ) -> SearchHit:
        source = raw["_source"]
        src = source.get("src", {})
        title = src.get("title", "")
        score = 0.0
        if scored:
            matched = sum(1 for q in raw.get("matched_queries", ()) if q.startswith(CLAUSE_NAME))
            score = round(float(raw.get("_score") or 0.0) - matched * CLAUSE_BONUS, 6)
        published = source.get("published_at")
        return SearchHit(
            type=source["type"],
            id=source["id"],
            title=title,
            title_html=highlight(title, terms) if mark else escape(title, quote=False),
            snippet=_snippet(src.get("summary", ""), src.get("body", ""), terms if mark else ()),
            score=score,
            published_at=datetime.fromisoformat(published) if published else None,
        )


def _snippet(summary: str, body: str, terms: Sequence[str]) -> str:
    """The summary's best window, or the body's when only the body matches."""
    html, found = snippet(summary, terms, SNIPPET_LENGTH)
    if found or not body:
        return html if summary or not body else snippet(body, terms, SNIPPET_LENGTH)[0]
    body_html, body_found = snippet(body, terms, SNIPPET_LENGTH)
    return body_html if body_found or not summary else html


def _prefixable(token: str) -> bool:
    """A Latin word or abbreviation long enough to also match as a prefix."""
    return len(token) >= 3 and token.isascii() and token.isalnum()


def _regex_prefix(prefix: str) -> str:
    """A Lucene regular expression matching strings that start with ``prefix`` literally."""
    return "".join(ch if ch.isalnum() else "\\" + ch for ch in prefix) + ".*"
