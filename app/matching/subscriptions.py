"""Saved queries and listing profiles; new published listings that match are reported daily.

An hourly job looks at listings published since each subscription was last checked and
keeps the ones that match as hits; a daily job sends each person one notification (in-app,
and mail through the outbox) listing their new hits. A query subscription matches when most
of its words occur in a new listing's public text; a profile subscription (one of the
subscriber's own listings) matches counterparts the ranker scores at least ``min_score``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.regions import REGIONS
from app.listings import service as listing_service
from app.matching import matcher, notices, ranker, repository
from app.models import Listing, Subscription, SubscriptionHit, User
from app.models.enums import ListingKind, ListingStatus
from app.notifications import service as notifications
from app.taxonomy import service as taxonomy
from search.analysis import default_analyzer

LISTING_KINDS = tuple(k.value for k in ListingKind)
DEFAULT_PROFILE_MIN_SCORE = 45.0
QUERY_SHARE = 0.6
MAX_PER_USER = 50


def mine(session: Session, actor: Actor, pagination: Pagination) -> Paged:
    authorize(actor.user, Action.PIPELINE_LIST)
    assert actor.user is not None
    return paginate(session, repository.subscriptions_of(actor.user.id), pagination)


def get(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    sub = repository.subscription(session, subscription_id)
    if sub is None or not can(actor.user, Action.SUBSCRIPTION_MANAGE, sub):
        if actor.user is None:
            authorize(None, Action.SUBSCRIPTION_MANAGE, sub)
        raise NotFound("该订阅不存在")
    return sub


def create(
    session: Session,
    actor: Actor,
    *,
    name: str = "",
    query: str = "",
    kinds: list[str] | None = None,
    field_code: str | None = None,
    region_code: str | None = None,
    listing_id: int | None = None,
    min_score: float | None = None,
) -> Subscription:
    """Save a query (with filters) or a listing's profile for the daily digest."""
    authorize(actor.user, Action.PIPELINE_LIST)
    user = actor.user
    assert user is not None
    errors: dict[str, str] = {}
    query = query.strip()
    kinds = [k for k in kinds or [] if k]
    wrong = [k for k in kinds if k not in LISTING_KINDS]
    if wrong:
        errors["kinds"] = "类型只能是科技成果、技术需求或揭榜挂帅"
    if field_code and field_code not in taxonomy.names(session, "field"):
        errors["field_code"] = "请选择有效的技术领域"
    if region_code and region_code not in REGIONS:
        errors["region_code"] = "请选择有效的区域"
    if len(query) > 200:
        errors["query"] = "关键词不能超过200字"
    if min_score is not None and not 0 <= min_score <= 100:
        errors["min_score"] = "最低匹配度应在0到100之间"
    listing: Listing | None = None
    if listing_id is not None:
        try:
            listing = listing_service.get(session, listing_id, user)
        except NotFound:
            errors["listing_id"] = "只能订阅您可以查看的成果或需求"
    if listing is None and not query and not field_code and "listing_id" not in errors:
        errors["query"] = "请填写关键词，或选择技术领域，或选择一项成果/需求"
    if errors:
        raise InvalidInput(errors=errors)
    name = (
        name.strip()[:60]
        or (
            f"与“{listing.title}”匹配"
            if listing
            else (query or taxonomy.names(session, "field")[field_code or ""])
        )[:60]
    )
    sub = Subscription(
        user_id=user.id,
        name=name,
        query=query,
        kinds=kinds,
        field_code=field_code or None,
        region_code=region_code or None,
        listing_id=listing.id if listing else None,
        min_score=min_score
        if min_score is not None
        else (DEFAULT_PROFILE_MIN_SCORE if listing else 0.0),
        active=True,
        checked_at=utcnow(),
    )
    session.add(sub)
    audit.record(
        session,
        actor,
        "subscription.create",
        sub,
        summary=f"订阅“{name}”",
        after=audit.snapshot(sub),
    )
    return sub


def set_active(session: Session, actor: Actor, sub: Subscription, active: bool) -> Subscription:
    authorize(actor.user, Action.SUBSCRIPTION_MANAGE, sub)
    if sub.active != active:
        sub.active = active
        if active:
            sub.checked_at = utcnow()
        audit.record(
            session,
            actor,
            "subscription.resume" if active else "subscription.pause",
            sub,
            summary=f"{'恢复' if active else '暂停'}订阅“{sub.name}”",
        )
    return sub


def delete(session: Session, actor: Actor, sub: Subscription) -> None:
    authorize(actor.user, Action.SUBSCRIPTION_MANAGE, sub)
    audit.record(
        session,
        actor,
        "subscription.delete",
        sub,
        summary=f"删除订阅“{sub.name}”",
        before=audit.snapshot(sub),
    )
    session.delete(sub)


def hits(
    session: Session, actor: Actor, sub: Subscription
) -> list[tuple[SubscriptionHit, Listing | None]]:
    authorize(actor.user, Action.SUBSCRIPTION_MANAGE, sub)
    rows = repository.hits_of(session, sub.id)
    listings = {
        row.id: row for row in listing_service.by_ids(session, [h.listing_id for h in rows])
    }
    return [(h, listings.get(h.listing_id)) for h in rows]


