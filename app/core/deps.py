"""Request-scoped dependencies: the database session, the current user, CSRF, the actor."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core import cache
from app.core.audit import Actor
from app.core.db import READS_FIRST, WRITE_TRANSACTION, declare_write_intent, reads_first, utcnow
from app.core.errors import AppError, NotAuthenticated, PermissionDenied
from app.core.notifications import unread_count_of
from app.core.permissions import Action, authorize
from app.core.security import token_digest
from app.models import ApiToken, LoginSession, User

#: The cookie's random key of its ``login_session`` row (the table stores its SHA-256).
SESSION_KEY = "sk"
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, committed once after the handler returns.

    ``async`` so that only what touches the database leaves the event loop: making a session
    connects to nothing, and the commit (or rollback) and close take one trip to the thread
    pool at the end, where a plain ``def`` generator took two, the first for nothing.
    """
    session: Session = request.app.state.sessionmaker()
    request.state.db = session  # pages read small extras (the unread count) through it
    cache.use(session, cache.store_of(request.app.state))
    try:
        if getattr(request.scope.get("endpoint"), READS_FIRST, False):
            reads_first(session)
        elif request.method not in _SAFE_METHODS:
            # SQLite's BEGIN IMMEDIATE may wait for another writer: not on the event loop.
            await run_in_threadpool(declare_write_intent, session)
        yield session
    except BaseException as exc:
        await _in_thread_shielded(_end, request, session, exc)
        raise
    await _in_thread_shielded(_end, request, session, None)


async def _in_thread_shielded(func: Callable[..., None], *args: Any) -> None:
    # As FastAPI ends a plain ``def`` dependency: not cancelled by a client that went away, and
    # with a limiter of its own, so a full thread pool cannot keep a connection from going back.
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(func, *args, limiter=anyio.CapacityLimiter(1))


def _end(request: Request, session: Session, error: BaseException | None) -> None:
    """Commit, or undo after ``error``; then close. An error while committing undoes too."""
    try:
        if error is None:
            try:
                session.commit()
                return
            except BaseException as exc:
                _undo(request, session, exc)
                raise
        _undo(request, session, error)
    finally:
        session.close()


def _undo(request: Request, session: Session, error: BaseException) -> None:
    if isinstance(error, AppError) and error.keep_changes:
        session.commit()
    else:
        _rollback_keeping_user(request, session)


def _rollback_keeping_user(request: Request, session: Session) -> None:
    # The error page still shows who is signed in; a rollback would expire that object.
    user = getattr(request.state, "user", None)
    if user is not None and user in session:
        session.expunge(user)
    session.rollback()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _declares_writes(session: SessionDep) -> None:
    declare_write_intent(session)


#: For a GET route that writes (marking messages read, logging a view): put it in the route's
#: ``dependencies`` so it runs before the first query and SQLite takes its write lock first.
WRITES = Depends(_declares_writes)


def writes_late(endpoint: _Endpoint) -> _Endpoint:
    """Mark a write route that reads for long before it writes (a large import).

    Its session reads without SQLite's write lock; the route calls ``db.start_writing`` when
    it has checked everything, so other writers are held up only while it writes.
    """
    setattr(endpoint, READS_FIRST, True)
    return endpoint


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def _csrf_matches(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(SESSION_CSRF)
    return bool(expected and submitted and secrets.compare_digest(str(expected), submitted))


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe page request whose form lacks the session's CSRF token."""
    if request.method in _SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and "form" in request.headers.get("content-type", ""):
        submitted = str((await request.form()).get(CSRF_FIELD) or "")
    if not _csrf_matches(request, submitted):
        raise PermissionDenied(
            "页面已过期或请求来源无法验证（CSRF 校验失败），请刷新页面后重新提交",
            title="请求校验失败",
        )


def _user_from_bearer(session: Session, request: Request, token: str) -> User:
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token))
    ).one_or_none()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise NotAuthenticated("API 令牌无效、已过期或已被撤销")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("该令牌所属账号已停用")
    # Record use at most once a minute. A read records it in a transaction of its own so reads
    # stay reads; a write already holds SQLite's write lock, and a second connection would wait
    # for it until the busy timeout, so the write's own transaction records it.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        if session.info.get(WRITE_TRANSACTION):
            row.last_used_at = now
        else:
            with request.app.state.sessionmaker() as own, own.begin():
                declare_write_intent(own)
                own.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
            row.last_used_at = now
            session.expire(row, ["last_used_at"])
    request.state.auth_method = "token"
    return user


