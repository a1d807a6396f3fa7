"""Abuse reports on conversations and organisations blocking one another.

A participant reports a conversation: staff may then read it (never write in it) until they
resolve the reports. An organisation's administrator blocks another organisation: it can
then neither open conversations with it nor write in the ones they share.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.conversations import notices, repository
from app.conversations.schemas import BlockOut
from app.conversations.service import link, member, participate
from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, signed_in
from app.core.races import lost_race
from app.models import Conversation, ConversationReport, Organization, OrgBlock, User
from app.notifications import service as notifications


def report(
    session: Session, actor: Actor, conversation: Conversation, reason: str
) -> ConversationReport:
    """A participant reports abuse: staff may read the thread until they resolve it."""
    user = participate(actor, conversation)
    lock_row(conversation)
    row = ConversationReport(conversation_id=conversation.id, reporter_id=user.id, reason=reason)
    session.add(row)
    if conversation.reported_at is None:
        conversation.reported_at = utcnow()
    audit.record(
        session,
        actor,
        "conversation.report",
        conversation,
        summary=f"举报会话“{conversation.title}”",
        after={"reason": reason},
    )
    for admin in repository.platform_admins(session):
        notifications.send(
            session,
            admin,
            notices.REPORTED,
            link=link(conversation),
            title=conversation.title,
            reason=reason[:200],
        )
    return row


def resolve_reports(
    session: Session, actor: Actor, conversation: Conversation, resolution: str
) -> Conversation:
    """Staff close the open reports; the thread is then private to its two sides again."""
    user = signed_in(actor.user)
    authorize(user, Action.CONVERSATION_HANDLE_REPORT, conversation)
    lock_row(conversation)
    if conversation.reported_at is None:
        raise Conflict("该会话的举报已处理")
    now = utcnow()
    for row in repository.open_reports(session, conversation.id):
        row.resolved_at = now
        row.resolved_by_id = user.id
        row.resolution = resolution
    conversation.reported_at = None
    audit.record(
        session,
        actor,
        "conversation.resolve",
        conversation,
        summary=f"处理会话“{conversation.title}”的举报",
        after={"resolution": resolution},
    )
    return conversation


def _org_admin(actor: Actor) -> tuple[User, int]:
    user, org_id = member(actor)
    if not user.is_org_admin:
        raise PermissionDenied("仅本机构管理员可以屏蔽或解除屏蔽其他机构")
    return user, org_id


def block(session: Session, actor: Actor, blocked_org_id: int) -> OrgBlock:
    """The organisation takes no more messages from ``blocked_org_id``."""
    user, org_id = _org_admin(actor)
    other = session.get(Organization, blocked_org_id)
    if other is None:
        raise NotFound("该机构不存在")
    if other.id == org_id:
        raise Conflict("不能屏蔽本机构")
    if repository.block(session, org_id, other.id) is not None:
        raise Conflict("已屏蔽该机构")
    row = OrgBlock(org_id=org_id, blocked_org_id=other.id, blocked_by_id=user.id)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise lost_race(exc, "org_block") from None
    audit.record(
        session,
        actor,
        "org.block",
        row,
        summary=f"屏蔽机构“{other.name}”",
        after={"org_id": other.id},
    )
    return row


def unblock(session: Session, actor: Actor, blocked_org_id: int) -> None:
    _, org_id = _org_admin(actor)
    row = repository.block(session, org_id, blocked_org_id)
    if row is None:
        raise NotFound("未屏蔽该机构")
    lock_row(row)
    audit.record(
        session,
        actor,
        "org.unblock",
        row,
        summary="解除屏蔽机构",
        before={"org_id": blocked_org_id},
    )
    session.delete(row)
    session.flush()


def blocks(session: Session, actor: Actor, pagination: Pagination) -> Paged:
    _, org_id = member(actor)
    page = paginate(session, repository.blocks_of(org_id), pagination)
    items = [
        BlockOut(org_id=b.blocked_org_id, org_name=b.blocked_org.name, created_at=b.created_at)
        for b in page.items
    ]
    return Paged(items=items, total=page.total, page=page.page, size=page.size)
