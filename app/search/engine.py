"""The process's search backend, opened from settings at start-up and closed at shutdown."""

from __future__ import annotations

from app.core.config import Settings
from app.core.errors import ServiceUnavailable
from search.base import SearchBackend
from search.factory import create_backend

_current: SearchBackend | None = None
_ready = False


def open_backend(settings: Settings) -> SearchBackend:
    """Create the configured backend; it connects lazily, so a down engine does not block start-up."""
    if settings.search_backend == "elasticsearch":
        return create_backend(
            "elasticsearch",
            url=settings.elasticsearch_url,
            index=settings.elasticsearch_index_prefix,
        )
    if settings.search_backend == "opensearch":
        return create_backend(
            "opensearch",
            url=settings.opensearch_url,
            index=settings.opensearch_index_prefix,
        )
    return create_backend("embedded", path=settings.resolved_search_path)


def install(backend: SearchBackend | None) -> None:
    global _current, _ready
    _current, _ready = backend, False


def current() -> SearchBackend:
    """The installed backend, its index created on first use (SearchUnavailable if down)."""
    global _ready
    if _current is None:
        raise ServiceUnavailable("搜索服务尚未启动")
    if not _ready:
        _current.ensure_ready()  # idempotent; retried on the next call if the engine is down
        _ready = True
    return _current
