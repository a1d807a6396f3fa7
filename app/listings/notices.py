"""What the catalogue tells people, and when: notification kinds and workflow subscribers.

Each listing transition publishes ``"<kind>.<action>"`` (``achievement.publish``,
``demand.expire`` …, see ``service.lifecycle``). In the same transaction, every one of them
queues the listing's reindexing, and publication, return and expiry notify the owner.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.indexing import index_later
from app.core.workflow import WorkflowEvent, on
from app.models import Listing, User
from app.models.enums import ListingKind
from app.notifications import service as notifications
from app.notifications.kinds import Kind, kind

PUBLISHED = kind(
    "listing.published",
    "信息审核通过",
    title="您的{kind_label}“{title}”已审核通过并发布",
    body="{kind_label}“{title}”有效期至 {expires_on}，到期前会提醒您续期。",
)
RETURNED = kind(
    "listing.returned",
    "信息被退回修改",
    title="您的{kind_label}“{title}”被退回修改",
    body="{kind_label}“{title}”退回原因：{reason}。{reason_text}\n请修改后重新提交审核。",
)
EXPIRED = kind(
    "listing.expired",
    "信息到期下架",
    title="您的{kind_label}“{title}”已到期下架",
    body="{kind_label}“{title}”已于 {expires_on} 到期下架。如仍有效，可在“我的发布”中一键续期。",
)
EXPIRING = kind(
    "listing.expiring",
    "信息即将到期",
    title="您的{kind_label}“{title}”即将到期",
    body="{kind_label}“{title}”将于 {expires_on} 到期下架，如仍有效请在“我的发布”中一键续期。",
)
ACCESS_REQUESTED = kind(
    "listing.access_request",
    "保密内容查看申请",
    title="有机构申请查看“{title}”的保密内容",
    body="{person}：{message}。请在信息详情页处理申请。",
)
ACCESS_DECIDED = kind(
    "listing.access",
    "保密内容申请结果",
    title="“{title}”的保密内容申请已{decision}",
)

ACTIONS = ("submit", "publish", "return", "expire", "renew", "revise", "award", "close")
EVERY_TRANSITION = tuple(f"{k.value}.{a}" for k in ListingKind for a in ACTIONS)


@on(*EVERY_TRANSITION)
def reindex(session: Session, event: WorkflowEvent) -> None:
    index_later(session, event.obj.kind.value, event.obj.id)


@on(*(f"{k.value}.publish" for k in ListingKind))
def tell_published(session: Session, event: WorkflowEvent) -> None:
    tell_owner(session, event.obj, PUBLISHED)


@on(*(f"{k.value}.return" for k in ListingKind))
def tell_returned(session: Session, event: WorkflowEvent) -> None:
    listing = event.obj
    tell_owner(
        session, listing, RETURNED, reason=event.note, reason_text=listing.return_reason_text
    )


@on(*(f"{k.value}.expire" for k in ListingKind))
def tell_expired(session: Session, event: WorkflowEvent) -> None:
    tell_owner(session, event.obj, EXPIRED)


def tell_owner(session: Session, listing: Listing, kind: Kind, **fields: Any) -> None:
    """Send the listing's owner a notification of ``kind`` about it."""
    owner = session.get(User, listing.owner_id)
    if owner is not None:
        notifications.send(
            session,
            owner,
            kind,
            link=f"/{listing.kind.value}s/{listing.id}",
            kind_label=listing.kind.label,
            title=listing.title,
            expires_on=listing.expires_at,
            **fields,
        )
