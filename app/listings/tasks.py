"""The catalogue's periodic jobs (registered by app/registry.py)."""

from sqlalchemy.orm import Session

from app.core import outbox
from app.core.audit import SYSTEM
from app.listings import service


@outbox.every(3600, "listings.expire_and_remind")
def hourly_expiry(session: Session) -> None:
    """Take expired listings down and remind owners of those about to expire."""
    service.expire_and_remind(session, SYSTEM)
