"""Searching, and keeping the index in step with the database through the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.core import cache, outbox
from app.core.db import declare_write_intent, next_counter_value, utcnow
from app.core.errors import InvalidInput, ServiceUnavailable
from app.core.indexing import SEARCH_TOPIC
from app.core.schemas import visible_text
from app.models import IndexGeneration
from app.search import engine, hybrid, sources, vocabulary
from app.search.schemas import FacetCount, SearchItem, SearchResponse
from search.base import (
    SearchBackend,
    SearchDocument,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
)

log = logging.getLogger(__name__)
#: Records built and written per bulk request when bringing many up to date.
REFRESH_CHUNK = 500
#: How far the clock of a worker on another machine may lag behind this one's.
CLOCK_SKEW = timedelta(minutes=5)
#: How often the worker checks that the index is still there.
INDEX_CHECK_SECONDS = 60.0

DocumentSource = sources.DocumentSource
register_source = sources.register
#: Every registered source (its ``all_ids`` are the public records, ``url`` their pages).
public_sources = sources.all_sources

UNAVAILABLE = (
    "搜索服务暂时不可用，请稍后再试；网站其他功能不受影响，新发布的内容会在恢复后自动编入索引"
)


@outbox.handles_batch(SEARCH_TOPIC)
def apply_index_messages(session: Session, payloads: list[dict[str, Any]]) -> None:
    """Bring the records' documents up to date; SearchUnavailable leaves them for a retry."""
    vocabulary.sync(session)
    refresh(session, engine.current(), [(p["type"], str(p["id"])) for p in payloads])
    _count_generations(session, {str(p["type"]) for p in payloads})


def _count_generations(session: Session, types: set[str]) -> None:
    """Count one more generation of each type, once its documents are in the index.

    On SQLite the batch runs in a read transaction (the write lock is taken only to mark it
    done), and a read transaction that starts writing fails at once when another connection
    wrote meanwhile; so there the counters move in a short write transaction of their own.
    A batch that is then retried counts again, which only refreshes what was cached.
    """
    if session.get_bind().dialect.name != "sqlite":
        for doc_type in sorted(types):  # one order: no deadlock
            next_counter_value(session, IndexGeneration, doc_type=doc_type)
        return
    with Session(bind=session.get_bind()) as own, own.begin():
        declare_write_intent(own)
        for doc_type in sorted(types):
            next_counter_value(own, IndexGeneration, doc_type=doc_type)


def index_generations(session: Session, types: Iterable[str]) -> tuple[int, ...]:
    """How many times the outbox brought documents of each of ``types`` into the index: what
    is computed from the index of those types stays true while these numbers do."""
    wanted = sorted(set(types))
    found = dict(
        session.execute(
            select(IndexGeneration.doc_type, IndexGeneration.last_value).where(
                IndexGeneration.doc_type.in_(wanted)
            )
        ).all()
    )
    return tuple(int(found.get(t, 0)) for t in wanted)


def refresh(session: Session, backend: SearchBackend, keys: Iterable[tuple[str, str]]) -> int:
    """Index the current state of some records: public ones written, the others removed.

    Documents are built a type at a time and written with one bulk request per
    REFRESH_CHUNK records. Returns how many records were looked at.
    """
    wanted = list(dict.fromkeys(keys))
    unknown = sorted({t for t, _ in wanted if sources.get(t) is None})
    if unknown:
        raise LookupError(f"no search source for type {unknown[0]!r}")
    for start in range(0, len(wanted), REFRESH_CHUNK):
        by_type: dict[str, list[str]] = {}
        for doc_type, doc_id in wanted[start : start + REFRESH_CHUNK]:
            by_type.setdefault(doc_type, []).append(doc_id)
        documents: list[SearchDocument] = []
        gone: dict[str, list[str]] = {}
        for doc_type, ids in by_type.items():
            source = sources.get(doc_type)
            assert source is not None
            built = source.build(session, ids)
            documents += built.values()
            gone[doc_type] = [i for i in ids if i not in built]
        if documents:
            backend.index(documents)
        for doc_type, ids in gone.items():
            if ids:
                backend.delete(doc_type, ids)
        if engine.is_current(backend):
            try:
                hybrid.refresh_vectors(documents, gone)
                hybrid.warm(session, documents)
            except Exception:  # vectors are a derived extra: reindex --vectors repairs them
                log.exception("document vectors not refreshed")
    return len(wanted)


@outbox.handles(vocabulary.REBUILD_TOPIC, reads_only=True)
def apply_rebuild_message(session: Session, _payload: dict[str, Any]) -> None:
    """Rebuild the whole index, e.g. after administrators extended the dictionary."""
    vocabulary.sync(session, force=True)
    # On SQLite this runs in a read transaction while others write (reads-only handler), so
    # what changed meanwhile is read in a session of its own, not in this one's snapshot.
    fresh = sessionmaker(bind=session.get_bind())
    written = reindex(session, engine.current(), catch_up_session=fresh)
    log.info("search index rebuilt with %s documents", written)


