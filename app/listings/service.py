"""The catalogue's rules: drafting, review, publication, expiry, disclosure and history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit, clock, versioning
from app.core.audit import Actor
from app.core.clock import local_date
from app.core.config import get_settings
from app.core.db import utcnow
from app.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from app.core.indexing import index_later
from app.core.permissions import Action, authorize, can
from app.core.workflow import Transition, Workflow
from app.listings import disclosure, notices, repository
from app.listings.disclosure import (
    CONTACT_FIELDS,
    DETAIL_FIELDS,
    PUBLIC_FIELDS,
)
from app.listings.disclosure import plain as _plain
from app.listings.files import refuse_if_ended
from app.listings.notices import tell_owner
from app.listings.schemas import (
    CONFIDENTIAL_SECTIONS,
    FIELD_LABELS,
    REQUIRED_TO_SUBMIT,
    ListingFields,
)
from app.models import (
    Listing,
    ListingVersion,
    User,
)
from app.models.enums import ListingKind, ListingStatus
from app.orgs import service as org_service
from app.taxonomy import service as taxonomy

S = ListingStatus
# What a viewer may see, for the routes and other domains.
view = disclosure.view
views = disclosure.views
record_contact_view = disclosure.record_contact_view


def _edits_or_reviews(user: User | None, listing: Listing) -> bool:
    return can(user, Action.LISTING_EDIT, listing) or can(user, Action.LISTING_REVIEW, listing)


EDIT, REVIEW = Action.LISTING_EDIT, Action.LISTING_REVIEW


def may_edit(user: User | None, listing: Listing) -> bool:
    """Whether ``user`` may edit ``listing`` (its author, its organisation's administrator)."""
    return can(user, EDIT, listing)


def may_review(user: User | None, listing: Listing) -> bool:
    """Whether ``user`` reviews ``listing`` (the platform, the listing's district)."""
    return can(user, REVIEW, listing)


lifecycle: Workflow[ListingStatus] = Workflow(
    "该信息",
    "status",
    [
        Transition("submit", "提交审核", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, EDIT),
        Transition("publish", "审核通过", frozenset({S.SUBMITTED}), S.PUBLISHED, REVIEW),
        Transition("return", "退回修改", frozenset({S.SUBMITTED}), S.RETURNED, REVIEW),
        # Taken by the hourly job (the system), never by a person.
        Transition("expire", "到期下架", frozenset({S.PUBLISHED}), S.EXPIRED),
        Transition("renew", "续期", frozenset({S.PUBLISHED, S.EXPIRED}), S.PUBLISHED, EDIT),
        Transition("revise", "修改后重新审核", frozenset({S.PUBLISHED}), S.SUBMITTED, EDIT),
        # 揭榜挂帅 only, when the review names a winner (see ``conclude_challenge``).
        Transition("award", "确定揭榜方", frozenset({S.PUBLISHED, S.EXPIRED}), S.AWARDED, REVIEW),
        Transition(
            "close",
            "关闭",
            frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.EXPIRED}),
            S.CLOSED,
            _edits_or_reviews,
        ),
    ],
    type=lambda listing: listing.kind.value,
    types=tuple(kind.value for kind in ListingKind),
    summary=lambda listing: listing.title,
)

#: States in which a listing is on view to everybody.
ON_VIEW = frozenset({S.PUBLISHED, S.AWARDED})

COMMON_FIELDS = [
    "title",
    "summary",
    "description",
    "field_code",
    "industry_code",
    "keywords",
    "region_code",
    *CONTACT_FIELDS,
    "confidential",
    "external_id",
]


def _fields(kind: ListingKind) -> list[str]:
    return [*COMMON_FIELDS, *PUBLIC_FIELDS[kind], *DETAIL_FIELDS[kind][1:]]


def snapshot(listing: Listing) -> dict[str, Any]:
    return {name: _plain(getattr(listing, name)) for name in _fields(listing.kind)} | {
        "status": listing.status.value
    }


