"""Favourites, requests to see a listing's confidential sections, and the contacts log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
)
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize
from app.listings import notices, repository
from app.models import (
    ConfidentialAccess,
    ContactView,
    Favourite,
    Listing,
    User,
)
from app.models.enums import AccessStatus, ListingKind
from app.notifications import service as notifications

# -- favourites, confidential access, contact log --------------------------------------------


def set_favourite(session: Session, actor: Actor, listing: Listing, on: bool) -> None:
    user = actor.user
    if user is None:
        authorize(None, Action.ORG_VIEW_PRIVATE)
        return
    existing = repository.favourite(session, user.id, listing.id)
    if on and existing is None:
        session.add(Favourite(user_id=user.id, listing_id=listing.id))
    elif not on and existing is not None:
        session.delete(existing)
    session.flush()


def starred(session: Session, listing_id: int, kind: ListingKind) -> Listing:
    """The listing a star is taken off, in whatever state it is now: a star must come off a
    listing that has since stopped being public (the page and the API both take it off)."""
    found = [x for x in repository.by_ids(session, [listing_id]) if x.kind == kind]
    if not found:
        raise NotFound("信息不存在")
    return found[0]


def favourites(session: Session, actor: Actor, pagination: Pagination) -> Paged:
    if actor.user is None:
        authorize(None, Action.ORG_VIEW_PRIVATE)
        raise AssertionError
    return paginate(session, repository.favourites_of(session, actor.user.id), pagination)


def favourite_ids(session: Session, user: User | None) -> set[int]:
    return repository.favourite_ids(session, user.id) if user else set()


def request_access(
    session: Session, actor: Actor, listing: Listing, message: str
) -> ConfidentialAccess:
    """Ask the owner to show this organisation the confidential sections."""
    user = actor.user
    authorize(user, Action.LISTING_SEE_DETAIL, listing)
    assert user is not None
    if not listing.confidential:
        raise Conflict("该信息没有保密内容")
    if user.active_org_id is None:
        raise PermissionDenied("加入机构后才能申请查看保密内容")
    if user.active_org_id == listing.org_id:
        raise Conflict("本机构的信息无需申请")
    row = repository.access(session, listing.id, user.active_org_id)
    if row is not None and row.status != AccessStatus.DENIED:
        raise Conflict(
            "已经申请过，请等待发布方处理" if row.status == AccessStatus.REQUESTED else "已获授权"
        )
    if row is None:
        row = ConfidentialAccess(
            listing_id=listing.id, org_id=user.active_org_id, requested_by_id=user.id
        )
        session.add(row)
    row.status = AccessStatus.REQUESTED
    row.message = message.strip()
    row.requested_by_id = user.id
    session.flush()
    audit.record(
        session,
        actor,
        "listing.access_request",
        listing,
        summary=f"申请查看保密内容：{listing.title}",
    )
    notices.tell_owner(
        session,
        listing,
        notices.ACCESS_REQUESTED,
        person=user.name,
        message=row.message or "（无说明）",
    )
    return row


def decide_access(
    session: Session, actor: Actor, listing: Listing, access_id: int, grant: bool
) -> ConfidentialAccess:
    authorize(actor.user, Action.LISTING_EDIT, listing)
    row = session.get(ConfidentialAccess, access_id)
    if row is None or row.listing_id != listing.id:
        raise NotFound("该申请不存在")
    row.status = AccessStatus.GRANTED if grant else AccessStatus.DENIED
    row.decided_by_id = actor.user_id
    row.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "listing.access_grant" if grant else "listing.access_deny",
        listing,
        summary=f"{'授权' if grant else '拒绝'}机构 #{row.org_id} 查看保密内容：{listing.title}",
        after={"org_id": row.org_id, "status": row.status.value},
    )
    requester = session.get(User, row.requested_by_id)
    if requester is not None:
        notifications.send(
            session,
            requester,
            notices.ACCESS_DECIDED,
            link=f"/{listing.kind.value}s/{listing.id}",
            title=listing.title,
            decision="通过" if grant else "被拒绝",
        )
    return row


def access_status(session: Session, listing: Listing, viewer: User | None) -> AccessStatus | None:
    """Where the viewer's organisation stands with this listing's confidential sections."""
    if viewer is None or viewer.active_org_id is None:
        return None
    row = repository.access(session, listing.id, viewer.active_org_id)
    return row.status if row else None


def access_requests(session: Session, actor: Actor, listing: Listing) -> list[ConfidentialAccess]:
    authorize(actor.user, Action.LISTING_EDIT, listing)
    return repository.access_requests(session, listing.id)


def contact_views(session: Session, actor: Actor, listing: Listing) -> list[ContactView]:
    """Who saw this listing's contacts (for its owner)."""
    authorize(actor.user, Action.LISTING_EDIT, listing)
    return repository.contact_views(session, listing.id)
