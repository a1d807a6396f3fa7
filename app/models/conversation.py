"""互动交流: conversations between organisations, their messages and read state, blocks,
abuse reports, and the public questions and answers on a listing.

A ``Conversation`` joins two organisations, about a subject (a listing, an event, a deal) or
directly; ``subject_key`` names the pair and the subject once, so a double click opens one
conversation. Read state is kept per person (``ConversationRead``), as the last message id
they have seen, and carries when they were last mailed about the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, utcnow

if TYPE_CHECKING:
    from app.models.organization import Organization
    from app.models.user import User


class Conversation(IDMixin, Base):
    __tablename__ = "conversation"
    __table_args__ = (
        Index("ix_conversation_org_a_last", "org_a_id", "last_message_at"),
        Index("ix_conversation_org_b_last", "org_b_id", "last_message_at"),
    )

    # listing, event, deal or direct; subject_id is None for a direct conversation.
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None]
    # "<type>:<id>:<smaller org id>:<larger org id>": one conversation per pair and subject.
    subject_key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # The two organisations, the smaller id first.
    org_a_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    org_b_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set while an abuse report on it is open: staff may then read the thread.
    reported_at: Mapped[datetime | None]

    org_a: Mapped[Organization] = relationship(lazy="raise", foreign_keys=[org_a_id])
    org_b: Mapped[Organization] = relationship(lazy="raise", foreign_keys=[org_b_id])

    @property
    def org_ids(self) -> tuple[int, int]:
        return (self.org_a_id, self.org_b_id)

    def other_org_id(self, org_id: int | None) -> int:
        return self.org_b_id if org_id == self.org_a_id else self.org_a_id


class ConversationMessage(IDMixin, Base):
    __tablename__ = "conversation_message"
    __table_args__ = (Index("ix_conversation_message_thread", "conversation_id", "id"),)

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    body: Mapped[str] = mapped_column(Text)
    # A listing quoted in the message; pages show only its public part.
    quoted_listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    author: Mapped[User | None] = relationship(lazy="raise")


class ConversationRead(IDMixin, Base):
    """How far one person has read a conversation, and when they were last mailed about it."""

    __tablename__ = "conversation_read"
    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    last_mailed_at: Mapped[datetime | None]


class OrgBlock(IDMixin, Base):
    """An organisation that will take no more messages from another one."""

    __tablename__ = "org_block"
    __table_args__ = (UniqueConstraint("org_id", "blocked_org_id"),)

    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    blocked_org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocked_org: Mapped[Organization] = relationship(lazy="raise", foreign_keys=[blocked_org_id])


class ConversationReport(IDMixin, Base):
    """An abuse report on a conversation, open until staff resolve it."""

    __tablename__ = "conversation_report"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(String(500), default="")


class ListingQuestion(IDMixin, Base):
    """A question on a listing's page; public once the owner answers, unless kept private."""

    __tablename__ = "listing_question"
    __table_args__ = (Index("ix_listing_question_listing_status", "listing_id", "status"),)

    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # pending → answered; hidden by staff moderation at any time.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    # The owner's choice: answered for the asker only, never shown on the listing page.
    is_private: Mapped[bool] = mapped_column(default=False)
    moderation_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    asker: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[asker_id])
