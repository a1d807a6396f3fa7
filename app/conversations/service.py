"""Conversations between organisations: open, write, read, attach, block and report.

Members of the two organisations read and write; staff read a conversation only while an
abuse report on it is open, and never write in it. A new message tells the other side in the
app at once and by mail at most once per ``MAIL_INTERVAL`` per person and conversation, so a
lively thread sends no storm of mail. A quoted listing shows only its public part.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.conversations import notices, repository
from app.conversations.schemas import (
    ConversationOpen,
    ConversationOut,
    MessageOut,
    OrgName,
    QuoteOut,
)
from app.core import attachments, audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can, signed_in
from app.core.races import lost_race
from app.core.ratelimit import too_many, wait_text
from app.listings import service as listing_service
from app.models import (
    Attachment,
    Conversation,
    ConversationMessage,
    ConversationRead,
    Deal,
    Event,
    EventParticipant,
    Listing,
    Organization,
    User,
)
from app.models.enums import EventStatus, ListingKind, ListingStatus
from app.notifications import service as notifications

ATTACHMENT_OWNER = "conversation"
SUBJECT_LABELS = {
    "listing": "信息",
    "challenge": "揭榜挂帅",
    "event": "活动",
    "deal": "洽谈",
    "direct": "直接联系",
}
#: At most one mail per person and conversation in this time; the app notice is immediate.
MAIL_INTERVAL = timedelta(minutes=30)
#: Messages one person may send in a minute, across conversations.
MESSAGES_PER_MINUTE = 20
DUPLICATE_MESSAGE = "贵机构与对方已有该会话，请在原会话中继续"


def link(conversation: Conversation) -> str:
    return f"/messages/{conversation.id}"


def member(actor: Actor) -> tuple[User, int]:
    """A person of a verified organisation, and that organisation's id."""
    user = signed_in(actor.user)
    org_id = user.active_org_id
    if org_id is None or user.org is None or not user.org.is_verified:
        raise PermissionDenied("加入已认证的机构后才能使用互动交流")
    return user, org_id


def is_participant(user: User | None, conversation: Conversation) -> bool:
    return can(user, Action.CONVERSATION_TAKE_PART, conversation)


def staff_may_read(user: User | None, conversation: Conversation) -> bool:
    """Staff read a conversation only while it is reported, and only in their region."""
    return can(user, Action.CONVERSATION_HANDLE_REPORT, conversation)


