"""The process's search backend, opened from settings at start-up and closed at shutdown."""

from __future__ import annotations

from typing import Any

from app.core.config import Settings
from app.core.errors import ServiceUnavailable
from search import dense
from search.base import KeepsVectors, SearchBackend
from search.factory import create_backend
from search.vectors import VectorIndex

_current: SearchBackend | None = None
_ready = False
_vectors_path: str | None = None
_vectors: list[VectorIndex | None] = []
_memo: list[dense.MemoEncoder] = []


def open_backend(settings: Settings) -> SearchBackend:
    """Create the configured backend; it connects lazily, so a down engine does not block start-up.

    With the dense model installed an engine backend gets an encoder: each document it writes
    carries its vector (encoded once, in the worker). Its own search stays BM25
    (``dense_window=0``): the platform fuses the rankings itself (``hybrid``), the same way on
    every engine, taking the dense ranking from the engine's kNN when it has one
    (:func:`engine_vectors`), else from the vector file.
    """
    options: dict[str, Any] = {}
    inner = dense.shared_encoder()
    if inner is not None and settings.search_backend in ("elasticsearch", "opensearch"):
        options = {"encoder": dense.MemoEncoder(inner), "dense_window": 0}
    if settings.search_backend == "elasticsearch":
        return create_backend(
            "elasticsearch",
            url=settings.elasticsearch_url,
            index=settings.elasticsearch_index_prefix,
            **options,
        )
    if settings.search_backend == "opensearch":
        return create_backend(
            "opensearch",
            url=settings.opensearch_url,
            index=settings.opensearch_index_prefix,
            **options,
        )
    return create_backend("embedded", path=settings.resolved_search_path)


def vectors_path(settings: Settings, backend: SearchBackend) -> str:
    """Where the document vectors live: KC_VECTORS_PATH, else beside the embedded index,
    else under var/."""
    if settings.vectors_path:
        return settings.vectors_path
    path = getattr(backend, "path", None)
    if isinstance(path, str):
        return path if path == ":memory:" else f"{path}.vectors"
    prefix = (
        settings.opensearch_index_prefix
        if settings.search_backend == "opensearch"
        else settings.elasticsearch_index_prefix
    )
    return str(settings.var_dir / f"vectors-{prefix}.db")


def install(backend: SearchBackend | None, *, vectors: str | None = None) -> None:
    """Make ``backend`` the process's engine; ``vectors`` is its vector file (default: beside
    an embedded index, in memory otherwise)."""
    global _current, _ready, _vectors_path
    _current, _ready = backend, False
    for index in _vectors:
        if index is not None:
            index.close()
    _vectors.clear()
    _memo.clear()
    if vectors is None and backend is not None:
        path = getattr(backend, "path", None)
        vectors = (
            (path if path == ":memory:" else f"{path}.vectors")
            if isinstance(path, str)
            else ":memory:"
        )
    _vectors_path = vectors


def is_current(backend: SearchBackend) -> bool:
    """Whether ``backend`` is the installed engine (its vectors are the process's)."""
    return _current is backend


def engine_vectors() -> KeepsVectors | None:
    """The installed backend when it keeps and searches the vectors itself (OpenSearch with
    an encoder): then no vector file is opened and dense rankings come from its kNN."""
    if dense.shared_encoder() is None:
        return None
    backend = _current
    if isinstance(backend, KeepsVectors) and backend.searches_vectors:
        return backend
    return None


def vector_index() -> VectorIndex | None:
    """The platform's vector file, or ``None`` when no encoder is installed (BM25 only) or
    the engine keeps the vectors itself (:func:`engine_vectors`)."""
    encoder = dense.shared_encoder()
    if encoder is None or engine_vectors() is not None:
        return None
    if _vectors and (_vectors[0] is None or _vectors[0].model == encoder.name):
        return _vectors[0]
    for stale in _vectors:
        if stale is not None:
            stale.close()
    _vectors.clear()
    index = None
    if _vectors_path is not None:
        index = VectorIndex(_vectors_path, model=encoder.name, dim=encoder.dim)
    _vectors.append(index)
    return index


def dense_ready() -> bool:
    """Whether dense rankings can be asked for: an encoder, and vectors in the engine or in
    the vector file."""
    return dense.shared_encoder() is not None and (
        engine_vectors() is not None or vector_index() is not None
    )


def document_encoder() -> dense.Encoder | None:
    """What encodes documents' texts for the vector file: the backend's own encoder when it
    has one (a memo, so a document written to the engine is not encoded again for the
    file), else the process's."""
    inner = dense.shared_encoder()
    own = getattr(_current, "encoder", None) if isinstance(_current, KeepsVectors) else None
    if inner is not None and isinstance(own, dense.MemoEncoder) and own.inner is inner:
        return own
    return inner


def encoder() -> dense.MemoEncoder | None:
    """The process's encoder, each text encoded once: remembered in memory and in the vector
    file (so what the worker encoded when a listing was written, the web process only reads;
    in memory only when the engine keeps the vectors); ``None`` without an encoder."""
    inner = dense.shared_encoder()
    if inner is None:
        return None
    store = vector_index()
    if _memo and _memo[0].inner is inner and _memo[0].store is store:
        return _memo[0]
    _memo[:] = [dense.MemoEncoder(inner, store)]
    return _memo[0]


def current() -> SearchBackend:
    """The installed backend, its index created on first use (SearchUnavailable if down)."""
    global _ready
    if _current is None:
        raise ServiceUnavailable("搜索服务尚未启动")
    if not _ready:
        _current.ensure_ready()  # idempotent; retried on the next call if the engine is down
        _ready = True
    return _current
