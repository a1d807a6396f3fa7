"""Relevance feedback: people mark a match 相关/不相关 with a reason; later rankings follow.

A judgement moves the judged match itself (up, or far down), and a reason generalises to
similar candidates of the same listing: 领域不符 lowers others of that sub-field,
技术成熟度不够 lowers those no more mature, 价格不合适 lowers those at least as dear.
Every judgement is kept (with the score and rank it was given at) to evaluate the ranker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.errors import InvalidInput
from app.core.permissions import Action, authorize
from app.listings import service as listing_service
from app.matching import ranker, repository
from app.models import Achievement, Listing, MatchFeedback
from app.taxonomy import service as taxonomy

if TYPE_CHECKING:
    from app.matching.matcher import Match

SCHEME = "match_feedback_reason"
RELEVANT_BONUS = 12.0
#: Scores scale with the text relevance, so a match judged irrelevant sinks below almost all.
IRRELEVANT_FACTOR = 0.05
SIMILAR_PENALTY = 6.0
FEEDBACK_KINDS = ("achievement", "demand", "challenge", "expert", "organization")


def reasons(session: Session) -> list[tuple[str, str]]:
    return taxonomy.choices(session, SCHEME)


def record(
    session: Session,
    actor: Actor,
    listing: Listing,
    *,
    target_kind: str,
    target_id: int,
    relevant: bool,
    reason_code: str | None = None,
    note: str = "",
    score: float | None = None,
    rank: int | None = None,
) -> MatchFeedback:
    """Keep one person's judgement of a match (a new judgement replaces their earlier one)."""
    authorize(actor.user, Action.MATCH_FEEDBACK, listing)
    assert actor.user is not None
    errors: dict[str, str] = {}
    if target_kind not in FEEDBACK_KINDS:
        errors["target_kind"] = "不支持的匹配对象类型"
    names = taxonomy.names(session, SCHEME)
    reason_code = reason_code or None
    if reason_code is not None and reason_code not in names:
        errors["reason_code"] = "请从列表中选择原因"
    if not relevant and reason_code is None:
        errors["reason_code"] = "标记为不相关时请选择原因"
    if len(note) > 300:
        errors["note"] = "说明不能超过300字"
    if errors:
        raise InvalidInput(errors=errors)
    row = repository.feedback_of(session, listing.id, target_kind, target_id, actor.user.id)
    before = audit.snapshot(row) if row else None
    if row is None:
        row = MatchFeedback(
            listing_id=listing.id,
            target_kind=target_kind,
            target_id=target_id,
            user_id=actor.user.id,
        )
        session.add(row)
    row.relevant = relevant
    row.reason_code = reason_code
    row.note = note.strip()
    row.score = score
    row.rank = rank
    verdict = "相关" if relevant else f"不相关（{names.get(reason_code or '', '')}）"
    audit.record(
        session,
        actor,
        "match.feedback",
        row,
        summary=f"标记“{listing.title}”的匹配 {target_kind}#{target_id} 为{verdict}",
        before=before,
        after=audit.snapshot(row),
    )
    return row


def latest(session: Session, listing_id: int) -> dict[tuple[str, int], MatchFeedback]:
    """The most recent judgement of each match of a listing (anyone's)."""
    out: dict[tuple[str, int], MatchFeedback] = {}
    for row in repository.feedback_for(session, listing_id):
        out[(row.target_kind, row.target_id)] = row
    return out


def apply(
    session: Session, listing: Listing, matches: Sequence[Match], by_id: dict[int, Listing]
) -> None:
    """Move the scores of ``matches`` (listing matches of ``listing``) by the feedback given."""
    judged = latest(session, listing.id)
    if not judged:
        return
    names = taxonomy.names(session, SCHEME)
    missing = [
        tid for (kind, tid) in judged if kind not in ("expert", "organization") and tid not in by_id
    ]
    targets = dict(by_id)
    if missing:
        targets.update({row.id: row for row in listing_service.by_ids(session, missing)})
    negatives = [
        (targets[tid], row.reason_code)
        for (kind, tid), row in judged.items()
        if not row.relevant and tid in targets and kind not in ("expert", "organization")
    ]
    for match in matches:
        row = judged.get((match.kind, match.id))
        if row is not None:
            if row.relevant:
                match.score = min(100.0, match.score + RELEVANT_BONUS)
                match.reasons.insert(0, "已被标记为相关")
            else:
                match.score = round(match.score * IRRELEVANT_FACTOR, 2)
                match.reasons.insert(0, f"已被标记为不相关：{names.get(row.reason_code or '', '')}")
            continue
        candidate = by_id.get(match.id)
        if candidate is None:
            continue
        for target, reason in negatives:
            why = _similar(candidate, target, reason)
            if why:
                match.score = max(0.0, round(match.score - SIMILAR_PENALTY, 2))
                match.reasons.append(why)


def _similar(candidate: Listing, target: Listing, reason: str | None) -> str:
    """Why a negative judgement of ``target`` also speaks against ``candidate`` (or empty)."""
    if reason == "field" and candidate.field_code and candidate.field_code == target.field_code:
        return "与已标记“领域不符”的匹配属同一领域"
    supply_c = candidate if isinstance(candidate, Achievement) else None
    supply_t = target if isinstance(target, Achievement) else None
    if supply_c is None or supply_t is None:
        return ""
    if reason == "immature":
        have, judged = ranker.maturity_rank(supply_c), ranker.maturity_rank(supply_t)
        if have is not None and judged is not None and have <= judged:
            return "成熟度不高于已标记“技术成熟度不够”的成果"
    if (
        reason == "price"
        and supply_c.price is not None
        and supply_t.price is not None
        and supply_c.price >= supply_t.price
    ):
        return "报价不低于已标记“价格不合适”的成果"
    return ""
