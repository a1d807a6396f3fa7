"""Apps built once per set of settings and lent to one test at a time.

Building an app analyses every route's dependencies (about a second of CPU); most tests need
the same app and differ only in the database connection and the search backend they give it.
A lent app gets the test's session factory and search backend, fresh rate-limit counters and
no dependency overrides; it goes back to the pool only if the test left its routes, middleware
and exception handlers as they were (a test that adds a route gets an app of its own next time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.ratelimit import RateLimiter
from search.base import SearchBackend

#: What a test gives its app, and what the app keeps from it: the data and whole pages cached
#: under generations that another test's database may also reach.
_PER_TEST_STATE = ("sessionmaker", "search_backend", "worker", "page_cache", "whole_pages")


def _shape(app: FastAPI) -> tuple[object, ...]:
    return (
        tuple(map(id, app.router.routes)),
        tuple(map(id, app.user_middleware)),
        tuple(app.exception_handlers.items()),
    )


class AppPool:
    def __init__(self) -> None:
        # Settings are compared by value (secrets included), so a list rather than a dict.
        self._free: list[tuple[Settings, list[FastAPI]]] = []
        self.built = 0

    def _shelf(self, settings: Settings) -> tuple[Settings, list[FastAPI]]:
        for known, apps in self._free:
            if known == settings:
                return known, apps
        shelf = (settings.model_copy(deep=True), [])
        self._free.append(shelf)
        return shelf

    @contextmanager
    def lend(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        search_backend: SearchBackend,
    ) -> Iterator[FastAPI]:
        from app.main import create_app

        known, shelf = self._shelf(settings)
        if shelf:
            app = shelf.pop()
        else:
            app = create_app(settings, start_worker=False)
            self.built += 1
        shape = _shape(app)
        app.state.rate_limiter = RateLimiter(settings)
        app.state.sessionmaker = session_factory
        app.state.search_backend = search_backend
        try:
            yield app
        finally:
            app.dependency_overrides.clear()
            for name in _PER_TEST_STATE:
                if hasattr(app.state, name):
                    delattr(app.state, name)
            if _shape(app) == shape and app.state.settings == known:
                shelf.append(app)


pool = AppPool()
