from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, IDMixin, utcnow


class OutboxMessage(IDMixin, Base):
    """A side effect (mail, indexing, notification) written with the change that caused it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_pending", "processed_at", "available_at"),)

    topic: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    processed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]


class PeriodicJobState(Base):
    """When a periodic job next falls due, shared by every worker process.

    A worker claims a run by moving ``next_run_at`` forward in one conditional UPDATE, so two
    workers never run the same job twice for one period.
    """

    __tablename__ = "periodic_job_state"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    next_run_at: Mapped[datetime]
    last_started_at: Mapped[datetime | None]
