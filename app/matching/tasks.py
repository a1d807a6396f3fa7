"""Matching's periodic jobs: subscriptions collect hourly and send one daily digest."""

from sqlalchemy.orm import Session

from app.core import outbox
from app.matching import subscriptions


@outbox.every(3600, "matching.subscriptions.collect")
def hourly_collect(session: Session) -> None:
    subscriptions.collect(session)


@outbox.every(86400, "matching.subscriptions.digest")
def daily_digest(session: Session) -> None:
    subscriptions.collect(session)
    subscriptions.send_digests(session)
