"""The one count every page shows in its header: a person's unread notifications.

Sending, preferences and the notification centre are the notifications domain
(``app/notifications``); this count is here because the page layout (``templating``) needs it.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Notification, User


def unread_count(session: Session, user: User) -> int:
    """Notifications shown in the centre that the person has not read yet."""
    stmt = select(func.count()).where(
        Notification.user_id == user.id, Notification.shown, Notification.read_at.is_(None)
    )
    return session.scalar(stmt) or 0