def load(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    """A conversation its reader may see; to anyone else it does not exist."""
    conversation = repository.get(session, conversation_id)
    user = actor.user
    if conversation is None or not can(user, Action.CONVERSATION_VIEW, conversation):
        if user is None:
            raise NotAuthenticated("请先登录")
        raise NotFound("会话不存在")
    return conversation


def participate(actor: Actor, conversation: Conversation) -> User:
    user = signed_in(actor.user)
    authorize(user, Action.CONVERSATION_TAKE_PART, conversation)
    return user


# --- opening --------------------------------------------------------------------------------


def _published_listing(session: Session, listing_id: int | None) -> Listing:
    listing = session.get(Listing, listing_id) if listing_id is not None else None
    if listing is None or listing.status != ListingStatus.PUBLISHED:
        raise NotFound("该信息不存在或尚未发布")
    return listing


def _subject(session: Session, org_id: int, data: ConversationOpen) -> tuple[int | None, int, str]:
    """(subject id, the other organisation, title) of the conversation to open."""
    if data.subject_type == "listing":
        listing = _published_listing(session, data.subject_id)
        return listing.id, listing.org_id, listing.title
    if data.subject_type == "challenge":
        return _challenge_subject(session, org_id, data)
    if data.subject_type == "deal":
        deal = session.get(Deal, data.subject_id) if data.subject_id is not None else None
        if deal is None or org_id not in deal.org_ids:
            raise NotFound("洽谈不存在")
        other = deal.inquirer_org_id if org_id == deal.owner_org_id else deal.owner_org_id
        return deal.id, other, f"洽谈：{deal.title}"
    if data.org_id is None:
        raise InvalidInput(errors={"org_id": "请选择要联系的机构"})
    other_org = session.get(Organization, data.org_id)
    if other_org is None or not other_org.is_verified:
        raise NotFound("该机构不存在或尚未认证")
    if data.subject_type == "event":
        event = session.get(Event, data.subject_id) if data.subject_id is not None else None
        if event is None or event.status in (EventStatus.DRAFT, EventStatus.CANCELLED):
            raise NotFound("活动不存在")
        registered = session.scalar(
            select(EventParticipant.id)
            .where(
                EventParticipant.event_id == event.id,
                EventParticipant.org_id == other_org.id,
                EventParticipant.cancelled_at.is_(None),
            )
            .limit(1)
        )
        if registered is None:
            raise InvalidInput(errors={"org_id": "该机构没有报名参加这场活动"})
        return event.id, other_org.id, f"{event.title} · {other_org.name}"
    return None, other_org.id, other_org.name


def _challenge_subject(
    session: Session, org_id: int, data: ConversationOpen
) -> tuple[int | None, int, str]:
    """A solver writes to the publisher (发榜单位); the publisher to the winner (中榜单位).

    Who else applied stays with the panel: the publisher cannot probe it by trying to write."""
    challenge = session.get(Listing, data.subject_id) if data.subject_id is not None else None
    if (
        challenge is None
        or challenge.kind != ListingKind.CHALLENGE
        or challenge.status not in (ListingStatus.PUBLISHED, ListingStatus.AWARDED)
    ):
        raise NotFound("该榜单不存在或尚未发布")
    if org_id != challenge.org_id:
        return challenge.id, challenge.org_id, f"揭榜挂帅：{challenge.title}"
    if data.org_id is None:
        raise InvalidInput(errors={"org_id": "请选择要联系的中榜单位"})
    if not repository.won(session, challenge.id, data.org_id):
        raise InvalidInput(errors={"org_id": "发榜单位只能联系本榜单的中榜单位"})
    return challenge.id, data.org_id, f"揭榜挂帅：{challenge.title}"


def subject_url(session: Session, conversation: Conversation) -> str:
    """The page of what the conversation is about ("" for a direct one)."""
    sid, kind = conversation.subject_id, conversation.subject_type
    if sid is None or kind == "direct":
        return ""
    if kind in ("listing", "challenge"):
        listing = session.get(Listing, sid)
        return f"/{listing.kind.value}s/{sid}" if listing is not None else ""
    return f"/{kind}s/{sid}"


def subject_key(subject_type: str, subject_id: int | None, orgs: tuple[int, int]) -> str:
    low, high = sorted(orgs)
    return f"{subject_type}:{subject_id or 0}:{low}:{high}"


def _check_blocks(session: Session, org_id: int, other_org_id: int) -> None:
    for row in repository.blocks_between(session, (org_id, other_org_id)):
        if row.org_id == org_id:
            raise Conflict("贵机构已屏蔽对方机构，解除屏蔽后才能发送消息")
        raise PermissionDenied("对方机构不接收贵机构的消息")


def _check_quote(session: Session, listing_id: int | None) -> None:
    if listing_id is None:
        return
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != ListingStatus.PUBLISHED:
        raise InvalidInput(errors={"quote_listing_id": "引用的信息不存在或尚未发布"})


def _rate_limit(session: Session, user: User) -> None:
    if repository.sent_since(session, user.id, utcnow() - timedelta(minutes=1)) >= (
        MESSAGES_PER_MINUTE
    ):
        raise too_many(f"发送消息过于频繁，请{wait_text(60)}后再试", 60)


def open_conversation(session: Session, actor: Actor, data: ConversationOpen) -> Conversation:
    """Start a conversation with its first message; one per pair of organisations and subject."""
    user, org_id = member(actor)
    subject_id, other_org_id, title = _subject(session, org_id, data)
    if other_org_id == org_id:
        raise Conflict("不能与本机构发起会话")
    _check_blocks(session, org_id, other_org_id)
    _rate_limit(session, user)
    _check_quote(session, data.quote_listing_id)
    key = subject_key(data.subject_type, subject_id, (org_id, other_org_id))
    running = repository.by_key(session, key)
    if running is not None:
        raise Conflict(DUPLICATE_MESSAGE, conversation_id=running.id)
    low, high = sorted((org_id, other_org_id))
    conversation = Conversation(
        subject_type=data.subject_type,
        subject_id=subject_id,
        subject_key=key,
        title=title[:200],
        org_a_id=low,
        org_b_id=high,
        opened_by_id=user.id,
    )
    # Two clicks at once: both found no conversation, the unique key keeps the first.
    try:
        with session.begin_nested():
            session.add(conversation)
            session.flush()
    except IntegrityError as exc:
        running = repository.by_key(session, key)
        if running is None:
            raise lost_race(exc, "conversation") from None
        raise Conflict(DUPLICATE_MESSAGE, conversation_id=running.id) from None
    audit.record(
        session,
        actor,
        "conversation.open",
        conversation,
        summary=f"发起会话“{conversation.title}”",
        after={"subject": key},
    )
    _write(session, actor, user, org_id, conversation, data.body, data.quote_listing_id)
    return conversation


# --- messages -------------------------------------------------------------------------------


def _write(
    session: Session,
    actor: Actor,
    user: User,
    org_id: int,
    conversation: Conversation,
    body: str,
    quote_listing_id: int | None,
) -> ConversationMessage:
    _check_quote(session, quote_listing_id)
    message = ConversationMessage(
        conversation_id=conversation.id,
        author_id=user.id,
        org_id=org_id,
        body=body,
        quoted_listing_id=quote_listing_id,
    )
    session.add(message)
    conversation.last_message_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "conversation.message",
        conversation,
        summary=f"在会话“{conversation.title}”中发言",
        after={"message_id": message.id},
    )
    _mark(session, conversation.id, user.id, message.id)
    _tell(session, conversation, user, org_id, body)
    return message


