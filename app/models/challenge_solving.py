"""揭榜挂帅 after publication: applications, the expert panel, scores, award and milestones.

A challenge (``Challenge`` listing) collects applications from solver organisations; one
``ChallengePanel`` per challenge holds the review: its experts (conflicted ones kept with the
reasons they were excluded), their scores, the ranking, the award decision and, once awarded,
the contract's milestones whose acceptance releases the reward tranche by tranche. The
panel's experts and their scores are the generic review's (``app.models.review``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import (
    ApplicationStatus,
    MilestoneStatus,
    PanelStatus,
)

if TYPE_CHECKING:
    from app.models.organization import Organization
    from app.models.review import ReviewMember
    from app.models.user import User


class ChallengeApplication(IDMixin, TimestampMixin, Base):
    """One organisation's proposal (揭榜申请) for a challenge."""

    __tablename__ = "challenge_application"
    __table_args__ = (UniqueConstraint("challenge_id", "org_id"),)

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(120))
    team: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    schedule: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    # The applicant confirmed it meets the challenge's hard requirements (揭榜硬性条件).
    meets_requirements: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # Set when the panel closes: the mean weighted score, the rank and how ties were settled.
    mean_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    rank: Mapped[int | None]
    rank_note: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every edit of the proposal; an edit of an older version is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    org: Mapped[Organization] = relationship(lazy="raise")
    created_by: Mapped[User] = relationship(lazy="raise")


class ChallengePanel(IDMixin, TimestampMixin, Base):
    """The expert review of one challenge and its outcome."""

    __tablename__ = "challenge_panel"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[PanelStatus] = mapped_column(enum_type(PanelStatus), default=PanelStatus.FORMING)
    formed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    scoring_opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    winner_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenge_application.id", ondelete="SET NULL")
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    # The technical contract the award became (a row of the trading domain).
    contract_id: Mapped[int | None]
    # Share of the reward paid at each milestone, in percent: [30, 30, 40].
    tranche_percents: Mapped[list[int]] = mapped_column(JSON, default=list)

    # The experts of the challenge's review (app.reviews: subject "challenge", its id).
    members: Mapped[list[ReviewMember]] = relationship(
        primaryjoin="and_(foreign(ReviewMember.subject_id) == ChallengePanel.challenge_id, "
        "ReviewMember.subject_type == 'challenge')",
        viewonly=True,
        lazy="raise",
        order_by="ReviewMember.id",
    )


class ChallengeMilestone(IDMixin, TimestampMixin, Base):
    """实施 → 中期检查 → 验收: each accepted milestone releases its tranche of the reward."""

    __tablename__ = "challenge_milestone"
    __table_args__ = (UniqueConstraint("panel_id", "seq"),)

    panel_id: Mapped[int] = mapped_column(ForeignKey("challenge_panel.id", ondelete="CASCADE"))
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(30))
    percent: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_type(MilestoneStatus), default=MilestoneStatus.PENDING
    )
    report: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # When the tranche was released for payment (on acceptance).
    released_at: Mapped[datetime | None]
    # The matching milestone of the technical contract, when there is one.
    contract_milestone_id: Mapped[int | None]
