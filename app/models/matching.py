"""Matching: expert profiles, relevance feedback, saved subscriptions and the broker pipeline."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.models._types import enum_type
from app.models.enums import PipelineStage, ResourceStatus

if TYPE_CHECKING:
    from app.models.listing import Listing
    from app.models.organization import Organization
    from app.models.user import User


class ExpertProfile(IDMixin, TimestampMixin, Base):
    """What an expert knows, so demands and challenges can be matched to them."""

    __tablename__ = "expert_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(60), default="")
    institution: Mapped[str] = mapped_column(String(120), default="")
    field_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str | None] = mapped_column(String(6))
    # Bumped by every save; a save of an older version is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The directory entry (/experts): kept by the expert for their organisation, shown once
    # reviewed (RESOURCE_FLOW's states, app/matching/experts.py). Profiles from before review
    # existed were public already, hence the server default.
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ResourceStatus] = mapped_column(
        enum_type(ResourceStatus), default=ResourceStatus.PENDING, server_default="published"
    )
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])
    org: Mapped[Organization | None] = relationship(lazy="joined")

    @property
    def owner_id(self) -> int:
        return self.user_id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def org_name(self) -> str | None:
        return self.org.name if self.org else None

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED


class MatchFeedback(IDMixin, TimestampMixin, Base):
    """One person's judgement of one match of a listing; the latest judgement counts."""

    __tablename__ = "match_feedback"
    __table_args__ = (
        UniqueConstraint("listing_id", "target_kind", "target_id", "user_id"),
        Index("ix_match_feedback_listing", "listing_id"),
    )

    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    relevant: Mapped[bool]
    reason_code: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(300), default="")
    # The match as it was shown, for evaluating the ranker later.
    score: Mapped[float | None]
    rank: Mapped[int | None]


class Subscription(IDMixin, TimestampMixin, Base):
    """A saved query (with filters) or a listing's profile; new matching listings are reported."""

    __tablename__ = "match_subscription"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(String(200), default="")
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    field_code: Mapped[str | None] = mapped_column(String(30))
    region_code: Mapped[str | None] = mapped_column(String(6))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    min_score: Mapped[float] = mapped_column(default=0.0)
    active: Mapped[bool] = mapped_column(default=True)
    # Listings published after this moment are news to the subscriber.
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

    listing: Mapped[Listing | None] = relationship(lazy="raise")


class SubscriptionHit(IDMixin, Base):
    """A new listing that matched a subscription, waiting for (or sent in) the daily digest."""

    __tablename__ = "match_subscription_hit"
    __table_args__ = (UniqueConstraint("subscription_id", "listing_id"),)

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("match_subscription.id", ondelete="CASCADE"), index=True
    )
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(index=True)


class MatchPipeline(IDMixin, TimestampMixin, Base):
    """A supply–demand pair on its way to a contract: 推荐 → 双方确认 → 洽谈 → 签约 (or 关闭).

    ``broker_id`` is the broker who introduced the pair; it decides the broker reward.
    """

    __tablename__ = "match_pipeline"
    __table_args__ = (UniqueConstraint("demand_listing_id", "supply_listing_id"),)

    demand_listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    supply_listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    demand_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    supply_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    stage: Mapped[PipelineStage] = mapped_column(
        enum_type(PipelineStage), default=PipelineStage.PROPOSED
    )
    # How the pair entered the pipeline: broker, event, contract …
    source: Mapped[str] = mapped_column(String(30), default="broker")
    score: Mapped[float | None]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    demand_confirmed_at: Mapped[datetime | None]
    supply_confirmed_at: Mapped[datetime | None]
    close_reason: Mapped[str] = mapped_column(String(300), default="")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    demand: Mapped[Listing] = relationship(lazy="raise", foreign_keys=[demand_listing_id])
    supply: Mapped[Listing] = relationship(lazy="raise", foreign_keys=[supply_listing_id])
    broker: Mapped[User | None] = relationship(lazy="raise")
