"""Deals under many clients at once: one deal per double click, one answer per offer."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.core.audit import Actor
from app.core.db import session_scope
from app.models import AuditEvent, Deal, DealOffer
from app.models.enums import OfferStatus, OrgRole, OrgType
from app.trading import deals
from app.trading.schemas import DealOpen, OfferCreate
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.races.conftest import RaceServer, statuses


def _parties(server: RaceServer) -> tuple[int, str, str, int, int]:
    """A published achievement, its owner's and an enterprise's tokens, a deal and its offer."""
    with session_scope(server.factory) as s:
        university = make_org(s, org_type=OrgType.UNIVERSITY)
        owner = make_user(s, org=university, org_role=OrgRole.ADMIN, name="成果方")
        enterprise = make_org(s, org_type=OrgType.ENTERPRISE)
        buyer = make_user(s, org=enterprise, org_role=OrgRole.ADMIN, name="需求方")
        listing = make_listing(s, university, owner)
        other = make_listing(s, university, owner, title="另一项成果")
        deal = deals.open_deal(
            s, Actor(user=buyer), DealOpen(listing_id=other.id, message="希望进一步洽谈")
        )
        offer = deals.make_offer(
            s, Actor(user=buyer), deal, OfferCreate(price=Decimal("500000"), terms="")
        )
        return listing.id, server.token(s, owner), server.token(s, buyer), deal.id, offer.id


def test_a_double_clicked_inquiry_opens_one_deal(race_server: RaceServer) -> None:
    listing_id, _owner, buyer, _deal, _offer = _parties(race_server)
    body = {"listing_id": listing_id, "message": "我们对该成果很感兴趣"}

    responses = race_server.at_once([(buyer, "POST", "/api/v1/deals", body)] * 5)

    assert statuses(responses) == [201] + [409] * 4, [r.text for r in responses]
    with race_server.factory() as s:
        assert s.scalar(select(func.count()).where(Deal.listing_id == listing_id)) == 1


def test_an_offer_answered_by_several_clicks_at_once_is_answered_once(
    race_server: RaceServer,
) -> None:
    _listing, owner, _buyer, deal_id, offer_id = _parties(race_server)
    base = f"/api/v1/deals/{deal_id}/offers/{offer_id}"

    responses = race_server.at_once(
        [(owner, "POST", f"{base}/accept", None)] * 3
        + [(owner, "POST", f"{base}/reject", None)] * 3
    )

    assert statuses(responses).count(200) == 1, [r.text for r in responses]
    assert set(statuses(responses)) == {200, 409}
    with race_server.factory() as s:
        offer = s.get(DealOffer, offer_id)
        assert offer is not None and offer.status in (OfferStatus.ACCEPTED, OfferStatus.REJECTED)
        answers = s.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "deal",
                AuditEvent.object_id == str(deal_id),
                AuditEvent.action.in_(["deal.accept", "deal.reject"]),
            )
        )
        assert answers == 1
