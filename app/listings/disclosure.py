"""What a viewer may see of a listing (tiered disclosure), and the log of who saw its contacts.

Everybody sees the public fields; verified organisations' users see the details and the
contacts, an outsider's first look in a day being logged for the owner; sections the owner
keeps confidential need its grant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core import attachments
from app.core.db import start_writing, utcnow
from app.core.money import format_yuan
from app.core.permissions import Action, can
from app.core.regions import region_name
from app.listings import repository
from app.listings.schemas import AttachmentOut, ListingOut, OrgBrief
from app.models import Achievement, Attachment, ContactView, Listing, User
from app.models.enums import ListingKind
from app.taxonomy import service as taxonomy

ATTACHMENT_OWNER = "listing"

PUBLIC_FIELDS: dict[ListingKind, list[str]] = {
    ListingKind.ACHIEVEMENT: ["trl", "maturity", "pilot_status", "transfer_modes", "price"],
    ListingKind.DEMAND: ["budget_min", "budget_max", "deadline", "cooperation_modes"],
    ListingKind.CHALLENGE: ["reward", "application_deadline", "criteria"],
}
DETAIL_FIELDS: dict[ListingKind, list[str]] = {
    kind: ["description", *sections]
    for kind, sections in {
        ListingKind.ACHIEVEMENT: [
            "ip_items",
            "inventors",
            "advantages",
            "economic_benefit",
            "application_scenarios",
        ],
        ListingKind.DEMAND: ["problem", "indicators"],
        ListingKind.CHALLENGE: ["problem", "indicators", "requirements"],
    }.items()
}
# A person reloading a page is one visit: the owner's log keeps one row a day per viewer.
CONTACT_VIEW_WINDOW = timedelta(hours=24)
CONTACT_FIELDS = ["contact_name", "contact_phone", "contact_email"]


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def view(
    session: Session, listing: Listing, viewer: User | None, *, log_contact: bool = True
) -> ListingOut:
    """The listing as ``viewer`` may see it; showing contacts to an outsider is logged."""
    granted = viewer is not None and repository.has_access(
        session, listing.id, viewer.active_org_id
    )
    files = attachments.list_for(session, ATTACHMENT_OWNER, listing.id)
    return _view(session, listing, viewer, granted, files, log_contact=log_contact)


def views(session: Session, listings: Sequence[Listing], viewer: User | None) -> list[ListingOut]:
    """``view`` of each listing of a list page (nothing logged), reading what they need at once."""
    ids = [x.id for x in listings]
    org_id = viewer.active_org_id if viewer is not None else None
    granted = repository.granted_listing_ids(session, ids, org_id) if org_id and ids else set()
    files = attachments.list_for_owners(session, ATTACHMENT_OWNER, ids)
    return [
        _view(session, x, viewer, x.id in granted, files[x.id], log_contact=False) for x in listings
    ]


def _view(
    session: Session,
    listing: Listing,
    viewer: User | None,
    granted: bool,
    files: list[Attachment],
    *,
    log_contact: bool,
) -> ListingOut:
    kind = listing.kind
    detail = can(viewer, Action.LISTING_SEE_DETAIL, listing)
    confidential = set(listing.confidential or [])
    sees_confidential = can(viewer, Action.LISTING_SEE_CONFIDENTIAL, listing) or granted
    hidden = sorted(confidential) if detail and not sees_confidential else []
    data: dict[str, Any] = {name: plain(getattr(listing, name)) for name in PUBLIC_FIELDS[kind]}
    if isinstance(listing, Achievement):
        data["price_text"] = format_yuan(listing.price)
    if detail:
        for name in DETAIL_FIELDS[kind]:
            if name not in hidden:
                data[name] = plain(getattr(listing, name))
        for name in CONTACT_FIELDS:
            data[name] = getattr(listing, name)
        data["confidential"] = list(listing.confidential or [])
        if log_contact:
            record_contact_view(session, listing, viewer)
    return ListingOut(
        id=listing.id,
        kind=kind,
        status=listing.status,
        title=listing.title,
        summary=listing.summary,
        field_code=listing.field_code,
        field=taxonomy.names(session, "field").get(listing.field_code or "", ""),
        industry_code=listing.industry_code,
        keywords=list(listing.keywords or []),
        region_code=listing.region_code,
        region=region_name(listing.region_code),
        org=OrgBrief(
            id=listing.org.id,
            name=listing.org.name,
            org_type=listing.org.org_type.label,
            region=listing.org.region,
        ),
        published_at=listing.published_at,
        expires_at=listing.expires_at,
        updated_at=listing.updated_at,
        version=listing.version,
        detail_visible=detail,
        hidden_sections=hidden
        if detail
        else sorted(set(DETAIL_FIELDS[kind]) | set(CONTACT_FIELDS)),
        data=data,
        attachments=[
            AttachmentOut(
                id=a.id,
                category=a.category,
                filename=a.filename,
                size=a.size,
                content_type=a.content_type,
                url=f"/api/v1/{kind.value}s/{listing.id}/attachments/{a.id}",
            )
            for a in files
            if a.category == "image" or detail
        ],
    )


def _logs_contact_view(session: Session, listing: Listing, viewer: User | None) -> bool:
    return (
        viewer is not None
        and viewer.active_org_id != listing.org_id
        and not viewer.is_staff
        and can(viewer, Action.LISTING_SEE_DETAIL, listing)
        and not repository.viewed_since(
            session, listing.id, viewer.id, utcnow() - CONTACT_VIEW_WINDOW
        )
    )


def record_contact_view(session: Session, listing: Listing, viewer: User | None) -> None:
    """Log that an outsider saw the listing's contacts (once per ``CONTACT_VIEW_WINDOW``).

    Detail pages read without SQLite's write lock (``writes_late``) and call this last: only a
    view that is logged takes the lock, and only for this one row.
    """
    if not _logs_contact_view(session, listing, viewer):
        return
    start_writing(session)
    if _logs_contact_view(session, listing, viewer):  # re-read: another tab may have logged it
        assert viewer is not None
        session.add(
            ContactView(
                listing_id=listing.id, viewer_id=viewer.id, viewer_org_id=viewer.active_org_id
            )
        )
