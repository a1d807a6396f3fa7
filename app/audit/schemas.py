from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.schemas import PlausibleDate, Schema


class AuditFilters(Schema):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: PlausibleDate | None = None
    until: PlausibleDate | None = None


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str
