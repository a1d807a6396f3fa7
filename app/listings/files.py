"""A listing's images and attachments, shown by tier like the rest of it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core import attachments
from app.core.audit import Actor
from app.core.errors import Conflict
from app.core.permissions import Action, authorize, can
from app.listings.disclosure import (
    ATTACHMENT_OWNER,
)
from app.models import (
    Attachment,
    Listing,
    User,
)
from app.models.enums import ListingStatus

# -- images and attachments -------------------------------------------------------------------


def add_attachment(
    session: Session, actor: Actor, listing: Listing, *, category: str, filename: str, data: bytes
) -> Attachment:
    """Attach an image (shown to everyone) or a document (shown with the details)."""
    authorize(actor.user, Action.LISTING_EDIT, listing)
    refuse_if_ended(listing)
    return attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=listing.id,
        category=category,
        filename=filename,
        data=data,
    )


def visible_attachments(
    session: Session, listing: Listing, viewer: User | None
) -> list[Attachment]:
    detail = can(viewer, Action.LISTING_SEE_DETAIL, listing)
    return [
        a
        for a in attachments.list_for(session, ATTACHMENT_OWNER, listing.id)
        if a.category == "image" or detail
    ]


def attachment(
    session: Session, listing: Listing, viewer: User | None, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = attachments.get(session, ATTACHMENT_OWNER, listing.id, attachment_id)
    if row.category != "image":
        authorize(viewer, Action.LISTING_SEE_DETAIL, listing)
    return row, attachments.read(row)


def remove_attachment(session: Session, actor: Actor, listing: Listing, attachment_id: int) -> None:
    authorize(actor.user, Action.LISTING_EDIT, listing)
    refuse_if_ended(listing)
    attachments.remove(
        session, actor, attachments.get(session, ATTACHMENT_OWNER, listing.id, attachment_id)
    )


def refuse_if_ended(listing: Listing) -> None:
    """A closed listing or an awarded challenge is a record now: no more changes."""
    if listing.status in (ListingStatus.CLOSED, ListingStatus.AWARDED):
        raise Conflict(f"{listing.status.label}的信息不能修改")
