"""The notifications' periodic job: the daily digest mail."""

from sqlalchemy.orm import Session

from app.core import outbox
from app.notifications import service


@outbox.every(86400, "notifications.daily_digest")
def daily_digest(session: Session) -> None:
    service.send_digests(session)