def record_version(
    session: Session, actor: Actor, listing: Listing, note: str, *, flush: bool = True
) -> None:
    """Keep the listing as it now is in its history (``flush=False`` for batched writers)."""
    if flush:
        session.flush()
    session.add(ListingVersion(**version_values(actor, listing, note)))


def version_values(
    actor: Actor, listing: Listing, note: str, state: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The columns of ``record_version``'s row; ``state`` is the listing's snapshot if taken."""
    return {
        "listing_id": listing.id,
        "version": listing.version,
        "status": listing.status.value,
        "snapshot": state if state is not None else snapshot(listing),
        "changed_by_id": actor.user_id,
        "note": note,
    }


def _check_taxonomy(session: Session, data: ListingFields) -> None:
    errors = {}
    if data.field_code is not None and data.field_code not in taxonomy.names(session, "field"):
        errors["field_code"] = "技术领域不在分类表中，请从列表中选择"
    if data.industry_code and data.industry_code not in taxonomy.names(session, "industry"):
        errors["industry_code"] = "产业不在分类表中，请从列表中选择"
    if errors:
        raise InvalidInput(errors=errors)


def _check_sections(kind: ListingKind, confidential: list[str] | None) -> None:
    unknown = sorted(set(confidential or []) - set(CONFIDENTIAL_SECTIONS[kind]))
    if unknown:
        allowed = "、".join(f"{k}（{v}）" for k, v in CONFIDENTIAL_SECTIONS[kind].items())
        raise InvalidInput(
            errors={"confidential": f"不能设为保密的部分：{'、'.join(unknown)}；可选：{allowed}"}
        )


LIST_ATTRIBUTES = frozenset(
    {
        "keywords",
        "confidential",
        "transfer_modes",
        "inventors",
        "ip_items",
        "cooperation_modes",
        "criteria",
    }
)
TEXT_ATTRIBUTES = frozenset(
    {
        "title",
        "summary",
        "description",
        "contact_name",
        "contact_phone",
        "contact_email",
        "pilot_status",
        "advantages",
        "economic_benefit",
        "application_scenarios",
        "problem",
        "indicators",
        "requirements",
    }
)


def apply_fields(listing: Listing, data: ListingFields) -> None:
    """Set the fields ``data`` carries, in the shapes the columns store."""
    for name, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        if name == "region_code" and value is None:
            continue  # a listing always has a region; blank means "unchanged"
        if name in ("ip_items", "criteria") and value is not None:
            value = [dict(item) for item in value]
        elif name in ("transfer_modes", "cooperation_modes") and value is not None:
            value = [str(mode) for mode in value]
        if value is None and name in LIST_ATTRIBUTES:
            value = []
        elif value is None and name in TEXT_ATTRIBUTES:
            value = ""
        setattr(listing, name, value)


def editable(session: Session, user: User | None, listing_id: int, kind: ListingKind) -> Listing:
    """A listing ``user`` may edit; 404 when they may not see it, 403 when only see it (401
    without a sign-in)."""
    listing = get(session, listing_id, user, kind)
    authorize(user, EDIT, listing)
    return listing


def get(
    session: Session, listing_id: int, viewer: User | None, kind: ListingKind | None = None
) -> Listing:
    """A listing the viewer may see: published (or awarded) ones for everybody, others for its
    organisation and reviewers."""
    listing = repository.get(session, listing_id, kind)
    if listing is None or (
        listing.status not in ON_VIEW and not can(viewer, Action.LISTING_VIEW_UNPUBLISHED, listing)
    ):
        raise NotFound("该信息不存在或尚未发布")
    return listing


def create(session: Session, actor: Actor, kind: ListingKind, data: ListingFields) -> Listing:
    """Start a draft for the actor's organisation (which must be verified)."""
    user = actor.user
    if user is None:
        authorize(None, Action.ORG_PUBLISH)
        raise AssertionError
    org = org_service.get_for_member(session, user)
    authorize(user, Action.ORG_PUBLISH, org)
    assert org is not None
    _check_taxonomy(session, data)
    _check_sections(kind, data.confidential)
    if data.external_id and repository.by_external_id(session, org.id, kind, data.external_id):
        raise Conflict(
            f"外部编号 {data.external_id} 已存在", errors={"external_id": "外部编号已存在"}
        )
    model = repository.MODELS[kind]
    listing = model(
        kind=kind,
        status=ListingStatus.DRAFT,
        org=org,
        owner_id=user.id,
        region_code=org.region_code,
        summary="",
        title="",
        contact_name=user.name,
        contact_phone=user.phone,
        contact_email=user.email,
    )
    apply_fields(listing, data)
    _check_always_required(listing)
    _check_dates(listing)
    session.add(listing)
    session.flush()
    record_version(session, actor, listing, "创建草稿")
    audit.record(
        session,
        actor,
        f"{kind.value}.create",
        listing,
        summary=f"创建{kind.label}草稿：{listing.title}",
        after=snapshot(listing),
    )
    return listing


ALWAYS_REQUIRED = {
    "title": "请填写名称",
    "summary": "请填写简介",
    "reward": "请填写榜单奖励金额",
    "application_deadline": "请填写揭榜截止日期",
}


def _check_always_required(listing: Listing) -> None:
    """Fields a listing cannot be saved without, even as a draft."""
    missing = {
        name: message
        for name, message in ALWAYS_REQUIRED.items()
        if hasattr(type(listing), name) and getattr(listing, name) in (None, "")
    }
    if missing:
        raise InvalidInput(errors=missing)


def _check_dates(listing: Listing) -> None:
    today = clock.today()
    for name, label in (("deadline", "需求截止日期"), ("application_deadline", "揭榜截止日期")):
        value = getattr(listing, name, None)
        if value is not None and value < today and listing.status in (S.DRAFT, S.RETURNED):
            raise InvalidInput(errors={name: f"{label}不能早于今天"})


def changes_since(session: Session, listing: Listing, since: int) -> versioning.Changes:
    """Who changed ``listing`` after version ``since`` and which fields, from its history."""
    changes = versioning.Changes()
    previous: dict[str, Any] | None = None
    for version, editor in repository.versions_since(session, listing.id, since):
        if version.version > since:
            names = [] if previous is None else audit.diff(previous, version.snapshot)[1]
            changes.add(editor or "系统", names, FIELD_LABELS)
        previous = version.snapshot
    return changes


def lock(session: Session, listing: Listing, expected_version: int | None = None) -> None:
    """Lock the listing's row before a change; refuse it when ``expected_version`` is outdated.

    Concurrent changes queue on the lock, so each one bumps the version the last one committed.
    """
    versioning.lock(session, listing)
    if expected_version is not None and expected_version != listing.version:
        raise versioning.stale(
            "该信息",
            expected_version,
            listing.version,
            changes_since(session, listing, expected_version),
        )


def update(
    session: Session,
    actor: Actor,
    listing: Listing,
    data: ListingFields,
    *,
    expected_version: int | None = None,
) -> Listing:
    """Change a listing; a published one goes back to review with the change.

    ``expected_version`` (else ``data.version``) is the version the editor started from: when
    somebody saved since, the change is refused (409) naming who and what changed.
    """
    authorize(actor.user, Action.LISTING_EDIT, listing)
    lock(session, listing, expected_version if expected_version is not None else data.version)
    refuse_if_ended(listing)
    _check_taxonomy(session, data)
    _check_sections(listing.kind, data.confidential)
    before = snapshot(listing)
    apply_fields(listing, data)
    if "field_code" in data.model_fields_set:
        listing.field_suggested = False
    _check_always_required(listing)
    _check_dates(listing)
    old, new = audit.diff(before, snapshot(listing))
    if not new:
        return listing
    note = "修改内容"
    revised = listing.status == S.PUBLISHED
    if revised:  # its subscribers (notices) queue the reindexing
        listing.submitted_at = utcnow()
        lifecycle.run(session, actor, listing, "revise")
        note = "修改已发布内容，重新提交审核"
    listing.version += 1
    record_version(session, actor, listing, note)
    audit.record(
        session,
        actor,
        f"{listing.kind.value}.update",
        listing,
        summary=f"{note}：{listing.title}",
        before=old,
        after=new,
    )
    if not revised:
        index_later(session, listing.kind.value, listing.id)
    return listing


def missing_for_submit(listing: Listing) -> dict[str, str]:
    missing = {}
    for name, label in REQUIRED_TO_SUBMIT[listing.kind].items():
        value = getattr(listing, name, None)
        if value in (None, "", []):
            missing[name] = f"提交审核前请填写：{label}"
    if listing.field_suggested:
        missing["field_code"] = "技术领域是系统根据内容推荐的，请确认或修改后再提交"
    return missing


def _transition(
    session: Session, actor: Actor, listing: Listing, action: str, note: str = ""
) -> None:
    lifecycle.run(session, actor, listing, action, note=note)
    listing.version += 1
    record_version(session, actor, listing, note or lifecycle.label(action))


def submit(session: Session, actor: Actor, listing: Listing) -> Listing:
    """Send a draft (or a returned listing) for review."""
    authorize(actor.user, Action.LISTING_EDIT, listing)
    lock(session, listing)
    org = org_service.get_for_member(session, actor.user) if actor.user else None
    authorize(actor.user, Action.ORG_PUBLISH, org)
    missing = missing_for_submit(listing)
    if missing:
        raise InvalidInput("还有必填内容未完成，不能提交审核", errors=missing)
    _check_dates(listing)
    listing.submitted_at = utcnow()
    _transition(session, actor, listing, "submit")
    return listing


def publication_values(now: datetime) -> dict[str, Any]:
    """What publishing sets on a listing: one definition for a review and a bulk import."""
    return {
        "status": S.PUBLISHED,
        "published_at": now,
        "expires_at": now + timedelta(days=get_settings().listing_valid_days),
    }


def publish(session: Session, actor: Actor, listing: Listing) -> Listing:
    """Approve a submitted listing; it is public until it expires."""
    authorize(actor.user, Action.LISTING_REVIEW, listing)
    lock(session, listing)
    for name, value in publication_values(utcnow()).items():
        if name != "status":  # the workflow moves the state
            setattr(listing, name, value)
    listing.return_reason_code = None
    listing.return_reason_text = ""
    _transition(session, actor, listing, "publish")
    return listing


def return_(
    session: Session, actor: Actor, listing: Listing, reason_code: str, reason_text: str
) -> Listing:
    """Send a submitted listing back with a reason from the managed list."""
    authorize(actor.user, Action.LISTING_REVIEW, listing)
    lock(session, listing)
    reasons = taxonomy.names(session, "return_reason")
    if reason_code not in reasons:
        raise InvalidInput(errors={"reason_code": "请从列表中选择退回原因"})
    if reason_code == "other" and not reason_text.strip():
        raise InvalidInput(errors={"reason_text": "选择“其他”时请写明原因"})
    listing.return_reason_code = reason_code
    listing.return_reason_text = reason_text.strip()
    _transition(session, actor, listing, "return", reasons[reason_code])
    return listing


def close(
    session: Session, actor: Actor, listing: Listing, reason_code: str, reason_text: str = ""
) -> Listing:
    if not (
        can(actor.user, Action.LISTING_EDIT, listing)
        or can(actor.user, Action.LISTING_REVIEW, listing)
    ):
        authorize(actor.user, Action.LISTING_EDIT, listing)
    reasons = taxonomy.names(session, "close_reason")
    lock(session, listing)
    if reason_code not in reasons:
        raise InvalidInput(errors={"reason_code": "请从列表中选择关闭原因"})
    listing.close_reason = (
        reasons[reason_code] + (f"：{reason_text.strip()}" if reason_text.strip() else "")
    )[:300]
    _transition(session, actor, listing, "close", listing.close_reason)
    return listing


def conclude_challenge(
    session: Session, actor: Actor, listing: Listing, *, winner: str | None, reason: str
) -> Listing:
    """End a challenge's call once its review is decided, so it takes no more applications.

    With a winner it becomes 已揭榜 and stays on view naming the winning organisation; with
    none (本榜空缺) it is closed, unless it already was.
    """
    authorize(actor.user, Action.LISTING_REVIEW, listing)
    if listing.kind != ListingKind.CHALLENGE:
        raise Conflict("只有揭榜挂帅榜单可以确定揭榜方")
    lock(session, listing)
    if winner is not None:
        listing.close_reason = f"揭榜方：{winner}"[:300]
        _transition(session, actor, listing, "award", listing.close_reason)
    elif lifecycle.can(listing, "close"):
        listing.close_reason = f"本榜空缺：{reason.strip()}"[:300]
        _transition(session, actor, listing, "close", listing.close_reason)
    return listing


def renew(session: Session, actor: Actor, listing: Listing) -> Listing:
    """One action: another full validity period from today."""
    authorize(actor.user, Action.LISTING_EDIT, listing)
    lock(session, listing)
    listing.expires_at = utcnow() + timedelta(days=get_settings().listing_valid_days)
    listing.reminded_at = None
    _transition(session, actor, listing, "renew", f"有效期延至 {local_date(listing.expires_at)}")
    return listing


def expire_and_remind(session: Session, actor: Actor) -> tuple[int, int]:
    """Take expired listings down and remind owners of those expiring soon; returns the counts."""
    now = utcnow()
    expired = []
    for listing in repository.due_to_expire(session, now):
        # Its owner may be renewing or editing it right now: take the row, then look again.
        lock(session, listing)
        if listing.status != S.PUBLISHED or listing.expires_at is None or listing.expires_at > now:
            continue
        expired.append(listing)
        _transition(session, actor, listing, "expire")
    days = get_settings().listing_reminder_days
    reminded = repository.due_for_reminder(session, now, now + timedelta(days=days))
    for listing in reminded:
        listing.reminded_at = now
        tell_owner(session, listing, notices.EXPIRING)
    session.flush()
    return len(expired), len(reminded)


# The use cases that live in modules of their own, under the names callers know.
from app.listings.access import access_requests as access_requests  # noqa: E402
from app.listings.access import access_status as access_status  # noqa: E402
from app.listings.access import contact_views as contact_views  # noqa: E402
from app.listings.access import decide_access as decide_access  # noqa: E402
from app.listings.access import favourite_ids as favourite_ids  # noqa: E402
from app.listings.access import favourites as favourites  # noqa: E402
from app.listings.access import request_access as request_access  # noqa: E402
from app.listings.access import set_favourite as set_favourite  # noqa: E402
from app.listings.access import starred as starred  # noqa: E402
from app.listings.files import add_attachment as add_attachment  # noqa: E402
from app.listings.files import attachment as attachment  # noqa: E402
from app.listings.files import remove_attachment as remove_attachment  # noqa: E402
from app.listings.files import visible_attachments as visible_attachments  # noqa: E402
from app.listings.reading import browse as browse  # noqa: E402
from app.listings.reading import by_ids as by_ids  # noqa: E402
from app.listings.reading import fields_schema as fields_schema  # noqa: E402
from app.listings.reading import latest_published as latest_published  # noqa: E402
from app.listings.reading import mine as mine  # noqa: E402
from app.listings.reading import open_challenges as open_challenges  # noqa: E402
from app.listings.reading import published_counts as published_counts  # noqa: E402
from app.listings.reading import review_queue as review_queue  # noqa: E402
from app.listings.reading import sections as sections  # noqa: E402
from app.listings.reading import versions as versions  # noqa: E402
