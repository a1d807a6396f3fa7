"""Every query of the matching domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectin_polymorphic, selectinload

from app.matching import policy
from app.models import (
    Achievement,
    Challenge,
    Demand,
    ExpertProfile,
    Listing,
    MatchFeedback,
    MatchPipeline,
    Organization,
    Subscription,
    SubscriptionHit,
    User,
)
from app.models.enums import ListingKind, ListingStatus, PipelineStage, ResourceStatus, Role


def ranking_inputs(session: Session, listing_id: int) -> tuple[Any, ...]:
    """What a listing's ranking reads from the database besides the index, in one row: the
    listing's own version, its latest judgement and the experts' profiles."""
    own = select(Listing.updated_at).where(Listing.id == listing_id).scalar_subquery()
    judged = (
        select(func.max(MatchFeedback.id)).where(MatchFeedback.listing_id == listing_id)
    ).scalar_subquery()
    experts = select(func.count(ExpertProfile.id), func.max(ExpertProfile.updated_at)).subquery()
    row = session.execute(select(own, judged, experts.c[0], experts.c[1])).one()
    return tuple(row)


def expert_profiles(session: Session) -> list[ExpertProfile]:
    """Profiles of active experts that staff published in the directory (the only ones that
    can be matched: a suggestion must lead to a page others may open)."""
    return list(
        session.scalars(
            select(ExpertProfile)
            .join(User, User.id == ExpertProfile.user_id)
            .where(
                User.role == Role.EXPERT,
                User.is_active.is_(True),
                ExpertProfile.status == ResourceStatus.PUBLISHED,
            )
            .order_by(ExpertProfile.id)
        ).unique()
    )


def experts_statement(
    *,
    field_code: str | None = None,
    region_code: str | None = None,
    q: str | None = None,
    statuses: tuple[ResourceStatus, ...] = (ResourceStatus.PUBLISHED,),
    region_of_staff: str | None = None,
) -> Select[Any]:
    """Active experts' profiles in ``statuses`` (the public directory: reviewed ones),
    filtered, by name; ``region_of_staff`` keeps a district administrator's region."""
    stmt = (
        select(ExpertProfile)
        .join(User, User.id == ExpertProfile.user_id)
        .where(
            User.role == Role.EXPERT,
            User.is_active.is_(True),
            ExpertProfile.status.in_(statuses),
        )
    )
    if region_of_staff is not None:
        stmt = stmt.where(ExpertProfile.region_code == region_of_staff)
    if field_code:
        stmt = stmt.where(cast(ExpertProfile.field_codes, String).contains(f'"{field_code}'))
    if region_code:
        stmt = stmt.where(ExpertProfile.region_code == region_code)
    for word in (q or "").split()[:5]:
        like = f"%{word}%"
        stmt = stmt.where(
            or_(
                User.name.ilike(like),
                ExpertProfile.institution.ilike(like),
                ExpertProfile.bio.ilike(like),
            )
        )
    return stmt.order_by(User.name, ExpertProfile.id)


def expert_profile(session: Session, user_id: int) -> ExpertProfile | None:
    return session.scalars(
        select(ExpertProfile).where(ExpertProfile.user_id == user_id)
    ).one_or_none()


def organizations(session: Session, ids: Sequence[int]) -> dict[int, Organization]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(ids)))}


def feedback_for(session: Session, listing_id: int) -> list[MatchFeedback]:
    return list(
        session.scalars(
            select(MatchFeedback)
            .where(MatchFeedback.listing_id == listing_id)
            .order_by(MatchFeedback.updated_at)
        )
    )


def feedback_of(
    session: Session, listing_id: int, target_kind: str, target_id: int, user_id: int
) -> MatchFeedback | None:
    return session.scalars(
        select(MatchFeedback).where(
            MatchFeedback.listing_id == listing_id,
            MatchFeedback.target_kind == target_kind,
            MatchFeedback.target_id == target_id,
            MatchFeedback.user_id == user_id,
        )
    ).one_or_none()


def _pipeline_loaded(stmt: Select[MatchPipeline]) -> Select[MatchPipeline]:
    return stmt.options(
        joinedload(MatchPipeline.demand),
        joinedload(MatchPipeline.supply),
        joinedload(MatchPipeline.broker),
    )


def pipeline(session: Session, pipeline_id: int) -> MatchPipeline | None:
    return session.scalars(
        _pipeline_loaded(select(MatchPipeline).where(MatchPipeline.id == pipeline_id))
    ).one_or_none()


