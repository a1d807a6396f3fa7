"""Supply–demand matching: the one entry point other domains and the routes call.

* :func:`find_matches` ranks the other side of the market for a listing (``matcher``).
* :func:`record_feedback` keeps a 相关/不相关 judgement that later rankings follow (``feedback``).
* :func:`broker_for_pair` and :func:`advance_pipeline` expose the broker pipeline
  (``pipeline``) to events and trading.
* Subscriptions (``subscriptions``) report new matching listings in a daily digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import InvalidInput, ServiceUnavailable
from app.core.permissions import Action, authorize, can
from app.listings import service as listing_service
from app.matching import feedback, pipeline, repository
from app.matching.matcher import KINDS, Match, find_matches, find_matches_many, ranked_apart
from app.models import Listing, MatchFeedback, MatchPipeline, User
from app.models.enums import ListingKind, ListingStatus

broker_for_pair = pipeline.broker_for_pair
advance_pipeline = pipeline.advance_pipeline

__all__ = [
    "KINDS",
    "Match",
    "advance_pipeline",
    "broker_for_pair",
    "find_matches",
    "find_matches_many",
    "matches_for",
    "record_feedback",
    "workbench_suggestions",
]

MAX_LIMIT = 100
#: The broker workbench: the latest needs in the broker's fields, new pairs kept per need.
WORKBENCH_NEEDS = 8
WORKBENCH_PER_NEED = 2


def matches_for(
    session: Session,
    listing_id: int,
    kind: ListingKind,
    viewer: User | None,
    *,
    limit: int = 20,
    types: Sequence[str] = (),
    field: str | None = None,
    region: str | None = None,
    min_score: float | None = None,
) -> tuple[Listing, list[Match]]:
    """The listing (as ``viewer`` may see it) and its matches, filtered.

    ``field`` keeps listing matches of that technical field or its sub-fields; ``region``
    keeps listing matches from that region; ``min_score`` drops weaker matches.
    """
    errors: dict[str, str] = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = f"limit 应在 1 到 {MAX_LIMIT} 之间"
    wrong = [t for t in types if t not in KINDS]
    if wrong:
        errors["type"] = f"不支持的类型：{'、'.join(wrong)}；可选：{'、'.join(KINDS)}"
    if min_score is not None and not 0 <= min_score <= 100:
        errors["min_score"] = "最低分应在 0 到 100 之间"
    if errors:
        raise InvalidInput(errors=errors)
    listing = listing_service.get(session, listing_id, viewer, kind)
    filtered = bool(field or region)
    wanted = list(types) or None
    matches = find_matches(
        session,
        listing,
        limit=MAX_LIMIT if filtered or min_score else limit,
        kinds=wanted,
        viewer=viewer,
    )
    if filtered:
        rows = {
            r.id: r
            for r in listing_service.by_ids(
                session, [m.id for m in matches if m.kind in ("achievement", "demand", "challenge")]
            )
        }

        def keep(match: Match) -> bool:
            row = (
                rows.get(match.id) if match.kind in ("achievement", "demand", "challenge") else None
            )
            if row is None:
                return False
            if field and not (row.field_code or "").startswith(field):
                return False
            return not (region and row.region_code != region)

        matches = [m for m in matches if keep(m)]
    if min_score is not None:
        matches = [m for m in matches if m.score >= min_score]
    return listing, ranked_apart(matches, limit)


def record_feedback(
    session: Session,
    actor: Actor,
    listing: Listing,
    *,
    target_kind: str,
    target_id: int,
    relevant: bool,
    reason_code: str | None = None,
    note: str = "",
) -> MatchFeedback:
    """Keep a 相关/不相关 judgement of one match (with the score and rank it had)."""
    authorize(actor.user, Action.MATCH_FEEDBACK, listing)
    shown = find_matches(session, listing, limit=MAX_LIMIT, kinds=[target_kind], viewer=actor.user)
    position = next((i for i, m in enumerate(shown) if m.id == target_id), None)
    return feedback.record(
        session,
        actor,
        listing,
        target_kind=target_kind,
        target_id=target_id,
        relevant=relevant,
        reason_code=reason_code,
        note=note,
        score=shown[position].score if position is not None else None,
        rank=position + 1 if position is not None else None,
    )


@dataclass
class Panel:
    """What a listing's detail page shows about its matches."""

    matches: list[Match] = field(default_factory=list)
    unavailable: bool = False
    can_feedback: bool = False
    can_propose: bool = False
    feedback_reasons: list[tuple[str, str]] = field(default_factory=list)
    judged: dict[tuple[str, int], bool] = field(default_factory=dict)
    pipelines: list[MatchPipeline] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[Match]]]:
        """The matches by kind, each its own ranked list, with the kind's heading."""
        return [
            (KIND_HEADINGS[kind], found)
            for kind in KINDS
            if (found := [m for m in self.matches if m.kind == kind])
        ]


KIND_HEADINGS = {
    "achievement": "科技成果",
    "demand": "技术需求",
    "challenge": "揭榜挂帅",
    "expert": "专家",
    "organization": "机构",
}


def panel(session: Session, listing: Listing, viewer: User | None, *, limit: int = 5) -> Panel:
    """The matches panel of a published listing; a down search engine leaves it empty."""
    out = Panel(
        can_feedback=can(viewer, Action.MATCH_FEEDBACK, listing),
        can_propose=can(viewer, Action.MATCH_PROPOSE),
    )
    if listing.status != ListingStatus.PUBLISHED:
        return out
    try:
        out.matches = find_matches(session, listing, limit=limit, viewer=viewer)
    except ServiceUnavailable:
        out.unavailable = True
    if out.can_feedback:
        out.feedback_reasons = feedback.reasons(session)
        assert viewer is not None
        out.judged = {
            (row.target_kind, row.target_id): row.relevant
            for row in feedback.latest(session, listing.id).values()
            if row.user_id == viewer.id
        }
    if viewer is not None:
        out.pipelines = [
            p
            for p in pipeline.for_listing(session, listing.id)
            if can(viewer, Action.PIPELINE_VIEW, p)
        ]
    return out


def workbench_suggestions(session: Session, actor: Actor) -> list[pipeline.Suggestion]:
    """The broker workbench's new strong pairs (``pipeline.suggestions``, brokers only), the
    rankings of its needs computed together in one pass first: after an achievement was
    indexed every one of them is stale, and one pass shares the lookups, the encodings and
    the candidates' rows the eight rankings would each read again."""
    authorize(actor.user, Action.MATCH_PROPOSE)
    assert actor.user is not None
    profile = repository.expert_profile(session, actor.user.id)
    fields = list(profile.field_codes) if profile and profile.field_codes else []
    needs = repository.recent_needs(session, fields, WORKBENCH_NEEDS)
    # The same rankings pipeline.suggestions asks for (limit per_need + 3), so it reads them kept.
    find_matches_many(session, needs, limit=WORKBENCH_PER_NEED + 3, kinds=["achievement"])
    return pipeline.suggestions(session, actor, needs=WORKBENCH_NEEDS, per_need=WORKBENCH_PER_NEED)
