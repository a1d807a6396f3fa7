from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit.schemas import AuditFilters
from app.models import AuditEvent


def _day_start(day: object) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)  # type: ignore[arg-type]


def statement(filters: AuditFilters) -> Select[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters.actor:
        stmt = stmt.where(AuditEvent.actor_label.like(f"%{filters.actor.strip()}%"))
    if filters.action:
        stmt = stmt.where(AuditEvent.action.like(f"{filters.action.strip()}%"))
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= _day_start(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEvent.at < _day_start(filters.until) + timedelta(days=1))
    return stmt


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def object_types(session: Session) -> list[str]:
    return list(
        session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
    )
