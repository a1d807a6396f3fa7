"""Expert review over any subject: the panel's members and their scores.

A review is identified by ``(subject_type, subject_id)``: a challenge (``"challenge"``, its
id), a programme call, a service-hall kind. Its members are experts, eligible or excluded with
the conflicts of interest found; its scores are one row per expert and scored entry (an
application of that subject), criterion by criterion. The lifecycle around the review (when
scoring opens and closes, what the outcome is) belongs to the domain that owns the subject.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.models._types import enum_type
from app.models.enums import PanelMemberStatus

if TYPE_CHECKING:
    from app.models.user import User


class ReviewMember(IDMixin, Base):
    """An expert proposed for a review: eligible, or excluded with the conflicts found."""

    __tablename__ = "review_member"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "expert_id"),)

    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    expert_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[PanelMemberStatus] = mapped_column(enum_type(PanelMemberStatus))
    # Chinese sentences, one per conflict of interest found.
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)

    expert: Mapped[User] = relationship(lazy="raise")


class ReviewScore(IDMixin, TimestampMixin, Base):
    """One expert's scores for one entry (an application) of a review, criterion by criterion."""

    __tablename__ = "review_score"
    __table_args__ = (
        UniqueConstraint("subject_type", "entry_id", "expert_id"),
        Index("ix_review_score_subject", "subject_type", "subject_id"),
    )

    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    # What was scored, within the subject: an application's id.
    entry_id: Mapped[int] = mapped_column(index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # [{"name": "技术先进性", "weight": 60, "score": 85, "comment": "..."}, ...]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Σ score × weight / 100: exact with whole scores and whole weights.
    total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
