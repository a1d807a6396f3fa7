"""The one interface every search backend implements, and its value types.

Backends (``embedded``, ``elasticsearch``) receive already-built :class:`SearchDocument`
objects and answer :class:`SearchQuery` objects with a :class:`SearchPage`. Chinese text
analysis lives in :mod:`search.analysis`; the query syntax (words, ``"phrases"``,
``-exclusions``) is parsed once here by :func:`parse_query` so every backend reads it the same.

Contract details every backend honours (checked by ``tests/search``):

* Documents are keyed by ``(type, id)``; indexing a key again replaces the old document.
  A write that returned is visible to the next search.
* Words are analysed with :class:`search.analysis.Analyzer` (``analyze_query``): each
  becomes a clause of synonym alternatives; a document must match all clauses of a query
  of up to two and about 60% of longer ones (``minimum_should_match``). When too few
  documents match (``AnalyzedQuery.should_relax``), documents matching any clause are
  returned instead and the page says ``relaxed``; a backend may then rank, count and facet
  only the best partial matches (embedded: 1,000), filters applied first. A quoted phrase
  must occur contiguously in the normalised text and an excluded word must not occur in it
  (``search.analysis.compact`` form). Latin words of 3+ characters also match as prefixes.
* Ranking is BM25; a title match outranks a body match. A query with no positive words
  (empty, or exclusions only) lists every document passing the filters, newest first.
* ``filters`` are OR within one facet name and AND across names; ``types`` is the same as a
  filter on the reserved facet name ``"type"``, which can also be requested as a facet.
* Facet counts are *disjunctive*: the counts for facet ``F`` apply every filter except the
  one on ``F`` itself, so a multi-select facet list keeps showing its other values.
* ``title_html`` and ``snippet`` are HTML: the original text, HTML-escaped, with matched
  substrings wrapped in ``<mark>``…``</mark>``. Nothing else in them is markup
  (:mod:`search.highlight` builds them from ``AnalyzedQuery.highlight_terms()``).
* A backend that cannot reach its engine raises :class:`SearchUnavailable`; it never
  returns an empty result instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

FacetValue = str | list[str]
SortOrder = Literal["relevance", "newest"]

#: Deepest result a query may ask for (``page * size``); Elasticsearch's default window.
MAX_RESULT_WINDOW = 10_000
MAX_PAGE_SIZE = 100
#: Facet name reserved for the document type.
TYPE_FACET = "type"
MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached or refused the request; callers must not hide it."""


@dataclass(slots=True)
class SearchDocument:
    """One searchable record, flattened by the application into engine-neutral fields."""

    type: str
    id: str
    title: str
    _: KW_ONLY
    keywords: list[str] = field(default_factory=list)
    summary: str = ""
    body: str = ""
    #: Exact-match facet fields, e.g. ``{"field": "新能源汽车", "region": ["长春", "吉林"]}``.
    facets: dict[str, FacetValue] = field(default_factory=dict)
    #: Numeric fields usable in range filters, e.g. ``{"price": 120000.0}``.
    numbers: dict[str, float] = field(default_factory=dict)
    published_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.type or not self.id:
            raise ValueError("SearchDocument needs a type and an id")
        if TYPE_FACET in self.facets:
            raise ValueError(f"facet name {TYPE_FACET!r} is reserved for the document type")

    @property
    def key(self) -> str:
        """The unique key ``type:id`` of this document in an index."""
        return f"{self.type}:{self.id}"