#: Documents the worker's periodic fill encodes per run, and how often it runs: a rebuild
#: carries over only the vectors of unchanged texts, the rest are filled a little at a time so
#: index messages keep flowing between runs.
FILL_PER_RUN = 16
FILL_SECONDS = 10.0


def fill_vectors(_session: Session) -> int:
    """Encode a few of the engine's documents still without a vector (none when the engine
    keeps no vectors or no model is installed); resumable: the index says what is left."""
    try:
        backend = engine.current()
    except (ServiceUnavailable, SearchUnavailable):
        return 0
    written = hybrid.fill_engine_vectors(backend, limit=FILL_PER_RUN)
    if written:
        log.info("search index: %s more documents got their vector", written)
    return written


def check_index(session: Session) -> bool:
    """Recreate an index that is gone or came back empty, and queue its rebuild.

    Elasticsearch restarted without its data, the index deleted, the embedded file removed:
    the index is created again (empty) and rebuilt from the database, unless a rebuild is
    already waiting. Returns True when it had to.
    """
    try:
        backend = engine.current()
    except (ServiceUnavailable, SearchUnavailable):
        return False  # not installed or unreachable: nothing to judge yet
    state = backend.health()
    if not state.missing and (not state.ok or state.documents or not _has_public(session)):
        return False
    if not state.missing and outbox.stats(session, topics={SEARCH_TOPIC}).pending:
        return False  # empty only because its first messages are still on their way
    log.warning("search index %s (%s): recreating and rebuilding it", state.detail, state.backend)
    backend.ensure_ready()
    if not outbox.payloads_since(session, vocabulary.REBUILD_TOPIC, utcnow()):
        outbox.enqueue(session, vocabulary.REBUILD_TOPIC, {"requested_by": "索引自检"})
    return True


def _has_public(session: Session) -> bool:
    return any(next(iter(s.all_ids(session)), None) is not None for s in sources.all_sources())


#: A query longer than this is not a question but a pasted document (or an attack on the
#: engine's clause limits): bad input, answered 422, never a 503 from the engine.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 32


def _query(
    q: str, types: Sequence[str], filters: Mapping[str, list[str]], page: int, size: int, sort: str
) -> SearchQuery:
    known = sources.facet_labels()
    unknown = sorted(set(filters) - set(known))
    if unknown:
        raise InvalidInput(errors={name: "不支持的筛选条件" for name in unknown})
    wrong_types = sorted(set(types) - {s.type for s in sources.all_sources()})
    if wrong_types:
        allowed = "、".join(s.type for s in sources.all_sources())
        raise InvalidInput(
            errors={"type": f"不支持的类型：{'、'.join(wrong_types)}；可选：{allowed}"}
        )
    text = visible_text(q).strip()
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(errors={"q": f"搜索词不能超过{MAX_QUERY_CHARS}个字符"})
    if len(text.split()) > MAX_QUERY_WORDS:
        raise InvalidInput(errors={"q": f"一次最多搜索{MAX_QUERY_WORDS}个词，请精简后再试"})
    try:
        return SearchQuery(
            text=text,
            types=tuple(types),
            filters=dict(filters),
            page=page,
            size=size,
            sort="newest" if sort == "newest" else "relevance",
            facets=sources.facets_for(types),
            # BM25 from the backend on every engine; the meaning is fused here (hybrid.py),
            # once, from the engine's kNN or the vector file.
            by_meaning=False,
        )
    except ValueError as exc:
        raise InvalidInput(errors={"page": "页码超出可查询的范围"}) from exc


def _response(result: SearchPage) -> SearchResponse:
    items = []
    for hit in result.hits:
        source = sources.get(hit.type)
        items.append(
            SearchItem(
                type=hit.type,
                id=hit.id,
                title=hit.title,
                snippet=hit.snippet,
                score=round(hit.score, 4),
                title_html=hit.title_html,
                url=source.url(hit.id) if source else "",
            )
        )
    return SearchResponse(
        total=result.total,
        items=items,
        facets={
            name: [FacetCount(value=v, count=c) for v, c in counts]
            for name, counts in result.facets.items()
        },
        page=result.page,
        size=result.size,
        relaxed=result.relaxed,
        approximate=result.approximate,
    )


def search(
    session: Session,
    q: str = "",
    *,
    types: Sequence[str] = (),
    filters: Mapping[str, list[str]] | None = None,
    page: int = 1,
    size: int = 20,
    sort: str = "relevance",
    highlight: bool = True,
    meaning: bool = False,
) -> SearchResponse:
    """Search every public listing; an unreachable engine answers 503 in Chinese.

    ``highlight=False`` skips titles and snippets with marks, for callers that only rank.
    ``meaning=True`` (the search box) also searches a query of several words by meaning and
    fuses the two rankings (``hybrid.fused_search``); others get BM25 alone.
    """
    query = replace(_query(q, types, filters or {}, page, size, sort), highlight=highlight)
    vocabulary.sync(session)
    wanted = tuple(sorted((name, tuple(values)) for name, values in (filters or {}).items()))
    key = ("search", q, tuple(types), wanted, page, size, sort, highlight, meaning)
    try:
        # The index holds public records only: the same answer for everybody.
        return cache.cached(session, key, lambda: _response(_search(session, query, meaning)))
    except SearchUnavailable as exc:
        log.warning("search unavailable: %s", exc)
        raise ServiceUnavailable(UNAVAILABLE) from exc