def post_message(
    session: Session,
    actor: Actor,
    conversation: Conversation,
    body: str,
    quote_listing_id: int | None = None,
) -> ConversationMessage:
    """Write in a conversation; blocked or rate-limited writers are refused."""
    user = participate(actor, conversation)
    org_id = user.active_org_id
    assert org_id is not None
    _check_blocks(session, org_id, conversation.other_org_id(org_id))
    _rate_limit(session, user)
    lock_row(conversation)  # messages of one conversation are written (and mailed) in turn
    return _write(session, actor, user, org_id, conversation, body, quote_listing_id)


def _tell(
    session: Session, conversation: Conversation, author: User, org_id: int, body: str
) -> None:
    other = conversation.other_org_id(org_id)
    now = utcnow()
    for person in repository.recipients(session, conversation, other):
        row = _read_row(session, conversation.id, person.id)
        mail = row.last_mailed_at is None or now - row.last_mailed_at >= MAIL_INTERVAL
        if mail:
            row.last_mailed_at = now
        notifications.send(
            session,
            person,
            notices.MESSAGE,
            link=link(conversation),
            mail=mail,
            title=conversation.title,
            author=author.name,
            excerpt=body[:200],
        )


def _read_row(session: Session, conversation_id: int, user_id: int) -> ConversationRead:
    """The person's read row, created once even when two requests create it at once."""
    row = repository.read_row(session, conversation_id, user_id)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = ConversationRead(conversation_id=conversation_id, user_id=user_id)
            session.add(row)
            session.flush()
    except IntegrityError:
        row = repository.read_row(session, conversation_id, user_id)
        if row is None:
            raise
    return row


def _mark(session: Session, conversation_id: int, user_id: int, up_to: int) -> None:
    row = _read_row(session, conversation_id, user_id)
    repository.advance_read(session, conversation_id, user_id, up_to)
    session.refresh(row, attribute_names=["last_read_message_id"])


def mark_read(
    session: Session, actor: Actor, conversation: Conversation, up_to: int | None = None
) -> int:
    """Move the reader's mark to ``up_to`` (the latest message by default); returns the mark.

    The mark only moves forward, so a page opened earlier cannot unread newer messages."""
    user = participate(actor, conversation)
    last = repository.last_message_id(session, conversation.id)
    target = last if up_to is None else min(up_to, last)
    _mark(session, conversation.id, user.id, target)
    row = repository.read_row(session, conversation.id, user.id)
    return row.last_read_message_id if row is not None else 0


def messages(
    session: Session, actor: Actor, conversation: Conversation, pagination: Pagination
) -> Paged:
    """One page of the thread, newest first, each quote reduced to its public part."""
    page = paginate(session, repository.messages(conversation.id), pagination)
    quotes = _quotes(session, {m.quoted_listing_id for m in page.items})
    items = [_message_out(m, quotes) for m in page.items]
    return Paged(items=items, total=page.total, page=page.page, size=page.size)


