"""The one notification path: an in-app message, and a mail copy through the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, func, select, update
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.mail import send_mail
from app.models import Notification, User


def notify(
    session: Session,
    user: User,
    *,
    topic: str,
    title: str,
    body: str = "",
    link: str = "",
    mail: bool = True,
) -> Notification:
    """Tell ``user`` about something; the mail leaves only if the transaction commits."""
    note = Notification(user_id=user.id, topic=topic, title=title, body=body, link=link)
    session.add(note)
    if mail and user.is_active:
        settings = get_settings()
        url = f"{settings.base_url.rstrip('/')}{link}" if link else settings.base_url
        send_mail(
            session,
            to=user.email,
            subject=f"【{settings.site_name}】{title}",
            body=f"{user.name}，您好：\n\n{body}\n\n查看详情：{url}\n\n{settings.site_name}",
        )
    return note


def unread_count(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def unread_count_of(user_id: Any) -> ScalarSelect[int]:
    """How many notifications of ``user_id`` (a value or a column) are unread, as a subquery
    (signing a request in reads it with the person, in the same query)."""
    return (
        select(func.count())
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def recent(session: Session, user: User, limit: int = 50) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(session: Session, user: User) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
