"""Subscriptions: new published listings that match arrive in one daily notification (and mail)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import utcnow
from app.matching import subscriptions
from app.models import Notification, OutboxMessage
from app.models.enums import ListingKind, ListingStatus
from tests.factories.listings import make_listing
from tests.matching.conftest import Market


def _publish_later(session: Session, market: Market, **fields: object) -> None:
    listing = make_listing(session, market.university, market.scholar, **fields)
    listing.published_at = utcnow() + timedelta(minutes=5)
    session.flush()


class TestDigest:
    def test_query_and_profile_subscriptions_get_one_batched_notification(
        self, session: Session, market: Market
    ) -> None:
        actor = Actor(market.buyer)
        by_query = subscriptions.create(
            session, actor, query="激光焊接 铝合金", kinds=["achievement"]
        )
        by_profile = subscriptions.create(session, actor, listing_id=market.demand.id)
        by_field = subscriptions.create(session, actor, field_code="F04", name="生物领域")
        _publish_later(
            session,
            market,
            title="铝合金薄板激光焊接变形预测软件",
            summary="预测铝合金电池托盘激光焊接变形并给出工艺补偿方案。",
            keywords=["激光焊接", "铝合金", "焊接变形"],
        )
        _publish_later(
            session,
            market,
            title="玉米秸秆青贮发酵菌剂",
            summary="提高青贮饲料品质的复合菌剂。",
            keywords=["青贮"],
            field_code="F0403",
        )
        _publish_later(
            session,
            market,
            status=ListingStatus.DRAFT,
            title="激光焊接铝合金草稿",
            keywords=["激光焊接", "铝合金"],
        )
        added = subscriptions.collect(session, utcnow() + timedelta(minutes=10))
        assert added == 3
        hits = {
            sub.id: [h.listing_id for h, _ in subscriptions.hits(session, actor, sub)]
            for sub in (by_query, by_profile, by_field)
        }
        assert (
            len(hits[by_query.id]) == 1
            and len(hits[by_profile.id]) == 1
            and len(hits[by_field.id]) == 1
        )
        # nothing new: collecting again adds nothing
        assert subscriptions.collect(session, utcnow() + timedelta(minutes=11)) == 0

        assert subscriptions.send_digests(session) == 1
        note = session.scalars(
            select(Notification).where(
                Notification.user_id == market.buyer.id, Notification.topic == "match.subscription"
            )
        ).one()
        assert note.title == "您订阅的内容有3项新发布"
        assert "铝合金薄板激光焊接变形预测软件" in note.body and "玉米秸秆青贮发酵菌剂" in note.body
        mails = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "mail.send")
        ).all()
        assert any(market.buyer.email in str(m.payload) for m in mails)
        assert subscriptions.send_digests(session) == 0

    def test_own_listings_and_other_kinds_are_not_reported(
        self, session: Session, market: Market
    ) -> None:
        subscriptions.create(
            session, Actor(market.scholar), query="激光焊接", kinds=["achievement"]
        )
        _publish_later(session, market, title="激光焊接新工艺", keywords=["激光焊接"])
        demand = make_listing(
            session,
            market.enterprise,
            market.buyer,
            kind=ListingKind.DEMAND,
            title="激光焊接需求",
            keywords=["激光焊接"],
        )
        demand.published_at = utcnow() + timedelta(minutes=5)
        session.flush()
        assert subscriptions.collect(session, utcnow() + timedelta(minutes=10)) == 0
