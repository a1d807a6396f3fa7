"""Reading the audit log; writing it is ``app.core.audit.record``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import repository
from app.audit.schemas import AuditFilters
from app.core.audit import Actor
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize


def list_events(
    session: Session, actor: Actor, filters: AuditFilters, pagination: Pagination
) -> Paged:
    """Audit events matching ``filters``, newest first (administrators only)."""
    authorize(actor.user, Action.AUDIT_VIEW)
    return paginate(session, repository.statement(filters), pagination)


def filter_choices(session: Session) -> dict[str, list[str]]:
    return {
        "actions": repository.actions(session),
        "object_types": repository.object_types(session),
    }
