"""The home page's figures and latest entries: the same for every visitor, so computed once
per change of the data (app.core.cache) and per day (open calls close at midnight); events
that end drop out within the cache's minute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.content import service as content_service
from app.core import cache
from app.core.clock import today
from app.events import service as event_service
from app.listings import service as listing_service
from app.listings.schemas import ListingOut
from app.models import Challenge, ContentItem
from app.models.enums import ContentKind, EventKind, EventStatus, ListingKind, OrgType
from app.orgs import service as org_service
from app.trading import service as trading_service


@dataclass(frozen=True)
class OrgCard:
    id: int
    name: str
    org_type: OrgType
    region: str
    intro: str


@dataclass(frozen=True)
class ChallengeCard:
    id: int
    title: str
    org_name: str
    reward: Decimal | None
    application_deadline: date


@dataclass(frozen=True)
class EventCard:
    id: int
    title: str
    kind: EventKind
    status: EventStatus
    starts_at: datetime
    venue: str
    region_code: str


@dataclass(frozen=True)
class ArticleCard:
    id: int
    title: str
    url: str
    published_at: datetime | None
    pinned: bool
    closes_on: date | None


@dataclass(frozen=True)
class FrontPage:
    verified_orgs: int
    users: int
    listing_figures: list[tuple[ListingKind, int]]
    #: The cards show what everybody may read, whoever looks.
    latest_listings: list[ListingOut]
    by_type: dict[OrgType, int]
    latest_orgs: list[OrgCard]
    featured_achievements: list[ListingOut]
    featured_demands: list[ListingOut]
    open_challenges: list[ChallengeCard]
    upcoming_events: list[EventCard]
    news: list[ArticleCard]
    notices: list[ArticleCard]
    open_calls: list[ArticleCard]
    #: (year, registered contracts, their total amount)
    contract_year: tuple[int, int, Decimal]


def front_page(session: Session) -> FrontPage:
    """What the home page shows, from the cache while nothing changed."""
    return cache.cached(session, ("home", today()), lambda: _front_page(session))


def _cards(items: list[ContentItem]) -> list[ArticleCard]:
    return [
        ArticleCard(i.id, i.title, content_service.url(i), i.published_at, i.pinned, i.closes_on)
        for i in items
    ]


def _front_page(session: Session) -> FrontPage:
    published = listing_service.published_counts(session)
    year = today().year
    contracts, amount = trading_service.registered_total(session, year)
    return FrontPage(
        verified_orgs=org_service.key_figures(session)["orgs_verified"],
        users=account_service.count(session),
        listing_figures=[(kind, published.get(kind, 0)) for kind in ListingKind],
        latest_listings=listing_service.views(
            session, listing_service.latest_published(session), None
        ),
        by_type=org_service.verified_by_type(session),
        latest_orgs=[
            OrgCard(org.id, org.name, org.org_type, org.region, org.intro)
            for org in org_service.latest(session)
        ],
        featured_achievements=_latest(session, ListingKind.ACHIEVEMENT),
        featured_demands=_latest(session, ListingKind.DEMAND),
        open_challenges=[
            ChallengeCard(c.id, c.title, c.org.name, c.reward, c.application_deadline)
            for c in listing_service.open_challenges(session)
            if isinstance(c, Challenge)
        ],
        upcoming_events=[
            EventCard(e.id, e.title, e.kind, e.status, e.starts_at, e.venue, e.region_code)
            for e in event_service.upcoming(session)
        ],
        news=_cards(content_service.latest(session, ContentKind.NEWS, 5)),
        notices=_cards(content_service.latest(session, ContentKind.NOTICE, 5)),
        open_calls=_cards(content_service.open_calls(session, 4)),
        contract_year=(year, contracts, amount),
    )


def _latest(session: Session, kind: ListingKind) -> list[ListingOut]:
    return listing_service.views(session, listing_service.latest_published(session, 3, kind), None)
