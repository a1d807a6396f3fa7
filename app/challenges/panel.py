"""揭榜挂帅 expert review: forming the panel, conflicts, scoring and ranking.

The generic parts (conflicts of interest, weighted criteria, blind scores, ranking) live in
``app.reviews``; this module says what they mean for a challenge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.challenges import repository
from app.challenges.flows import (
    REVIEW,
    SCORED,
    A,
    P,
    may_manage,
    member_for,
    min_panel,
    panel_flow,
    panel_of,
)
from app.challenges.schemas import ScoreIn
from app.core import audit
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict
from app.core.permissions import Action, authorize, signed_in
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengePanel,
    ReviewMember,
    ReviewScore,
    User,
)
from app.models.enums import PanelMemberStatus
from app.reviews import ranking
from app.reviews import service as review_service
from app.reviews.conflicts import Conflicts, Party, find_conflicts
from app.reviews.criteria import Mark, criteria_from

SUBJECT = REVIEW.subject_type


def eligible_experts(session: Session) -> list[User]:
    return review_service.experts(session)


def parties(challenge: Challenge, applicants: list[ChallengeApplication]) -> list[Party]:
    """Who has a stake in a challenge: its publisher, and each applicant with its partners."""
    return [
        Party(challenge.org_id, "发榜单位"),
        *(Party(a.org_id, "揭榜单位", a.org.name, partners=True) for a in applicants),
    ]


def _conflicts(session: Session, challenge: Challenge, experts: list[User]) -> Conflicts:
    applicants = repository.applications(session, challenge.id, SCORED)
    return find_conflicts(session, parties(challenge, applicants), experts)


def _set_members(panel: ChallengePanel, rows: list[ReviewMember]) -> None:
    # The panel's view of its members is read-only (the rows are the review's): refresh it.
    set_committed_value(panel, "members", rows)


def form_panel(
    session: Session, actor: Actor, challenge: Challenge, expert_ids: list[int]
) -> ChallengePanel:
    """Set the panel's experts; each is checked for conflicts and excluded with the reasons."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is not None:
        lock_row(panel)
    if panel is not None and panel.status != P.FORMING:
        raise Conflict(f"评审已进入“{panel.status.label}”阶段，专家组不能再调整")
    experts = review_service.known_experts(session, expert_ids, "expert_ids")
    if panel is None:
        panel = ChallengePanel(
            challenge_id=challenge.id, status=P.FORMING, formed_by_id=signed_in(actor.user).id
        )
        session.add(panel)
        session.flush()
        _set_members(panel, [])
    before = [m.expert_id for m in panel.members]
    found = _conflicts(session, challenge, list(experts.values()))
    rows = review_service.set_members(session, SUBJECT, challenge.id, list(experts.values()), found)
    _set_members(panel, rows)
    excluded = [m for m in panel.members if m.status == PanelMemberStatus.EXCLUDED]
    audit.record(
        session,
        actor,
        "challenge_panel.form",
        panel,
        summary=f"组建“{challenge.title}”评审专家组：{len(panel.members)} 人，"
        f"回避 {len(excluded)} 人"
        + "".join(f"；{m.expert.name}回避：{'；'.join(m.conflicts)}" for m in excluded),
        before={"experts": before},
        after={
            "eligible": [m.expert_id for m in panel.members if m.status != "excluded"],
            "excluded": {str(m.expert_id): m.conflicts for m in excluded},
        },
    )
    return panel


def _refresh_conflicts(session: Session, challenge: Challenge, panel: ChallengePanel) -> list[str]:
    """Recheck every member against the applications as they stand; returns what changed."""
    found = _conflicts(session, challenge, [m.expert for m in panel.members])
    return review_service.recheck(panel.members, found)


