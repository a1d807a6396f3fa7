"""Growing waits after failed logins, by email address and by client address; never a lock.

After the free failures of an email address (or of a client address), the next attempt is
heard only after a wait that doubles with each further failure, up to a longest wait; a quiet
window forgets the failures. Attempts refused during a wait cost no password hashing and do not
count, so an attacker cannot push the wait beyond the longest one. The wait an email address
earned does not apply from an address the owner has signed in from before: someone guessing
elsewhere cannot keep the owner out. The counters live in the database, so every worker process
sees the same ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.ratelimit import too_many, wait_text
from app.core.security import token_digest
from app.models import LoginSession, LoginThrottle


def _email_key(email: str) -> str:
    return token_digest(f"email:{email.strip().lower()}")


def _ip_key(ip: str) -> str:
    return token_digest(f"ip:{ip}")


def _seconds_left(row: LoginThrottle | None, now: datetime) -> int:
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, int((row.blocked_until - now).total_seconds() + 0.999))


def signed_in_from(session: Session, user_id: int, ip: str) -> bool:
    """Whether the person has signed in from this client address before."""
    if not ip:
        return False
    found = session.scalar(
        select(LoginSession.id)
        .where(LoginSession.user_id == user_id, LoginSession.ip == ip)
        .limit(1)
    )
    return found is not None


def check(session: Session, email: str, ip: str, *, usual_address: bool) -> None:
    """Refuse (429 with Retry-After) an attempt that comes before its wait is over."""
    now = utcnow()
    waits = [_seconds_left(session.get(LoginThrottle, _ip_key(ip)), now)]
    if not usual_address:
        waits.append(_seconds_left(session.get(LoginThrottle, _email_key(email)), now))
    wait = max(waits)
    if wait:
        raise too_many(
            f"登录失败次数过多，请{wait_text(wait)}后再试；如果忘记了密码，可以通过“忘记密码”重置",
            wait,
        )


def record_failure(session: Session, email: str, ip: str) -> int:
    """Count a failed attempt; the wait (in seconds) the email address now has, or 0."""
    settings = get_settings()
    now = utcnow()
    wait = 0
    for key, free in (
        (_email_key(email), settings.login_free_failures),
        (_ip_key(ip), settings.login_ip_free_failures),
    ):
        row = _locked_row(session, key, now)
        if now - row.last_failure_at > timedelta(minutes=settings.login_failure_window_minutes):
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        excess = row.failures - free
        if excess >= 0:
            seconds = min(
                settings.login_delay_seconds * 2 ** min(excess, 20),
                settings.login_max_delay_seconds,
            )
            row.blocked_until = now + timedelta(seconds=seconds)
            if key == _email_key(email):
                wait = seconds
    session.flush()
    return wait


def failures(session: Session, email: str) -> int:
    row = session.get(LoginThrottle, _email_key(email))
    return row.failures if row is not None else 0


def record_success(session: Session, email: str) -> None:
    """The owner got in: the email address starts afresh (the client address does not)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == _email_key(email)))


def _locked_row(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter of ``key``, created if missing, locked for this transaction."""
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(LoginThrottle(key=key, failures=0, last_failure_at=now))
    except IntegrityError:  # a concurrent failure created it first
        pass
    row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    assert row is not None
    return row