@dataclass(frozen=True, slots=True)
class NumericRange:
    """Inclusive bounds on a numeric field; ``None`` means open on that side."""

    gte: float | None = None
    lte: float | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What the user asked for: free text in the syntax of :func:`parse_query` plus refinements."""

    text: str = ""
    types: Sequence[str] = ()
    #: Facet name → accepted value(s); OR within a name, AND across names.
    filters: Mapping[str, FacetValue] = field(default_factory=dict)
    #: Numeric field → bounds, e.g. ``{"price": NumericRange(lte=500000)}``.
    ranges: Mapping[str, NumericRange] = field(default_factory=dict)
    page: int = 1
    size: int = 20
    sort: SortOrder = "relevance"
    #: Facet names whose value counts the page should carry (may include ``"type"``).
    facets: Sequence[str] = ()
    highlight: bool = True
    #: Whether a backend that keeps vectors fuses them into the first pages of a relevance
    #: query (``search.engine_dense``); ``False`` asks for BM25 alone, for a caller that
    #: fuses the dense ranking itself (the platform: ``app/search/hybrid.py``).
    by_meaning: bool = True

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise ValueError(f"size must be between 1 and {MAX_PAGE_SIZE}")
        if self.page * self.size > MAX_RESULT_WINDOW:
            raise ValueError(f"results beyond {MAX_RESULT_WINDOW} cannot be paged to")
        if self.sort not in ("relevance", "newest"):
            raise ValueError(f"unknown sort {self.sort!r}")

    @property
    def offset(self) -> int:
        """Index of the first hit of the requested page."""
        return (self.page - 1) * self.size

    def filter_values(self) -> dict[str, list[str]]:
        """All filters as name → list of values, with ``types`` folded in as ``"type"``."""
        merged: dict[str, list[str]] = {}
        for name, value in self.filters.items():
            values = [value] if isinstance(value, str) else list(value)
            if values:
                merged[name] = values
        if self.types:
            merged[TYPE_FACET] = sorted(set(self.types) | set(merged.get(TYPE_FACET, [])))
        return merged


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: enough to render a result line; the application loads the record itself."""

    type: str
    id: str
    title: str
    #: Title as safe HTML with ``<mark>`` around matches.
    title_html: str
    #: A short excerpt of summary/body as safe HTML with ``<mark>`` around matches.
    snippet: str
    score: float
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results with the total number of matches and the requested facet counts."""

    total: int
    hits: list[SearchHit]
    #: Facet name → ``(value, count)`` pairs, most frequent first.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    page: int = 1
    size: int = 20
    #: True when no document matched enough words, so documents matching any word are shown.
    relaxed: bool = False
    #: True when ``total`` and the facet counts are estimates (very large match sets).
    approximate: bool = False

    @property
    def pages(self) -> int:
        """Number of pages needed for ``total`` hits at this page size."""
        return max(1, -(-min(self.total, MAX_RESULT_WINDOW) // self.size))


@dataclass(frozen=True, slots=True)
class BackendHealth:
    """What an operator or health endpoint needs to know about a backend."""

    ok: bool
    backend: str
    documents: int = 0
    detail: str = ""
    #: The index itself is gone (deleted, its file removed, the engine came back empty):
    #: ``ensure_ready`` creates it again, empty, and it needs a rebuild.
    missing: bool = False


@runtime_checkable
class SearchBackend(Protocol):
    """The operations the application uses; every method raises SearchUnavailable when down."""

    name: str

    def ensure_ready(self) -> None:
        """Create the index/schema if missing; idempotent, cheap when already set up."""
        ...

    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by type and id) and return how many were written."""
        ...

    def delete(self, type: str, ids: Iterable[str]) -> int:
        """Remove documents of one type by id; unknown ids are ignored; return how many went."""
        ...

    def search(self, query: SearchQuery) -> SearchPage:
        """Run a query and return one page of hits with facet counts."""
        ...

    def suggest(self, prefix: str, *, types: Sequence[str] = (), limit: int = 10) -> list[str]:
        """Return titles and keywords that start with (or contain a word starting with) prefix."""
        ...

    def more_like_this(
        self,
        type: str,
        id: str,
        *,
        types: Sequence[str] = (),
        filters: Mapping[str, FacetValue] | None = None,
        size: int = 10,
    ) -> list[SearchHit]:
        """Return documents similar to the given one (never itself), most similar first."""
        ...

    def count(self, types: Sequence[str] = ()) -> int:
        """Number of indexed documents, optionally of the given types only."""
        ...

    def health(self) -> BackendHealth:
        """Report whether the engine answers, without raising."""
        ...

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Build a fresh index from all documents and swap it in atomically.

        Searches keep answering from the old index until the swap; ``index``/``delete``
        calls made during the rebuild reach the new index too. Returns documents written.
        """
        ...

    def close(self) -> None:
        """Release connections; the backend is unusable afterwards."""
        ...


@runtime_checkable
class KeepsVectors(Protocol):
    """A backend that stores document vectors in its own index (Elasticsearch, OpenSearch
    given an encoder; :mod:`search.engine_dense`). The embedded backend does not: the
    application keeps its vectors in a file beside the index."""

    @property
    def keeps_vectors(self) -> bool:
        """Whether written documents carry their vector (an encoder was given)."""
        ...

    @property
    def searches_vectors(self) -> bool:
        """Whether :meth:`dense_search` ranks the whole index by meaning (OpenSearch kNN);
        when it does, the engine is the only place the vectors need to be."""
        ...

    def dense_search(
        self, vector: Any, *, types: Sequence[str] = (), limit: int = 100
    ) -> list[tuple[str, str, float]]:
        """``(type, id, cosine)`` of the documents closest to a query vector, closest first."""
        ...

    def pending_vectors(self) -> int:
        """Documents still without a vector of the current model."""
        ...

    def fill_vectors(
        self,
        *,
        batch_size: int = 64,
        limit: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Encode documents without a vector, a batch at a time; resumable."""
        ...


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """User query syntax split into its parts, not yet normalised or segmented."""

    #: Free text outside quotes and exclusions, in order (each may hold several words).
    terms: tuple[str, ...] = ()
    #: Text inside quotes: must occur contiguously (after normalisation).
    phrases: tuple[str, ...] = ()
    #: Words or quoted phrases after ``-``: documents containing them are dropped.
    excluded: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing positive was asked for (exclusions alone match everything else)."""
        return not self.terms and not self.phrases


_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "＂": "＂"}
_MINUS = ("-", "－", "—")
_SPACE = re.compile(r"\s+")


def parse_query(text: str) -> ParsedQuery:
    """Split query text into words, ``"quoted phrases"`` and ``-excluded`` words or phrases.

    A ``-`` only excludes at the start of a word (``新能源 -氢能``); inside a word it is
    text (``CO-2``). An unclosed quote runs to the end of the input.
    """
    terms: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negate = ch in _MINUS and i + 1 < n and not text[i + 1].isspace()
        if negate:
            i += 1
            ch = text[i]
        if ch in _QUOTES:
            close = _QUOTES[ch]
            end = text.find(close, i + 1)
            if end < 0:
                end = n
            chunk = _SPACE.sub(" ", text[i + 1 : end]).strip()
            i = end + 1
            if chunk:
                (excluded if negate else phrases).append(chunk)
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] not in _QUOTES:
            end += 1
        chunk = text[i:end]
        i = end
        if chunk:
            (excluded if negate else terms).append(chunk)
    return ParsedQuery(tuple(terms), tuple(phrases), tuple(excluded))
