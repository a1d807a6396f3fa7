"""The application factory: settings in, a wired FastAPI app out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

import app.registry  # noqa: F401  outbox handlers and search sources
from app.core import handlers, openapi
from app.core.config import Settings, get_settings
from app.core.db import build_engine, build_sessionmaker
from app.core.limits import BodyLimitMiddleware, guard_record_numbers
from app.core.outbox import OutboxWorker
from app.core.page_cache import PageCacheMiddleware
from app.core.ratelimit import RateLimiter
from app.core.security_headers import SecurityHeadersMiddleware
from app.core.templating import STATIC_DIR, built_navigation
from app.search import engine as search_engine
from app.search import vocabulary

log = logging.getLogger(__name__)


def load_vocabulary(factory: sessionmaker[Session]) -> None:
    """Apply the administrators' search terms before the first request."""
    try:
        with factory() as session:
            vocabulary.sync(session, force=True)
    except SQLAlchemyError:
        log.warning("search vocabulary not loaded; run `kechuang migrate`", exc_info=True)


def create_app(settings: Settings | None = None, *, start_worker: bool | None = None) -> FastAPI:
    """Build the app; engines and workers start in the lifespan, never at import."""
    settings = settings or get_settings()
    settings.ensure_safe_to_serve()
    run_worker = settings.worker_in_process if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Tests hand in their own session factory and search backend; the app closes only
        # what it opened itself.
        engine = None
        if not hasattr(app.state, "sessionmaker"):
            engine = build_engine(
                settings.resolved_database_url,
                echo=settings.database_echo,
                busy_timeout_seconds=settings.sqlite_busy_timeout_seconds,
            )
            app.state.sessionmaker = build_sessionmaker(engine)
        own_backend = not hasattr(app.state, "search_backend")
        if own_backend:
            app.state.search_backend = search_engine.open_backend(settings)
        search_engine.install(
            app.state.search_backend,
            vectors=search_engine.vectors_path(settings, app.state.search_backend)
            if own_backend
            else None,
        )
        load_vocabulary(app.state.sessionmaker)
        worker = None
        if run_worker:
            worker = OutboxWorker(
                app.state.sessionmaker,
                poll_seconds=settings.worker_poll_seconds,
                max_attempts=settings.outbox_max_attempts,
            )
            worker.start()
        app.state.worker = worker
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if own_backend:
                search_engine.install(None)
                app.state.search_backend.close()
            if engine is not None:
                engine.dispose()

    app = FastAPI(
        title="科创一网通 API",
        version="1.0",
        description="科技成果转化平台的开放接口。错误以 application/problem+json 返回。",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(guard_record_numbers)],
    )
    app.state.settings = settings
    app.state.rate_limiter = RateLimiter(settings)
    from app import pages

    # Inside the session middleware: it reads the visitor's session and fills in their token.
    app.add_middleware(PageCacheMiddleware, paths=pages.PUBLIC_PAGES)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=settings.session_cookie,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_session_cookie,
    )
    app.add_middleware(BodyLimitMiddleware, max_upload_mb=settings.max_upload_mb)
    # Added last, so it wraps the session middleware and every route's response.
    app.add_middleware(SecurityHeadersMiddleware, https_site=settings.serves_https)
    handlers.install(app)
    openapi.install(app)

    from app import api

    app.include_router(api.router, prefix=api.PREFIX)
    for page_router in pages.routers:
        app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.navigation = built_navigation(
        [route for page_router in pages.routers for route in page_router.routes]
    )
    return app
