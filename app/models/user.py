from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.models._types import enum_type
from app.models.enums import MembershipStatus, OrgRole, Role

if TYPE_CHECKING:
    from app.models.organization import Organization


class User(IDMixin, TimestampMixin, Base):
    __tablename__ = "user"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.USER)
    # District administrators act for one region; other roles leave it empty.
    region_code: Mapped[str | None] = mapped_column(String(6))
    is_active: Mapped[bool] = mapped_column(default=True)

    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    org_role: Mapped[OrgRole | None] = mapped_column(enum_type(OrgRole))
    membership_status: Mapped[MembershipStatus | None] = mapped_column(enum_type(MembershipStatus))

    last_login_at: Mapped[datetime | None]
    # No longer read: login waits live in ``login_throttle`` and page sessions in
    # ``login_session``. Kept until a migration rebuilds the table without them.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1)
    # Bumped by every edit of the profile (name, phone); logins and counters leave it alone.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    # Loaded with the user: permission checks read the organisation's status on most requests.
    org: Mapped[Organization | None] = relationship(
        back_populates="members", lazy="joined", foreign_keys=[org_id]
    )

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.PLATFORM_ADMIN, Role.DISTRICT_ADMIN)

    @property
    def active_org_id(self) -> int | None:
        """The organisation this user acts for, once the membership is approved."""
        return self.org_id if self.membership_status == MembershipStatus.ACTIVE else None

    @property
    def is_org_admin(self) -> bool:
        return self.active_org_id is not None and self.org_role == OrgRole.ADMIN
