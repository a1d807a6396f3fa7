"""The catalogue: achievements, demands and challenges share one ``listing`` row.

Joined-table inheritance: common fields, lifecycle, disclosure and history hang off
``listing``; each kind adds its own table. Versions, favourites, contact views and access
grants reference ``listing.id`` whatever the kind.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import (
    AccessStatus,
    ListingKind,
    ListingStatus,
    MaturityStage,
)

if TYPE_CHECKING:
    from app.models.organization import Organization
    from app.models.user import User


class Listing(IDMixin, TimestampMixin, Base):
    __tablename__ = "listing"
    __table_args__ = (
        UniqueConstraint("org_id", "kind", "external_id"),
        Index("ix_listing_kind_status", "kind", "status"),
    )

    kind: Mapped[ListingKind] = mapped_column(enum_type(ListingKind))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    field_code: Mapped[str | None] = mapped_column(String(30), index=True)
    # Set when the field was suggested from the text (bulk import) and awaits the owner.
    field_suggested: Mapped[bool] = mapped_column(default=False)
    industry_code: Mapped[str | None] = mapped_column(String(30))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_code: Mapped[str] = mapped_column(String(6))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # Names of the sections the owner keeps back until it grants access.
    confidential: Mapped[list[str]] = mapped_column(JSON, default=list)
    external_id: Mapped[str | None] = mapped_column(String(64))

    status: Mapped[ListingStatus] = mapped_column(
        enum_type(ListingStatus), default=ListingStatus.DRAFT
    )
    return_reason_code: Mapped[str | None] = mapped_column(String(30))
    return_reason_text: Mapped[str] = mapped_column(Text, default="")
    # How it ended: the reason it was closed, or, for an awarded challenge, the winner.
    close_reason: Mapped[str] = mapped_column(String(300), default="")
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    expires_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    org: Mapped[Organization] = relationship(lazy="raise")
    owner: Mapped[User] = relationship(lazy="raise")

    __mapper_args__ = {"polymorphic_on": "kind"}  # noqa: RUF012


class Achievement(Listing):
    __tablename__ = "achievement"

    id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True)
    trl: Mapped[int | None]
    maturity: Mapped[MaturityStage | None] = mapped_column(enum_type(MaturityStage))
    pilot_status: Mapped[str] = mapped_column(String(200), default="")
    ip_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    transfer_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    price: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    inventors: Mapped[list[str]] = mapped_column(JSON, default=list)
    advantages: Mapped[str] = mapped_column(Text, default="")
    economic_benefit: Mapped[str] = mapped_column(Text, default="")
    application_scenarios: Mapped[str] = mapped_column(Text, default="")

    __mapper_args__ = {"polymorphic_identity": ListingKind.ACHIEVEMENT}  # noqa: RUF012


class Demand(Listing):
    __tablename__ = "demand"

    id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[str] = mapped_column(Text, default="")
    budget_min: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    budget_max: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    deadline: Mapped[date | None]
    cooperation_modes: Mapped[list[str]] = mapped_column(JSON, default=list)

    __mapper_args__ = {"polymorphic_identity": ListingKind.DEMAND}  # noqa: RUF012


class Challenge(Listing):
    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[str] = mapped_column(Text, default="")
    reward: Mapped[Decimal] = mapped_column(MoneyColumn())
    requirements: Mapped[str] = mapped_column(Text, default="")
    application_deadline: Mapped[date]
    # [{"name": "技术方案先进性", "weight": 40}, ...]; weights add up to 100.
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    __mapper_args__ = {"polymorphic_identity": ListingKind.CHALLENGE}  # noqa: RUF012


class ListingVersion(IDMixin, Base):
    """The listing as it was after each change, for its history."""

    __tablename__ = "listing_version"
    __table_args__ = (UniqueConstraint("listing_id", "version"),)

    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Favourite(Base):
    __tablename__ = "favourite"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactView(IDMixin, Base):
    """Who saw a listing's contact details, and when (shown to the owner)."""

    __tablename__ = "contact_view"

    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    viewer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    viewer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    viewer: Mapped[User] = relationship(lazy="raise")
    viewer_org: Mapped[Organization | None] = relationship(lazy="raise")


class ConfidentialAccess(IDMixin, TimestampMixin, Base):
    """An organisation's request to see a listing's confidential sections, and the answer."""

    __tablename__ = "confidential_access"
    __table_args__ = (UniqueConstraint("listing_id", "org_id"),)

    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    message: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[AccessStatus] = mapped_column(
        enum_type(AccessStatus), default=AccessStatus.REQUESTED
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]

    org: Mapped[Organization] = relationship(lazy="raise")
