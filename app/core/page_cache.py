"""Whole public pages kept for anonymous visitors until the data changes.

Everyone who is not signed in sees the same home page, lists and details, so the HTML the
first visitor got serves the next ones, while the database's content generation (see
``app.core.cache``) and the search index's generations stay as they were and for at most
``MAX_AGE_SECONDS``. A write anywhere, by any process, shows on the next request.

Only GET requests to the paths the app names, with no ``Authorization`` header and a session
that holds no sign-in and no message waiting to be shown, are looked up or kept, and only
a 200 HTML answer is kept. The one thing on such a page that belongs to the visitor, the CSRF
token of their session, is kept as a placeholder and filled in with theirs (``app.core.deps.csrf_token``) on each answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import anyio
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.cache import Store, everything_stamp
from app.core.deps import SESSION_CSRF, csrf_token

MAX_AGE_SECONDS = 30.0
MAX_ENTRIES = 512
#: Answered by the page cache: ``hit`` (served as kept) or ``miss`` (rendered, maybe kept).
HEADER = b"x-page-cache"
_PLACEHOLDER = "\x00csrf-token\x00"
#: ``app.state`` attribute holding the kept pages (tests lend an app to one test at a time).
STATE = "whole_pages"


class PageCacheMiddleware:
    """Serves the anonymous GET pages matching ``paths`` from memory while nothing changed.

    It sits inside the session middleware (``scope["session"]`` is the visitor's session) and
    reads the stamp through ``app.state.sessionmaker`` once per request.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: Iterable[str],
        max_entries: int = MAX_ENTRIES,
        max_age: float = MAX_AGE_SECONDS,
    ) -> None:
        self.app = app
        self.paths = re.compile("|".join(f"(?:{p})" for p in paths) or r"(?!)")
        self.max_entries, self.max_age = max_entries, max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        stamp = await anyio.to_thread.run_sync(self._stamp, scope)
        if stamp is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), _host(scope))
        store = self._store(scope)
        found, kept = store.get(key, stamp)
        if found:
            status, headers, body = kept
            page = body.replace(_PLACEHOLDER, csrf_token(Request(scope))).encode("utf-8")
            await _answer(send, status, headers, page, b"hit")
            return
        await self._render_and_keep(scope, receive, send, store, key, stamp)

    def _store(self, scope: Scope) -> Store:
        state = scope["app"].state
        store = getattr(state, STATE, None)
        if store is None:
            store = Store(max_entries=self.max_entries, max_age=self.max_age)
            setattr(state, STATE, store)
        return store

    def _applies(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if not self.paths.fullmatch(scope["path"]):
            return False
        if any(name == b"authorization" for name, _ in scope["headers"]):
            return False
        # A session holding only its CSRF token: no sign-in, no message waiting to be shown.
        session = scope.get("session")
        return session is not None and set(session) <= {SESSION_CSRF}

    @staticmethod
    def _stamp(scope: Scope) -> tuple[Any, ...] | None:
        maker = getattr(scope["app"].state, "sessionmaker", None)
        if maker is None:
            return None
        try:
            with maker() as db:
                stamp = everything_stamp(db)
                db.rollback()
        except SQLAlchemyError:
            return None  # the page itself then answers as the database allows (503, say)
        return stamp

    async def _render_and_keep(
        self, scope: Scope, receive: Receive, send: Send, store: Store, key: Any, stamp: Any
    ) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] != "http.response.body":
                await send(message)  # e.g. the test client's http.response.debug
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _flush(scope, send, start, b"".join(chunks), store, key, stamp)

        await self.app(scope, receive, capture)


async def _flush(
    scope: Scope, send: Send, start: Message, body: bytes, store: Store, key: Any, stamp: Any
) -> None:
    headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-length"]
    names = {n.lower() for n, _ in headers}
    html = dict(headers).get(b"content-type", b"").startswith(b"text/html")
    session = scope["session"]
    # A page that sets a cookie of its own, or keeps something in the session beside the
    # token, says something to this visitor only.
    alike = b"set-cookie" not in names and set(session) <= {SESSION_CSRF}
    if start["status"] == 200 and html and alike:
        token = session.get(SESSION_CSRF)
        page = body.decode("utf-8")
        store.put(key, stamp, (200, headers, page.replace(token, _PLACEHOLDER) if token else page))
    await _answer(send, start["status"], headers, body, b"miss")


def _host(scope: Scope) -> bytes:
    return next((v for n, v in scope["headers"] if n == b"host"), b"")


async def _answer(send: Send, status: int, headers: list[Any], body: bytes, how: bytes) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, length, (HEADER, how)],
        }
    )
    await send({"type": "http.response.body", "body": body})
