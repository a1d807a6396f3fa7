"""The home page's figures and latest entries: the same for every visitor, so computed once
per change of the data (app.core.cache)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.core import cache
from app.listings import service as listing_service
from app.listings.schemas import ListingOut
from app.models.enums import ListingKind, OrgType
from app.orgs import service as org_service


@dataclass(frozen=True)
class OrgCard:
    id: int
    name: str
    org_type: OrgType
    region: str
    intro: str


@dataclass(frozen=True)
class FrontPage:
    verified_orgs: int
    users: int
    listing_figures: list[tuple[ListingKind, int]]
    #: The cards show what everybody may read, whoever looks.
    latest_listings: list[ListingOut]
    by_type: dict[OrgType, int]
    latest_orgs: list[OrgCard]


def front_page(session: Session) -> FrontPage:
    """What the home page shows, from the cache while nothing changed."""
    return cache.cached(session, ("home",), lambda: _front_page(session))


def _front_page(session: Session) -> FrontPage:
    published = listing_service.published_counts(session)
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
    )