def open_scoring(session: Session, actor: Actor, challenge: Challenge) -> ChallengePanel:
    """After the deadline: recheck conflicts against the final applicants and start scoring."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise Conflict("请先组建评审专家组")
    if today() <= challenge.application_deadline:
        raise Conflict(
            f"揭榜截止日期为 {challenge.application_deadline:%Y年%m月%d日}，截止后才能开始评分"
        )
    if not repository.applications(session, challenge.id, [A.SUBMITTED]):
        raise Conflict("该榜单没有已提交的揭榜申请，无法开始评审")
    changes = _refresh_conflicts(session, challenge, panel)
    eligible = review_service.eligible(panel.members)
    needed = min_panel()
    if len(eligible) < needed:
        raise Conflict(f"回避后参评专家只有 {len(eligible)} 人，至少需要 {needed} 人，请增加专家")
    panel_flow.run(
        session,
        actor,
        panel,
        "open",
        summary=f"“{challenge.title}”开始专家评分，参评专家 {len(eligible)} 人"
        + (f"；按最终申请名单复核回避：{'；'.join(changes)}" if changes else ""),
    )
    panel.scoring_opened_at = utcnow()
    return panel


def scoring_sheet(
    session: Session, actor: Actor, challenge: Challenge
) -> tuple[ChallengePanel, list[ChallengeApplication], dict[int, ReviewScore]]:
    """What an expert scores: the applications and their own scores so far (no one else's)."""
    user = signed_in(actor.user)
    panel = panel_of(session, challenge)
    authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    assert panel is not None
    if panel.status == P.FORMING:
        raise Conflict("评审尚未开始，开始评分后会通知您")
    apps = repository.applications(session, challenge.id, SCORED)
    own = {
        s.entry_id: s
        for s in review_service.scores(session, SUBJECT, [a.id for a in apps])
        if s.expert_id == user.id
    }
    return panel, apps, own


def score(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    data: ScoreIn,
) -> ReviewScore:
    """An expert's scores for one application; they can be revised until the panel closes."""
    user = signed_in(actor.user)
    panel = panel_of(session, challenge)
    authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    assert panel is not None
    lock_row(panel)  # closing the panel waits for a score being saved, and refuses later ones
    if panel.status != P.SCORING:
        raise Conflict(f"本榜评审当前为“{panel.status.label}”，不能评分")
    if application.status != A.SUBMITTED:
        raise Conflict("只能为已提交的申请评分")
    row, before = review_service.save_score(
        session,
        SUBJECT,
        challenge.id,
        application.id,
        user.id,
        criteria_from(challenge.criteria),
        [Mark(item.score, item.comment) for item in data.items],
    )
    total = row.total
    items = row.items
    audit.record(
        session,
        actor,
        "challenge_score.save",
        row,
        summary=f"专家评分：“{application.title}”加权总分 {total}",
        before=before,
        after={"total": str(total), "scores": [i["score"] for i in items]},
    )
    return row


def all_scores(session: Session, actor: Actor, challenge: Challenge) -> list[ReviewScore]:
    """Every score: staff at any time; panel experts once the panel has closed."""
    user = signed_in(actor.user)
    panel = panel_of(session, challenge)
    staff = may_manage(user, challenge)
    if not staff:
        authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    apps = repository.applications(session, challenge.id, SCORED)
    return review_service.visible_scores(
        review_service.scores(session, SUBJECT, [a.id for a in apps]),
        user.id,
        closed=panel is not None and panel.status not in (P.FORMING, P.SCORING),
        staff=staff,
    )


@dataclass(frozen=True)
class Progress:
    expert: User
    scored: int
    of: int


def progress(session: Session, challenge: Challenge, panel: ChallengePanel) -> list[Progress]:
    """How far each eligible expert has got (counts only, for the staff)."""
    apps = repository.applications(session, challenge.id, [A.SUBMITTED, A.AWARDED, A.NOT_AWARDED])
    done: dict[int, int] = defaultdict(int)
    for row in review_service.scores(session, SUBJECT, [a.id for a in apps]):
        done[row.expert_id] += 1
    return [
        Progress(m.expert, done[m.expert_id], len(apps))
        for m in review_service.eligible(panel.members)
    ]


def close_scoring(session: Session, actor: Actor, challenge: Challenge) -> ChallengePanel:
    """End scoring once every eligible expert has scored every application, and rank them."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise Conflict("请先组建评审专家组")
    apps = repository.applications(session, challenge.id, [A.SUBMITTED])
    eligible = {m.expert_id for m in review_service.eligible(panel.members)}
    rows = review_service.scores(session, SUBJECT, [a.id for a in apps])
    named = [(a.id, a.org.name) for a in apps]
    missing = review_service.missing(panel.members, named, rows)
    if missing and panel.status == P.SCORING:
        raise Conflict("还有专家未完成评分，不能结束评审：" + "；".join(missing))
    criteria = [(c["name"], int(c["weight"])) for c in challenge.criteria]
    ranked = ranking.rank(review_service.entries(rows, eligible, named), criteria)
    panel_flow.run(
        session,
        actor,
        panel,
        "close",
        summary=f"“{challenge.title}”评审结束，排名："
        + "；".join(f"{e.rank}. {e.name} {ranking.shown(e.mean)}分" for e in ranked),
        ranking=[[e.key, e.rank] for e in ranked],
    )
    panel.closed_at = utcnow()
    by_id = {a.id: a for a in apps}
    for entry in ranked:
        application = by_id[entry.key]
        application.mean_score = ranking.shown(entry.mean)
        application.rank = entry.rank
        application.rank_note = entry.note
    return panel


def ranked_applications(
    session: Session, actor: Actor, challenge: Challenge
) -> list[ChallengeApplication]:
    """The ranking, best first, once the panel has closed (staff)."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    apps = repository.applications(session, challenge.id, SCORED)
    return sorted((a for a in apps if a.rank is not None), key=lambda a: (a.rank or 0, a.id))


def managed_panel(session: Session, actor: Actor, challenge: Challenge) -> ChallengePanel | None:
    """The review panel of a challenge ``actor`` reviews (403 for anyone else)."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    return panel_of(session, challenge)