def _user_from_cookie(session: Session, request: Request) -> User | None:
    """The person of the page session, while its ``login_session`` row is live."""
    key = request.session.get(SESSION_KEY)
    if not key:
        return None
    # The row, its person and their unread count (the page header shows it) in one query:
    # every signed-in request asks.
    found = session.execute(
        select(LoginSession, User, unread_count_of(LoginSession.user_id))
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.key_hash == token_digest(str(key)))
    ).one_or_none()
    now = utcnow()
    max_age = timedelta(seconds=request.app.state.settings.session_max_age_seconds)
    row, user, unread = found.tuple() if found is not None else (None, None, 0)
    if (
        row is None
        or user is None
        or row.revoked_at is not None
        or row.created_at + max_age <= now
        or not user.is_active
    ):
        request.session.pop(SESSION_KEY, None)
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        _record_seen(session, request, row, now)
    request.state.auth_method = "session"
    request.state.login_session_id = row.id
    request.state.unread_at_sign_in = (user.id, unread)
    return user


def _record_seen(session: Session, request: Request, row: LoginSession, now: datetime) -> None:
    # As for tokens: a write request records it in its own transaction (which holds SQLite's
    # write lock already), a read — or a write that reads first, like an import — in a short
    # transaction of its own, so reads stay reads.
    if session.info.get(WRITE_TRANSACTION):
        row.last_seen_at = now
        return
    with request.app.state.sessionmaker() as own, own.begin():
        declare_write_intent(own)
        own.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
    row.last_seen_at = now
    session.expire(row, ["last_seen_at"])


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user from a bearer token or the page session, or None."""
    request.state.user = None
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("Authorization 头格式应为：Bearer <令牌>")
        request.state.user = _user_from_bearer(session, request, token.strip())
        return request.state.user
    user = _user_from_cookie(session, request)
    if (
        user is not None
        and request.url.path.startswith("/api/")
        and request.method not in _SAFE_METHODS
        and not _csrf_matches(request, request.headers.get(CSRF_HEADER))
    ):
        raise PermissionDenied(
            "通过浏览器会话调用写接口时需要携带 X-CSRF-Token 请求头", title="请求校验失败"
        )
    request.state.user = user
    return user


async def signed_in_user(request: Request, session: SessionDep) -> User | None:
    """``optional_user`` as a dependency: in the thread pool only when there is someone to
    look up (a bearer token or a page session), so an anonymous request makes no trip there."""
    if request.headers.get("authorization") or request.session.get(SESSION_KEY):
        return await run_in_threadpool(optional_user, request, session)
    request.state.user = None
    return None


OptionalUser = Annotated[User | None, Depends(signed_in_user)]


# The dependencies below only look at what earlier ones found: ``async`` so that FastAPI runs
# them on the event loop instead of handing each to a worker thread.


async def current_user(user: OptionalUser) -> User:
    if user is None:
        raise NotAuthenticated("请先登录")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


async def actor(request: Request, user: OptionalUser) -> Actor:
    """Who is acting in this request, for the audit log."""
    return Actor(user=user, ip=client_ip(request))


ActorDep = Annotated[Actor, Depends(actor)]


async def signed_in_actor(request: Request, user: CurrentUser) -> Actor:
    """``actor`` for a route that only serves people who signed in: without a sign-in it
    answers 401 (the sign-in page) before it reads the form."""
    return Actor(user=user, ip=client_ip(request))


#: The actor of a form that needs a sign-in, so no one is told the form is incomplete first.
SignedInActor = Annotated[Actor, Depends(signed_in_actor)]


async def staff_user(user: CurrentUser) -> User:
    """The signed-in user, when they may open the administration (platform or district staff)."""
    authorize(user, Action.ADMIN_ACCESS)
    return user


#: A route for the administration: 401 without a sign-in, 403 for anyone but staff.
StaffUser = Annotated[User, Depends(staff_user)]