def evaluate(
    session: Session, sub: Subscription, listing: Listing
) -> tuple[float, list[str]] | None:
    """Score and reasons when ``listing`` matches ``sub``, else None."""
    if sub.listing_id is not None and listing.id == sub.listing_id:
        return None
    if sub.kinds and listing.kind.value not in sub.kinds:
        return None
    if sub.field_code and not (listing.field_code or "").startswith(sub.field_code):
        return None
    if sub.region_code and listing.region_code != sub.region_code:
        return None
    reasons: list[str] = []
    score = 100.0
    if sub.query:
        words = [w for w in default_analyzer().query_tokens(sub.query) if w.strip()]
        text = ranker.public_terms(listing) | {
            t for t in default_analyzer().index_tokens(listing.title + listing.summary)
        }
        found = [w for w in words if w in text]
        if not words or len(found) < max(1, round(len(words) * QUERY_SHARE)):
            return None
        score = round(100 * len(found) / len(words), 2)
        reasons.append(f"包含关键词：{'、'.join(found)}")
    if sub.field_code:
        reasons.append(f"技术领域：{taxonomy.names(session, 'field').get(sub.field_code, '')}")
    if sub.listing is not None:
        if listing.kind.value not in matcher.counterpart_types(sub.listing):
            return None
        match = _profile_match(session, sub.listing, listing)
        if match is None or match.score < sub.min_score:
            return None
        score = match.score
        reasons = match.reasons[:4]
    elif score < sub.min_score:
        return None
    return score, reasons


def _profile_match(session: Session, profile: Listing, listing: Listing) -> matcher.Match | None:
    terms = matcher.query_terms(profile)
    shared = ranker.public_terms(profile) & ranker.public_terms(listing)
    weights = {t: len(terms) - i for i, t in enumerate(terms)}
    top = sum(sorted(weights.values())[-5:]) or 1
    text = min(1.0, sum(weights.get(t, 0) for t in shared) / top)
    if text == 0:
        return None
    cand = matcher.Candidate(listing, text, text=text)
    shareable = ranker.shareable_terms(profile, terms)
    return matcher._listing_match(profile, cand, shareable, matcher._Context(session))


def collect(session: Session, now: datetime | None = None) -> int:
    """Record the listings published since each subscription's last check that match it."""
    now = now or utcnow()
    subs = repository.active_subscriptions(session)
    if not subs:
        return 0
    since = min(s.checked_at for s in subs)
    fresh = list(
        session.scalars(
            select(Listing)
            .where(
                Listing.status == ListingStatus.PUBLISHED,
                Listing.published_at > since,
                Listing.published_at <= now,
            )
            .order_by(Listing.published_at)
        )
    )
    loaded = {row.id: row for row in listing_service.by_ids(session, [row.id for row in fresh])}
    added = 0
    for sub in subs:
        for row in fresh:
            listing = loaded.get(row.id)
            if (
                listing is None
                or listing.published_at is None
                or listing.published_at <= sub.checked_at
            ):
                continue
            if listing.owner_id == sub.user_id or repository.hit_exists(
                session, sub.id, listing.id
            ):
                continue
            result = evaluate(session, sub, listing)
            if result is None:
                continue
            session.add(
                SubscriptionHit(
                    subscription_id=sub.id,
                    listing_id=listing.id,
                    score=result[0],
                    reasons=result[1],
                )
            )
            added += 1
        sub.checked_at = now
    session.flush()
    return added


def send_digests(session: Session, now: datetime | None = None) -> int:
    """One notification per person listing their new hits; returns how many were sent."""
    now = now or utcnow()
    by_user: dict[int, list[tuple[SubscriptionHit, Subscription]]] = defaultdict(list)
    for hit, sub in repository.unsent_hits(session):
        by_user[sub.user_id].append((hit, sub))
    if not by_user:
        return 0
    users: dict[int, User] = repository.users(session, list(by_user))
    listings = {
        row.id: row
        for row in listing_service.by_ids(
            session, [h.listing_id for rows in by_user.values() for h, _ in rows]
        )
    }
    sent = 0
    for user_id, rows in by_user.items():
        user = users.get(user_id)
        for hit, _ in rows:
            hit.notified_at = now
        visible = [
            (h, s, listings[h.listing_id])
            for h, s in rows
            if h.listing_id in listings and listings[h.listing_id].status == ListingStatus.PUBLISHED
        ]
        if user is None or not user.is_active or not visible:
            continue
        lines = [
            f"· [{s.name}] {row.kind.label}“{row.title}”（匹配度{h.score:.0f}）"
            for h, s, row in visible[:MAX_PER_USER]
        ]
        more = len(visible) - MAX_PER_USER
        if more > 0:
            lines.append(f"……另有{more}项，请登录查看")
        notifications.send(
            session,
            user,
            notices.SUBSCRIPTION_DIGEST,
            link="/matching/subscriptions",
            count=len(visible),
            lines="\n".join(lines),
        )
        sent += 1
    return sent
