from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, IDMixin, utcnow


class Notification(IDMixin, Base):
    """An in-app message to one person; mail copies leave through the outbox.

    ``topic`` is the notification's kind (app/notifications/kinds.py). ``shown`` is false for a
    message the person wants only in the daily digest; ``digest_pending`` marks what the next
    digest mail collects.
    """

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    shown: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest_pending: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)


class NotificationPreference(IDMixin, Base):
    """How one person wants to hear of one kind: in the centre, by mail, in the daily digest."""

    __tablename__ = "notification_preference"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_notification_preference_user_id_kind"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    in_app: Mapped[bool] = mapped_column(default=True)
    mail: Mapped[bool] = mapped_column(default=True)
    digest: Mapped[bool] = mapped_column(default=False)