def _message_out(m: ConversationMessage, quotes: dict[int, QuoteOut]) -> MessageOut:
    return MessageOut(
        id=m.id,
        author_name=m.author.name if m.author else "已注销用户",
        org_id=m.org_id,
        body=m.body,
        created_at=m.created_at,
        quote=quotes.get(m.quoted_listing_id) if m.quoted_listing_id else None,
    )


def message_out(session: Session, message: ConversationMessage) -> MessageOut:
    """One message as the thread shows it (a message just written, for the API's answer)."""
    session.refresh(message, attribute_names=["author"])
    return _message_out(message, _quotes(session, {message.quoted_listing_id}))


def _quotes(session: Session, listing_ids: set[int | None]) -> dict[int, QuoteOut]:
    found: dict[int, QuoteOut] = {}
    for listing_id in listing_ids:
        if listing_id is None:
            continue
        try:
            # Seen as by an anonymous visitor: details and confidential sections never appear.
            listing = listing_service.get(session, listing_id, None)
        except NotFound:
            continue  # withdrawn since it was quoted
        public = listing_service.view(session, listing, None, log_contact=False)
        found[listing.id] = QuoteOut(
            id=listing.id,
            kind=listing.kind.value,
            title=public.title,
            summary=public.summary,
            data=dict(public.data),
        )
    return found


# --- lists ----------------------------------------------------------------------------------


def out(
    session: Session, conversation: Conversation, user: User, unread: int = 0
) -> ConversationOut:
    org_id = user.active_org_id
    blocked = org_id is not None and any(
        b.org_id == org_id for b in repository.blocks_between(session, conversation.org_ids)
    )
    return ConversationOut(
        id=conversation.id,
        subject_type=conversation.subject_type,
        subject_id=conversation.subject_id,
        subject_url=subject_url(session, conversation),
        title=conversation.title,
        orgs=[OrgName(id=o.id, name=o.name) for o in (conversation.org_a, conversation.org_b)],
        created_at=conversation.created_at,
        last_message_at=conversation.last_message_at,
        unread=unread,
        reported=conversation.reported_at is not None,
        blocked=blocked,
    )


def inbox(
    session: Session, actor: Actor, pagination: Pagination, *, reported: bool = False
) -> Paged:
    """The organisation's conversations with unread counts; staff: the reported ones."""
    user = signed_in(actor.user)
    if reported:
        if not user.is_staff:
            raise PermissionDenied("仅平台或区县管理员可以查看被举报的会话")
        page = paginate(session, repository.reported_for(user), pagination)
        unread: dict[int, int] = {}
    else:
        _, org_id = member(actor)
        page = paginate(session, repository.of_org(org_id), pagination)
        unread = repository.unread_counts(session, [c.id for c in page.items], user)
    items = [out(session, c, user, unread.get(c.id, 0)) for c in page.items]
    return Paged(items=items, total=page.total, page=page.page, size=page.size)


def detail(session: Session, actor: Actor, conversation: Conversation) -> ConversationOut:
    user = signed_in(actor.user)
    unread = repository.unread_counts(session, [conversation.id], user).get(conversation.id, 0)
    return out(session, conversation, user, unread if is_participant(user, conversation) else 0)


# --- attachments ----------------------------------------------------------------------------


def add_attachment(
    session: Session, actor: Actor, conversation: Conversation, filename: str, data: bytes
) -> Attachment:
    """A document for the other side, checked by its content; the thread says it arrived."""
    user = participate(actor, conversation)
    org_id = user.active_org_id
    assert org_id is not None
    _check_blocks(session, org_id, conversation.other_org_id(org_id))
    row = attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=conversation.id,
        category="document",
        filename=filename,
        data=data,
    )
    lock_row(conversation)
    _write(session, actor, user, org_id, conversation, f"上传了附件“{row.filename}”", None)
    return row


def attachment_list(session: Session, conversation: Conversation) -> list[Attachment]:
    return attachments.list_for(session, ATTACHMENT_OWNER, conversation.id)


def attachment_page(session: Session, conversation: Conversation, pagination: Pagination) -> Paged:
    """One page of the conversation's documents, newest first."""
    return paginate(session, repository.attachments(conversation.id, ATTACHMENT_OWNER), pagination)


def attachment(
    session: Session, conversation: Conversation, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = attachments.get(session, ATTACHMENT_OWNER, conversation.id, attachment_id)
    return row, attachments.read(row)
