from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, IDMixin, utcnow


class MailDelivery(IDMixin, Base):
    """One outgoing mail by its Message-ID: every attempt is recorded before it is sent.

    ``state`` is ``sending`` from the moment an attempt is recorded until the server's answer
    is recorded (``sent`` or ``failed``); an attempt that stays ``sending`` was cut off (the
    worker died) and may or may not have left, so its resend is marked a possible duplicate.
    """

    __tablename__ = "mail_delivery"
    __table_args__ = (Index("ix_mail_delivery_state", "state", "last_attempt_at"),)

    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="sending")
    attempts: Mapped[int] = mapped_column(default=0)
    possible_duplicate: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
