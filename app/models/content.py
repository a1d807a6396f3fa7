"""信息发布: articles of every kind (news, policies, notices, calls, success stories), their
versions, and the numbered clauses of a policy document that the rest of the platform cites."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.models._types import enum_type
from app.models.enums import ContentKind, ContentStatus

if TYPE_CHECKING:
    from app.models.user import User


class ContentItem(IDMixin, TimestampMixin, Base):
    """One article; ``body_html`` is stored sanitised (app/content/sanitize.py)."""

    __tablename__ = "content_item"
    __table_args__ = (
        Index("ix_content_item_listing", "kind", "status", "pinned", "published_at"),
        UniqueConstraint("slug"),
    )

    kind: Mapped[ContentKind] = mapped_column(enum_type(ContentKind))
    status: Mapped[ContentStatus] = mapped_column(
        enum_type(ContentStatus), default=ContentStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: a stable name for documents other records point at (the seed policy: "policy-2026")
    slug: Mapped[str | None] = mapped_column(String(60))
    #: who issues it (发布单位), e.g. 长春市科学技术局
    issuer: Mapped[str] = mapped_column(String(120), default="")
    #: 发文字号 of a policy or notice
    doc_number: Mapped[str] = mapped_column(String(60), default="")
    region_code: Mapped[str | None] = mapped_column(String(6))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    pinned: Mapped[bool] = mapped_column(default=False)
    cover_attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL")
    )
    #: 申报指南: the application window
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    #: 成果发布: the listing and the registered contract the story tells about
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="SET NULL"))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("tech_contract.id", ondelete="SET NULL")
    )
    #: when approved content goes on view (None: at once) and when it comes off (None: never)
    publish_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    review_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")
    clauses: Mapped[list[PolicyClause]] = relationship(
        back_populates="item",
        lazy="raise",
        order_by="PolicyClause.number",
        cascade="all, delete-orphan",
    )


class ContentVersion(IDMixin, Base):
    """The article as it was after one change, for its history."""

    __tablename__ = "content_version"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("content_item.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(200), default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PolicyClause(IDMixin, Base):
    """One numbered item of a policy document, addressable as ``/policies/{id}#item-{number}``."""

    __tablename__ = "policy_clause"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("content_item.id", ondelete="CASCADE"))
    number: Mapped[int]
    #: the chapter it stands in, e.g. 五、加大科技成果转化奖补力度
    chapter: Mapped[str] = mapped_column(String(120), default="")
    #: the item's first sentence, e.g. 鼓励科技成果输出单位
    heading: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)

    item: Mapped[ContentItem] = relationship(back_populates="clauses", lazy="raise")
