"""The one count every page shows in its header: a person's unread notifications.

Sending, preferences and the notification centre are the notifications domain
(``app/notifications``); this count is here because the page layout (``templating``) needs it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from app.models import Notification, User


def unread_count(session: Session, user: User) -> int:
    """Notifications shown in the centre that the person has not read yet."""
    return session.scalar(select(unread_count_of(user.id))) or 0


def unread_count_of(user_id: Any) -> ScalarSelect[int]:
    """How many notifications of ``user_id`` (a value or a column) are unread, as a subquery
    (signing a request in reads it with the person, in the same query)."""
    return (
        select(func.count())
        .where(
            Notification.user_id == user_id,
            Notification.shown,
            Notification.read_at.is_(None),
        )
        .scalar_subquery()
    )
