"""Patent records and the novelty check (专利查新).

A ``Patent`` holds the fields of a standard patent export; its claims are split into
``PatentClaim`` rows so a search hit can name the claim that matched. ``PatentAchievement``
links a patent to the achievement that cites it. A ``NoveltyCommission`` is one 查新委托 with
its numbered ``NoveltyPoint`` rows; each point keeps the retrieved documents, the searcher's
relevance marks and the drafted conclusion. ``NoveltyReportCounter`` hands out the gapless
serial of the 14-digit 报告编号.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin
from app.models._types import enum_type
from app.models.enums import NoveltyPurpose, NoveltyStatus, PatentLegalStatus


class Patent(IDMixin, TimestampMixin, Base):
    __tablename__ = "patent"

    application_no: Mapped[str] = mapped_column(String(32), unique=True)
    publication_no: Mapped[str] = mapped_column(String(32), default="", index=True)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    claims_text: Mapped[str] = mapped_column(Text, default="")
    ipc_main: Mapped[str] = mapped_column(String(32), default="", index=True)
    ipc_codes: Mapped[str] = mapped_column(String(500), default="")
    applicants: Mapped[str] = mapped_column(String(500), default="")
    inventors: Mapped[str] = mapped_column(String(500), default="")
    application_date: Mapped[date | None] = mapped_column(Date, index=True)
    publication_date: Mapped[date | None] = mapped_column(Date)
    legal_status: Mapped[PatentLegalStatus] = mapped_column(
        enum_type(PatentLegalStatus), default=PatentLegalStatus.PENDING
    )
    citations: Mapped[str] = mapped_column(Text, default="")
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )

    claims: Mapped[list[PatentClaim]] = relationship(
        back_populates="patent",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="PatentClaim.number",
    )


class PatentClaim(IDMixin, Base):
    __tablename__ = "patent_claim"
    __table_args__ = (UniqueConstraint("patent_id", "number"),)

    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    independent: Mapped[bool] = mapped_column(default=True)

    patent: Mapped[Patent] = relationship(back_populates="claims", lazy="raise")


class PatentVector(Base):
    """A unit embedding of a patent part (claim 0 = title and abstract), per encoder."""

    __tablename__ = "patent_vector"

    patent_id: Mapped[int] = mapped_column(
        ForeignKey("patent.id", ondelete="CASCADE"), primary_key=True
    )
    claim_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Literature(IDMixin, TimestampMixin, Base):
    """A paper (论文) the novelty check retrieves beside patents; ``ref_no`` is its key."""

    __tablename__ = "literature"

    ref_no: Mapped[str] = mapped_column(String(64), unique=True)  # DOI or the agency's own
    title: Mapped[str] = mapped_column(String(300))
    authors: Mapped[str] = mapped_column(String(500), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    abstract: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")


class LiteratureVector(Base):
    """The unit embedding of a paper's title, abstract and keywords, per encoder."""

    __tablename__ = "literature_vector"

    literature_id: Mapped[int] = mapped_column(
        ForeignKey("literature.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class PatentAchievement(Base):
    __tablename__ = "patent_achievement"

    patent_id: Mapped[int] = mapped_column(
        ForeignKey("patent.id", ondelete="CASCADE"), primary_key=True
    )
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True
    )


class NoveltyCommission(IDMixin, TimestampMixin, Base):
    __tablename__ = "novelty_commission"

    project_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[NoveltyPurpose] = mapped_column(enum_type(NoveltyPurpose))
    tech_points: Mapped[str] = mapped_column(Text)
    requirements: Mapped[str] = mapped_column(Text, default="")
    commission_date: Mapped[date] = mapped_column(Date)
    status: Mapped[NoveltyStatus] = mapped_column(
        enum_type(NoveltyStatus), default=NoveltyStatus.COMMISSIONED
    )
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    requester_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    searcher_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    overall_conclusion: Mapped[str] = mapped_column(Text, default="")
    strategy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    conflicting: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_note: Mapped[str] = mapped_column(Text, default="")
    report_no: Mapped[str | None] = mapped_column(String(14), unique=True)
    issued_at: Mapped[datetime | None] = mapped_column()

    points: Mapped[list[NoveltyPoint]] = relationship(
        back_populates="commission",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="NoveltyPoint.number",
    )


class NoveltyPoint(IDMixin, Base):
    __tablename__ = "novelty_point"
    __table_args__ = (UniqueConstraint("commission_id", "number"),)

    commission_id: Mapped[int] = mapped_column(
        ForeignKey("novelty_commission.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    feedback: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    conclusion: Mapped[str] = mapped_column(Text, default="")

    commission: Mapped[NoveltyCommission] = relationship(back_populates="points", lazy="raise")


class NoveltyReportCounter(Base):
    """The last report serial per year, region and agency; bumped in the issuing transaction."""

    __tablename__ = "novelty_report_counter"

    year: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(4), primary_key=True)
    agency: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
