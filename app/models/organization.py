from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.core.regions import region_name
from app.models._types import enum_type
from app.models.enums import OrgStatus, OrgTagKind, OrgType

if TYPE_CHECKING:
    from app.models.user import User


class Organization(IDMixin, TimestampMixin, Base):
    __tablename__ = "organization"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    org_type: Mapped[OrgType] = mapped_column(enum_type(OrgType))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[OrgStatus] = mapped_column(
        enum_type(OrgStatus), default=OrgStatus.PENDING, index=True
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None]
    # Bumped by every edit of the profile; an edit of an older version is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    tags: Mapped[list[OrgTag]] = relationship(
        back_populates="org", lazy="raise", cascade="all, delete-orphan", order_by="OrgTag.id"
    )
    members: Mapped[list[User]] = relationship(
        back_populates="org", lazy="raise", foreign_keys="User.org_id"
    )

    @property
    def is_verified(self) -> bool:
        return self.status == OrgStatus.VERIFIED

    @property
    def region(self) -> str:
        return region_name(self.region_code)


class OrgTag(IDMixin, TimestampMixin, Base):
    """A recognition such as 高新技术企业, with its certificate."""

    __tablename__ = "org_tag"
    __table_args__ = (UniqueConstraint("org_id", "kind"),)

    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    kind: Mapped[OrgTagKind] = mapped_column(enum_type(OrgTagKind))
    certificate_no: Mapped[str] = mapped_column(String(60), default="")
    certified_on: Mapped[date | None]
    expires_on: Mapped[date | None]

    org: Mapped[Organization] = relationship(back_populates="tags", lazy="raise")

    @property
    def label(self) -> str:
        return self.kind.label
