"""Recording state changes: who did what to which object, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.models import AuditEvent, User


@dataclass(frozen=True)
class Actor:
    """Who caused a change: a signed-in user, or the system (CLI, worker), and from where."""

    user: User | None = None
    ip: str = ""
    label: str = ""

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def display(self) -> str:
        if self.user is not None:
            return f"{self.user.name} <{self.user.email}>"
        return self.label or "系统"


SYSTEM = Actor(label="系统")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """The column values of an ORM object (or the named ones), as JSON-ready data."""
    names = fields or [c.key for c in inspect(obj).mapper.column_attrs]
    return {
        name: _plain(getattr(obj, name))
        for name in names
        if name not in {"password_hash", "token_hash"}
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values changed, for a compact before → after record."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    session: Session,
    actor: Actor,
    action: str,
    obj: Any,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    flush: bool = True,
) -> AuditEvent:
    """Add an audit event for ``action`` on ``obj`` in the caller's transaction.

    It flushes first so a new ``obj`` has its id; bulk writers that flushed already pass
    ``flush=False`` to keep their inserts batched.
    """
    if flush:
        session.flush()
    event = AuditEvent(**event_values(actor, action, obj, summary, before, after))
    session.add(event)
    return event


def event_values(
    actor: Actor,
    action: str,
    obj: Any,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of ``record``'s event, for writers that insert thousands in one statement."""
    return {
        "actor_id": actor.user_id,
        "actor_label": actor.display,
        "action": action,
        "object_type": getattr(obj, "__tablename__", type(obj).__name__.lower()),
        "object_id": str(getattr(obj, "id", "") or ""),
        "summary": summary[:300],
        "before": before,
        "after": after,
        "ip": actor.ip,
    }