def pipeline_for_pair(session: Session, a: int, b: int) -> MatchPipeline | None:
    """The entry for two listings whichever is the demand side."""
    return session.scalars(
        _pipeline_loaded(
            select(MatchPipeline).where(
                or_(
                    (MatchPipeline.demand_listing_id == a) & (MatchPipeline.supply_listing_id == b),
                    (MatchPipeline.demand_listing_id == b) & (MatchPipeline.supply_listing_id == a),
                )
            )
        )
    ).one_or_none()


def pipelines_visible_to(user: User, stage: PipelineStage | None) -> Select[MatchPipeline]:
    """Entries a person works on: as the broker, or as a member of either party."""
    stmt = select(MatchPipeline).where(policy.visible_to(user))
    if stage is not None:
        stmt = stmt.where(MatchPipeline.stage == stage)
    return _pipeline_loaded(stmt).order_by(MatchPipeline.updated_at.desc(), MatchPipeline.id.desc())


def pipelines_of_listing(session: Session, listing_id: int) -> list[MatchPipeline]:
    return list(
        session.scalars(
            _pipeline_loaded(
                select(MatchPipeline).where(
                    or_(
                        MatchPipeline.demand_listing_id == listing_id,
                        MatchPipeline.supply_listing_id == listing_id,
                    )
                )
            ).order_by(MatchPipeline.id.desc())
        ).unique()
    )


def subscriptions_of(user_id: int) -> Select[Subscription]:
    return (
        select(Subscription)
        .where(Subscription.user_id == user_id)
        .options(selectinload(Subscription.listing))
        .order_by(Subscription.id.desc())
    )


def subscription(session: Session, subscription_id: int) -> Subscription | None:
    return session.scalars(
        select(Subscription)
        .where(Subscription.id == subscription_id)
        .options(selectinload(Subscription.listing))
    ).one_or_none()


def active_subscriptions(session: Session) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .where(Subscription.active.is_(True))
            .options(selectinload(Subscription.listing))
            .order_by(Subscription.id)
        )
    )


def unsent_hits(session: Session) -> list[tuple[SubscriptionHit, Subscription]]:
    rows = session.execute(
        select(SubscriptionHit, Subscription)
        .join(Subscription, Subscription.id == SubscriptionHit.subscription_id)
        .where(SubscriptionHit.notified_at.is_(None))
        .order_by(Subscription.user_id, SubscriptionHit.id)
    )
    return [(hit, sub) for hit, sub in rows]


def hit_exists(session: Session, subscription_id: int, listing_id: int) -> bool:
    return (
        session.scalar(
            select(SubscriptionHit.id).where(
                SubscriptionHit.subscription_id == subscription_id,
                SubscriptionHit.listing_id == listing_id,
            )
        )
        is not None
    )


def hits_of(session: Session, subscription_id: int, limit: int = 50) -> list[SubscriptionHit]:
    return list(
        session.scalars(
            select(SubscriptionHit)
            .where(SubscriptionHit.subscription_id == subscription_id)
            .order_by(SubscriptionHit.id.desc())
            .limit(limit)
        )
    )


def users(session: Session, ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids))).unique()}


def recent_needs(session: Session, field_prefixes: Sequence[str], limit: int) -> list[Listing]:
    """The latest published demands and challenges, in the given fields when any are given."""
    stmt = (
        select(Listing)
        .where(
            Listing.status == ListingStatus.PUBLISHED,
            Listing.kind.in_([ListingKind.DEMAND, ListingKind.CHALLENGE]),
        )
        .order_by(Listing.published_at.desc(), Listing.id.desc())
        .limit(limit)
    )
    if field_prefixes:
        stmt = stmt.where(or_(*[Listing.field_code.startswith(p) for p in field_prefixes]))
    ids = list(session.scalars(stmt.with_only_columns(Listing.id)))
    return ids_in_order(session, ids)


def ids_in_order(session: Session, ids: Sequence[int]) -> list[Listing]:
    if not ids:
        return []
    rows = {
        row.id: row
        for row in session.scalars(
            select(Listing)
            .where(Listing.id.in_(ids))
            .options(
                selectinload(Listing.org),
                selectin_polymorphic(Listing, [Achievement, Demand, Challenge]),
            )
        )
    }
    return [rows[i] for i in ids if i in rows]


def pair_keys(session: Session, demand_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(demand, supply) pairs already in the pipeline for these demands."""
    if not demand_ids:
        return set()
    rows = session.execute(
        select(MatchPipeline.demand_listing_id, MatchPipeline.supply_listing_id).where(
            MatchPipeline.demand_listing_id.in_(demand_ids)
        )
    )
    return {(a, b) for a, b in rows}