def _search(session: Session, query: SearchQuery, meaning: bool) -> SearchPage:
    """BM25 on the configured engine; with ``meaning``, a query of several words also by
    meaning, fused (``hybrid.fused_search``), when the dense model is installed."""
    backend = engine.current()
    if not meaning or not hybrid.fuses(query, hybrid.backend_analyzer(backend)):
        return backend.search(query)

    def documents(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], SearchDocument]:
        by_type: dict[str, list[str]] = {}
        for doc_type, doc_id in keys:
            by_type.setdefault(doc_type, []).append(doc_id)
        out: dict[tuple[str, str], SearchDocument] = {}
        for doc_type, ids in by_type.items():
            source = sources.get(doc_type)
            if source is not None:  # only public records are built
                out.update({(doc_type, i): d for i, d in source.build(session, ids).items()})
        return out

    return hybrid.fused_search(backend, query, documents)


def suggest(prefix: str, *, types: Sequence[str] = (), limit: int = 10) -> list[str]:
    if not prefix.strip():
        return []
    try:
        return engine.current().suggest(prefix.strip(), types=tuple(types), limit=limit)
    except SearchUnavailable as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc


def health(session: Session) -> dict[str, Any]:
    """Engine state and how far the index lags behind the database."""
    lag = outbox.stats(session, topics={SEARCH_TOPIC})
    try:
        state = engine.current().health()
        engine_status: dict[str, Any] = {
            "status": "ok" if state.ok else "unavailable",
            "backend": state.backend,
            "documents": state.documents,
        }
        if state.detail:
            engine_status["detail"] = state.detail
        if state.missing:
            engine_status["missing"] = True
    except ServiceUnavailable as exc:
        engine_status = {"status": "unavailable", "detail": exc.detail}
    except SearchUnavailable as exc:
        engine_status = {"status": "unavailable", "detail": str(exc)}
    return {
        **engine_status,
        "pending": lag.pending,
        "failed": lag.failed,
        "lag_seconds": round(lag.lag_seconds, 1),
    }


def reindex(
    session: Session,
    backend: SearchBackend,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] = lambda _n: None,
    catch_up_session: Callable[[], AbstractContextManager[Session]] | None = None,
) -> int:
    """Rebuild the whole index from the database and swap it in; searches keep answering.

    Records change while the rebuild reads them, and a worker (maybe in another process)
    performs their index messages against the old index or a new one not yet holding them,
    so the rebuild may bring back a state that is already gone. After the swap every record
    whose index message was performed since the rebuild started (or still waits, or failed
    since) is indexed again from the database. ``catch_up_session`` opens the session for
    that step; give one when ``session`` reads from a snapshot (a SQLite read transaction).
    """
    started = utcnow()

    def documents() -> Iterator[SearchDocument]:
        for source in sources.all_sources():
            ids = list(source.all_ids(session))
            for start in range(0, len(ids), batch_size):
                batch = ids[start : start + batch_size]
                built = source.build(session, batch)
                yield from built.values()
                progress(len(batch))

    backend.ensure_ready()
    written = backend.rebuild(documents())
    if catch_up_session is None:
        # The rebuild loaded every record into this session; read their current state.
        session.flush()
        session.expire_all()
        caught = catch_up(session, backend, since=started)
    else:
        with catch_up_session() as fresh:
            caught = catch_up(fresh, backend, since=started)
    if caught:
        log.info("search rebuild: %s records changed meanwhile were indexed again", caught)
    return written


def touched_since(session: Session, since: datetime) -> list[tuple[str, str]]:
    """Records named by index messages performed at or after ``since``, waiting, or failed since.

    ``since`` is moved back by CLOCK_SKEW: workers on other machines stamp with their clock.
    """
    payloads = outbox.payloads_since(session, SEARCH_TOPIC, since - CLOCK_SKEW)
    keys = {(str(p["type"]), str(p["id"])): None for p in payloads}
    return [k for k in keys if sources.get(k[0]) is not None]


def catch_up(session: Session, backend: SearchBackend, *, since: datetime) -> int:
    """Index again, from the database, every record touched since ``since``."""
    keys = touched_since(session, since)
    return refresh(session, backend, keys) if keys else 0


def total_documents(session: Session) -> int:
    return sum(sum(1 for _ in s.all_ids(session)) for s in sources.all_sources())
