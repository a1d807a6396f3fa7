"""API shapes of the resource directories and instrument bookings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import Field, field_validator, model_validator

from app.core.regions import REGIONS
from app.core.schemas import Schema
from app.models.enums import (
    BookingAccess,
    BookingStatus,
    PilotService,
    ResourceKind,
    ResourceStatus,
    UsagePayment,
    VoucherCategory,
)

MAX_FEE = Decimal("1000000")


class ResourceCreate(Schema):
    kind: ResourceKind
    name: str = Field(min_length=2, max_length=120)
    summary: str = Field(default="", max_length=5000)
    field_code: str = Field(default="", max_length=40)
    region_code: str = Field(min_length=6, max_length=6)
    address: str = Field(default="", max_length=200)
    contact_name: str = Field(default="", max_length=60)
    contact_phone: str = Field(default="", max_length=40)
    level: str = Field(default="", max_length=40)
    services: list[str] = Field(default_factory=list, max_length=10)
    filing_no: str = Field(default="", max_length=40)
    accepts_vouchers: bool = False
    model_no: str = Field(default="", max_length=80)
    maker: str = Field(default="", max_length=80)
    parameters: str = Field(default="", max_length=5000)
    fee_per_hour: Decimal | None = Field(default=None, ge=0, le=MAX_FEE, decimal_places=2)
    booking_access: BookingAccess = BookingAccess.PUBLIC
    availability: str = Field(default="", max_length=120)

    @field_validator("region_code")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in REGIONS:
            raise ValueError("未知的行政区划代码")
        return value

    @model_validator(mode="after")
    def _services_of_kind(self) -> ResourceCreate:
        allowed: type[PilotService] | type[VoucherCategory] | None = None
        if self.kind == ResourceKind.PILOT_PLATFORM:
            allowed = PilotService
        elif self.kind == ResourceKind.SERVICE_PROVIDER:
            allowed = VoucherCategory
        if allowed is None:
            if self.services:
                raise ValueError("只有中试平台和创新券服务机构填写服务类别")
            return self
        codes = []
        for value in self.services:
            member = allowed.from_code(value) or allowed._missing_(value)
            if member is None:
                names = "、".join(m.label for m in allowed)
                raise ValueError(f"服务类别“{value}”无效，可选：{names}")
            codes.append(member.value)
        self.services = list(dict.fromkeys(codes))
        if self.kind == ResourceKind.SERVICE_PROVIDER:
            self.accepts_vouchers = True
        return self


class ResourceReview(Schema):
    note: str = Field(default="", max_length=500)


class ResourceOut(Schema):
    id: int
    kind: ResourceKind
    status: ResourceStatus
    org_id: int
    org_name: str
    name: str
    summary: str
    field_code: str
    region_code: str
    region_name: str
    address: str
    contact_name: str
    contact_phone: str
    level: str
    services: list[str]
    filing_no: str
    filed: bool
    accepts_vouchers: bool
    model_no: str
    maker: str
    parameters: str
    fee_per_hour: Decimal | None
    booking_access: BookingAccess
    availability: str
    review_note: str
    published_at: datetime | None


class BookingCreate(Schema):
    starts_at: datetime
    ends_at: datetime
    purpose: str = Field(min_length=2, max_length=1000)

    @model_validator(mode="after")
    def _range(self) -> BookingCreate:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("预约时间需带时区，例如 2027-01-05T09:00:00+08:00")
        if self.ends_at <= self.starts_at:
            raise ValueError("结束时间应晚于开始时间")
        # Stored in UTC: SQLite keeps no offset, so a local time would be read back as UTC.
        self.starts_at = self.starts_at.astimezone(UTC)
        self.ends_at = self.ends_at.astimezone(UTC)
        return self


class BookingDecision(Schema):
    note: str = Field(default="", max_length=500)


class UsageRecord(Schema):
    used_hours: Decimal = Field(gt=0, le=Decimal("1000"), decimal_places=2)
    payment: UsagePayment = UsagePayment.UNPAID
    voucher_ref: str = Field(default="", max_length=40)


class BookingOut(Schema):
    id: int
    resource_id: int
    requester_id: int
    org_id: int | None
    starts_at: datetime
    ends_at: datetime
    purpose: str
    status: BookingStatus
    decision_note: str
    used_hours: Decimal | None
    fee: Decimal | None
    payment: UsagePayment
    voucher_ref: str
