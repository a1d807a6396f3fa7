"""Every table of the platform; Alembic and the app import them from here."""

from app.core.db import Base
from app.models.audit import AuditEvent
from app.models.auth import ApiToken, PasswordResetToken
from app.models.organization import Organization, OrgTag
from app.models.outbox import OutboxMessage
from app.models.search_term import SearchTerm
from app.models.user import User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "OrgTag",
    "Organization",
    "OutboxMessage",
    "PasswordResetToken",
    "SearchTerm",
    "User",
]
