"""Matching's background work: subscriptions collect hourly and send one daily digest; the
texts a listing's rankings encode are encoded when it is indexed."""

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.core import outbox
from app.listings import service as listing_service
from app.matching import matcher, subscriptions
from app.search import hybrid
from search.base import SearchDocument

LISTING_TYPES = frozenset({*matcher.SUPPLY_SIDE, *matcher.DEMAND_SIDE})


@hybrid.warms
def encode_listings_ahead(session: Session, documents: Sequence[SearchDocument]) -> None:
    ids = [int(d.id) for d in documents if d.type in LISTING_TYPES]
    if ids:
        matcher.encode_ahead(session, listing_service.by_ids(session, ids))


@outbox.every(3600, "matching.subscriptions.collect")
def hourly_collect(session: Session) -> None:
    subscriptions.collect(session)


@outbox.every(86400, "matching.subscriptions.digest")
def daily_digest(session: Session) -> None:
    subscriptions.collect(session)
    subscriptions.send_digests(session)
