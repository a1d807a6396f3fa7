"""The region's innovation resources (资源整合) and the bookings of shared instruments.

One ``resource`` table holds every directory (labs, instruments, 中试 platforms, incubators,
transfer institutions, voucher service providers): the columns all share, plus the few that
only some kinds fill. Each entry belongs to an organisation and is published after review.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.core.money import MoneyColumn
from app.core.regions import region_name
from app.models._types import enum_type
from app.models.enums import (
    BookingAccess,
    BookingStatus,
    ResourceKind,
    ResourceStatus,
    UsagePayment,
)

if TYPE_CHECKING:
    from app.models.organization import Organization


class Resource(IDMixin, TimestampMixin, Base):
    """One entry of a resource directory."""

    __tablename__ = "resource"
    __table_args__ = (Index("ix_resource_kind_status_region", "kind", "status", "region_code"),)

    kind: Mapped[ResourceKind] = mapped_column(enum_type(ResourceKind))
    status: Mapped[ResourceStatus] = mapped_column(
        enum_type(ResourceStatus), default=ResourceStatus.DRAFT
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    field_code: Mapped[str] = mapped_column(String(40), default="")
    region_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    #: a level or recognition: 国家级 / 省级 / 市级 重点实验室, 国家级孵化器 …
    level: Mapped[str] = mapped_column(String(40), default="")
    #: 中试 services (PilotService) or voucher categories (VoucherCategory), by kind
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: transfer institutions: the 市级备案 number; empty while not filed
    filing_no: Mapped[str] = mapped_column(String(40), default="")
    accepts_vouchers: Mapped[bool] = mapped_column(default=False)
    # Shared instruments only.
    model_no: Mapped[str] = mapped_column(String(80), default="")
    maker: Mapped[str] = mapped_column(String(80), default="")
    parameters: Mapped[str] = mapped_column(Text, default="")
    fee_per_hour: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    booking_access: Mapped[BookingAccess] = mapped_column(
        enum_type(BookingAccess), default=BookingAccess.PUBLIC
    )
    #: opening hours as text (工作日 8:30-17:00)
    availability: Mapped[str] = mapped_column(String(120), default="")
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    org: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)

    @property
    def filed(self) -> bool:
        """A transfer institution filed with the city (市级备案)."""
        return bool(self.filing_no)

    @property
    def org_name(self) -> str:
        return self.org.name

    @property
    def region_name(self) -> str:
        return region_name(self.region_code)

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED


class InstrumentBooking(IDMixin, TimestampMixin, Base):
    """A request to use a shared instrument for a time range, and what came of it.

    No two approved (or used) bookings of one instrument overlap. On PostgreSQL the database
    refuses it (``ex_instrument_booking_no_overlap``: an EXCLUDE constraint over
    ``tstzrange(starts_at, ends_at)``, btree_gist); on SQLite, where writers take the one
    write lock at BEGIN IMMEDIATE, the approval locks the instrument row and checks.
    """

    __tablename__ = "instrument_booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="range_not_empty"),
        Index("ix_instrument_booking_resource_starts", "resource_id", "starts_at"),
    )

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus), default=BookingStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The usage record, once the instrument was used.
    used_hours: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    fee: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    payment: Mapped[UsagePayment] = mapped_column(
        enum_type(UsagePayment), default=UsagePayment.UNPAID
    )
    #: the innovation voucher that pays it, once the service hall links one
    voucher_ref: Mapped[str] = mapped_column(String(40), default="")

    resource: Mapped[Resource] = relationship(lazy="joined", innerjoin=True)
