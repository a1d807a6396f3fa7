from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.models import ApiToken, LoginSession, LoginThrottle, PasswordResetToken, User
from app.models.enums import Role


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.email) == email.lower())
    ).one_or_none()


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def token_of(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    return session.scalars(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    ).one_or_none()


def reset_token(session: Session, digest: str) -> PasswordResetToken | None:
    return session.scalars(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == digest)
    ).one_or_none()


def reset_tokens_since(session: Session, user_id: int, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(PasswordResetToken)
            .where(PasswordResetToken.user_id == user_id, PasswordResetToken.created_at > since)
        )
        or 0
    )


def live_sessions_of(session: Session, user_id: int, since: datetime) -> list[LoginSession]:
    return list(
        session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user_id,
                LoginSession.revoked_at.is_(None),
                LoginSession.created_at > since,
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def session_of(session: Session, user_id: int, session_id: int) -> LoginSession | None:
    return session.scalars(
        select(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user_id)
    ).one_or_none()


def revoke_sessions_of(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now),
        execution_options={"synchronize_session": "fetch"},
    )


def delete_sessions_started_before(session: Session, before: datetime) -> None:
    session.execute(delete(LoginSession).where(LoginSession.created_at < before))


def delete_quiet_throttles(session: Session, *, quiet_since: datetime, now: datetime) -> None:
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < quiet_since,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
        )
    )


def users_statement(*, q: str = "", role: Role | None = None) -> Select[User]:
    stmt = select(User).options(selectinload(User.org)).order_by(User.id.desc())
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.name.like(like), User.email.like(like)))
    if role is not None:
        stmt = stmt.where(User.role == role)
    return stmt


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
