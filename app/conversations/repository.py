"""Every query of 互动交流; who may read a conversation is decided inside the query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.conversations import policy
from app.models import (
    Attachment,
    ChallengeApplication,
    Conversation,
    ConversationMessage,
    ConversationRead,
    ConversationReport,
    ListingQuestion,
    OrgBlock,
    User,
)
from app.models.enums import ApplicationStatus, MembershipStatus, OrgRole, Role


def get(session: Session, conversation_id: int) -> Conversation | None:
    return session.scalar(
        select(Conversation)
        .where(Conversation.id == conversation_id)
        .options(selectinload(Conversation.org_a), selectinload(Conversation.org_b))
    )


def by_key(session: Session, key: str) -> Conversation | None:
    return session.scalar(select(Conversation).where(Conversation.subject_key == key))


def won(session: Session, challenge_id: int, org_id: int) -> bool:
    """Whether the organisation's application (揭榜申请) won the challenge."""
    found = session.scalar(
        select(ChallengeApplication.id).where(
            ChallengeApplication.challenge_id == challenge_id,
            ChallengeApplication.org_id == org_id,
            ChallengeApplication.status == ApplicationStatus.AWARDED,
        )
    )
    return found is not None


def _with_orgs(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(selectinload(Conversation.org_a), selectinload(Conversation.org_b))


def of_org(org_id: int) -> Select[Any]:
    """The organisation's conversations, the most recent activity first."""
    return _with_orgs(
        select(Conversation)
        .where(policy.taken_part_in(org_id))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
    )


def reported_for(user: User) -> Select[Any]:
    """Conversations with an open abuse report that ``user`` (staff) looks after."""
    stmt = select(Conversation).where(policy.reports_handled_by(user))
    return _with_orgs(stmt.order_by(Conversation.reported_at.desc(), Conversation.id.desc()))


def messages(conversation_id: int) -> Select[Any]:
    return (
        select(ConversationMessage)
        .where(ConversationMessage.conversation_id == conversation_id)
        .options(selectinload(ConversationMessage.author))
        .order_by(ConversationMessage.id.desc())
    )


def last_message_id(session: Session, conversation_id: int) -> int:
    return (
        session.scalar(
            select(func.max(ConversationMessage.id)).where(
                ConversationMessage.conversation_id == conversation_id
            )
        )
        or 0
    )


def read_row(session: Session, conversation_id: int, user_id: int) -> ConversationRead | None:
    return session.scalar(
        select(ConversationRead).where(
            ConversationRead.conversation_id == conversation_id,
            ConversationRead.user_id == user_id,
        )
    )


def advance_read(session: Session, conversation_id: int, user_id: int, up_to: int) -> None:
    """Move the read mark forward only: of two marks at once, the further one stays."""
    session.execute(
        update(ConversationRead)
        .where(
            ConversationRead.conversation_id == conversation_id,
            ConversationRead.user_id == user_id,
            ConversationRead.last_read_message_id < up_to,
        )
        .values(last_read_message_id=up_to)
    )


def unread_counts(session: Session, conversation_ids: Sequence[int], user: User) -> dict[int, int]:
    """Messages by others after the person's read mark, per conversation."""
    if not conversation_ids:
        return {}
    mark = (
        select(ConversationRead.conversation_id, ConversationRead.last_read_message_id)
        .where(ConversationRead.user_id == user.id)
        .subquery()
    )
    rows = session.execute(
        select(ConversationMessage.conversation_id, func.count())
        .outerjoin(mark, mark.c.conversation_id == ConversationMessage.conversation_id)
        .where(
            ConversationMessage.conversation_id.in_(conversation_ids),
            or_(ConversationMessage.author_id.is_(None), ConversationMessage.author_id != user.id),
            ConversationMessage.id > func.coalesce(mark.c.last_read_message_id, 0),
        )
        .group_by(ConversationMessage.conversation_id)
    )
    return {conversation_id: count for conversation_id, count in rows}


def sent_since(session: Session, user_id: int, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                ConversationMessage.author_id == user_id, ConversationMessage.created_at >= since
            )
        )
        or 0
    )


def recipients(session: Session, conversation: Conversation, org_id: int) -> list[User]:
    """Who hears about new messages for one side: its administrators and its people who wrote."""
    wrote = select(ConversationMessage.author_id).where(
        ConversationMessage.conversation_id == conversation.id,
        ConversationMessage.org_id == org_id,
    )
    return list(
        session.scalars(
            select(User)
            .where(
                User.org_id == org_id,
                User.membership_status == MembershipStatus.ACTIVE,
                User.is_active.is_(True),
                or_(User.org_role == OrgRole.ADMIN, User.id.in_(wrote)),
            )
            .order_by(User.id)
        )
    )


def platform_admins(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.role == Role.PLATFORM_ADMIN, User.is_active.is_(True))
        )
    )


def block(session: Session, org_id: int, blocked_org_id: int) -> OrgBlock | None:
    return session.scalar(
        select(OrgBlock).where(OrgBlock.org_id == org_id, OrgBlock.blocked_org_id == blocked_org_id)
    )


def blocks_between(session: Session, org_ids: tuple[int, int]) -> list[OrgBlock]:
    a, b = org_ids
    return list(
        session.scalars(
            select(OrgBlock).where(
                or_(
                    and_(OrgBlock.org_id == a, OrgBlock.blocked_org_id == b),
                    and_(OrgBlock.org_id == b, OrgBlock.blocked_org_id == a),
                )
            )
        )
    )


def blocks_of(org_id: int) -> Select[Any]:
    return (
        select(OrgBlock)
        .where(OrgBlock.org_id == org_id)
        .options(selectinload(OrgBlock.blocked_org))
        .order_by(OrgBlock.id.desc())
    )


def open_reports(session: Session, conversation_id: int) -> list[ConversationReport]:
    return list(
        session.scalars(
            select(ConversationReport).where(
                ConversationReport.conversation_id == conversation_id,
                ConversationReport.resolved_at.is_(None),
            )
        )
    )


# --- questions on a listing -------------------------------------------------------------------


def questions(listing_id: int, *, everything: bool, asker_id: int | None) -> Select[Any]:
    """The listing's questions a viewer may read: answered public ones, and their own; the
    owner and staff (``everything``) see all of them."""
    stmt = select(ListingQuestion).where(ListingQuestion.listing_id == listing_id)
    if not everything:
        public = and_(ListingQuestion.status == "answered", ListingQuestion.is_private.is_(False))
        own = (
            and_(ListingQuestion.asker_id == asker_id, ListingQuestion.status != "hidden")
            if asker_id is not None
            else None
        )
        stmt = stmt.where(or_(public, own) if own is not None else public)
    return stmt.order_by(ListingQuestion.id.desc())


def asked_since(session: Session, user_id: int, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                ListingQuestion.asker_id == user_id, ListingQuestion.created_at >= since
            )
        )
        or 0
    )


def attachments(conversation_id: int, owner_type: str) -> Select[Any]:
    """The conversation's documents, newest first."""
    return (
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == conversation_id)
        .order_by(Attachment.id.desc())
    )
