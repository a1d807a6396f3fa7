"""Choose a search backend by name, as configured by the application."""

from __future__ import annotations

from typing import Any

from search.analysis import Analyzer
from search.base import SearchBackend

BACKENDS = ("embedded", "elasticsearch", "opensearch")


def create_backend(kind: str, *, analyzer: Analyzer | None = None, **options: Any) -> SearchBackend:
    """Build a backend: ``embedded`` (``path=``), ``elasticsearch`` or ``opensearch``
    (``url=``, ``index=``...).

    Options are passed to the backend's constructor. An engine's client is imported only
    when that backend is chosen, so the default set-up never needs one.
    """
    if kind == "embedded":
        from search.embedded import EmbeddedBackend

        return EmbeddedBackend(analyzer=analyzer, **options)
    if kind in ("elasticsearch", "elastic", "es"):
        from search.elastic import ElasticsearchBackend  # type: ignore[import-not-found,unused-ignore]

        backend: SearchBackend = ElasticsearchBackend(analyzer=analyzer, **options)
        return backend
    if kind == "opensearch":
        from search.opensearch import OpenSearchBackend  # type: ignore[import-not-found,unused-ignore]

        opensearch: SearchBackend = OpenSearchBackend(analyzer=analyzer, **options)
        return opensearch
    raise ValueError(f"unknown search backend {kind!r}; choose one of {', '.join(BACKENDS)}")
