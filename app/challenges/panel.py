"""揭榜挂帅 expert review: forming the panel, conflicts, scoring and ranking.

The generic parts (conflicts of interest, weighted criteria, blind scores, ranking) live in
``app.reviews``; this module says what they mean for a challenge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.challenges import ranking, repository
from app.challenges.conflicts import Conflicts, find_conflicts
from app.challenges.flows import (
    SCORED,
    A,
    P,
    may_manage,
    member_for,
    min_panel,
    panel_flow,
    panel_of,
    signed_in,
)
from app.challenges.schemas import (
    ScoreIn,
)
from app.core import audit
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.notifications import notify
from app.core.permissions import Action, authorize
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengePanel,
    ChallengePanelMember,
    ChallengeScore,
    User,
)
from app.models.enums import (
    PanelMemberStatus,
)


def eligible_experts(session: Session) -> list[User]:
    return repository.experts(session)


def _conflicts(session: Session, challenge: Challenge, experts: list[User]) -> Conflicts:
    applicants = repository.applications(session, challenge.id, SCORED)
    return find_conflicts(session, challenge, applicants, experts)


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
    wanted = list(dict.fromkeys(expert_ids))
    experts = {u.id: u for u in repository.experts(session, wanted)}
    unknown = [str(i) for i in wanted if i not in experts]
    if unknown:
        raise InvalidInput(
            errors={"expert_ids": f"以下用户不是在册专家或已停用：{'、'.join(unknown)}"}
        )
    if panel is None:
        panel = ChallengePanel(
            challenge_id=challenge.id, status=P.FORMING, formed_by_id=signed_in(actor).id
        )
        panel.members = []
        session.add(panel)
    before = [m.expert_id for m in panel.members]
    panel.members.clear()
    session.flush()
    found = _conflicts(session, challenge, list(experts.values()))
    for expert_id in wanted:
        reasons = found.get(expert_id, [])
        panel.members.append(
            ChallengePanelMember(
                expert_id=expert_id,
                expert=experts[expert_id],
                status=PanelMemberStatus.EXCLUDED if reasons else PanelMemberStatus.ELIGIBLE,
                conflicts=reasons,
            )
        )
    session.flush()
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
    changes = []
    for member in panel.members:
        reasons = found.get(member.expert_id, [])
        status = PanelMemberStatus.EXCLUDED if reasons else PanelMemberStatus.ELIGIBLE
        if status != member.status:
            changes.append(f"{member.expert.name}：{member.status.label} → {status.label}")
        member.status, member.conflicts = status, reasons
    return changes


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
    eligible = [m for m in panel.members if m.status == PanelMemberStatus.ELIGIBLE]
    needed = min_panel()
    if len(eligible) < needed:
        raise Conflict(f"回避后参评专家只有 {len(eligible)} 人，至少需要 {needed} 人，请增加专家")
    before, after = panel_flow.apply(panel, "open")
    panel.scoring_opened_at = utcnow()
    audit.record(
        session,
        actor,
        "challenge_panel.open",
        panel,
        summary=f"“{challenge.title}”开始专家评分，参评专家 {len(eligible)} 人"
        + (f"；按最终申请名单复核回避：{'；'.join(changes)}" if changes else ""),
        before={"status": before.value},
        after={"status": after.value},
    )
    for member in eligible:
        notify(
            session,
            member.expert,
            topic="challenge.scoring_open",
            title=f"请评审榜单“{challenge.title}”的揭榜申请",
            body="您已被邀请担任该榜单的评审专家，请按榜单评价指标逐项打分并填写评语。",
            link=f"/challenges/{challenge.id}/scoring",
        )
    return panel


def scoring_sheet(
    session: Session, actor: Actor, challenge: Challenge
) -> tuple[ChallengePanel, list[ChallengeApplication], dict[int, ChallengeScore]]:
    """What an expert scores: the applications and their own scores so far (no one else's)."""
    user = signed_in(actor)
    panel = panel_of(session, challenge)
    authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    assert panel is not None
    if panel.status == P.FORMING:
        raise Conflict("评审尚未开始，开始评分后会通知您")
    apps = repository.applications(session, challenge.id, SCORED)
    own = {
        s.application_id: s
        for s in repository.scores(session, [a.id for a in apps])
        if s.expert_id == user.id
    }
    return panel, apps, own


def score(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    data: ScoreIn,
) -> ChallengeScore:
    """An expert's scores for one application; they can be revised until the panel closes."""
    user = signed_in(actor)
    panel = panel_of(session, challenge)
    authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    assert panel is not None
    lock_row(panel)  # closing the panel waits for a score being saved, and refuses later ones
    if panel.status != P.SCORING:
        raise Conflict(f"本榜评审当前为“{panel.status.label}”，不能评分")
    if application.status != A.SUBMITTED:
        raise Conflict("只能为已提交的申请评分")
    criteria = challenge.criteria
    if len(data.items) != len(criteria):
        names = "、".join(c["name"] for c in criteria)
        raise InvalidInput(errors={"items": f"应为 {len(criteria)} 项评分，依次对应：{names}"})
    items = [
        {
            "name": c["name"],
            "weight": int(c["weight"]),
            "score": item.score,
            "comment": item.comment.strip(),
        }
        for c, item in zip(criteria, data.items, strict=True)
    ]
    total = ranking.weighted_total([i["score"] for i in items], [i["weight"] for i in items])
    row = repository.score(session, application.id, user.id)
    before = {"total": str(row.total)} if row else None
    if row is None:
        row = ChallengeScore(
            application_id=application.id, expert_id=user.id, items=items, total=total
        )
        session.add(row)
    else:
        row.items, row.total = items, total
    session.flush()
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


def all_scores(session: Session, actor: Actor, challenge: Challenge) -> list[ChallengeScore]:
    """Every score: staff at any time; panel experts once the panel has closed."""
    user = signed_in(actor)
    panel = panel_of(session, challenge)
    if not may_manage(user, challenge):
        authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    apps = repository.applications(session, challenge.id, SCORED)
    rows = repository.scores(session, [a.id for a in apps])
    if may_manage(user, challenge) or (
        panel is not None and panel.status not in (P.FORMING, P.SCORING)
    ):
        return rows
    return [r for r in rows if r.expert_id == user.id]


@dataclass(frozen=True)
class Progress:
    expert: User
    scored: int
    of: int


def progress(session: Session, challenge: Challenge, panel: ChallengePanel) -> list[Progress]:
    """How far each eligible expert has got (counts only, for the staff)."""
    apps = repository.applications(session, challenge.id, [A.SUBMITTED, A.AWARDED, A.NOT_AWARDED])
    done: dict[int, int] = defaultdict(int)
    for row in repository.scores(session, [a.id for a in apps]):
        done[row.expert_id] += 1
    return [
        Progress(m.expert, done[m.expert_id], len(apps))
        for m in panel.members
        if m.status == PanelMemberStatus.ELIGIBLE
    ]


def _entries(
    session: Session, challenge: Challenge, apps: list[ChallengeApplication], eligible: set[int]
) -> list[ranking.Entry]:
    by_app: dict[int, list[list[int]]] = defaultdict(list)
    for row in repository.scores(session, [a.id for a in apps]):
        if row.expert_id in eligible:
            by_app[row.application_id].append([int(i["score"]) for i in row.items])
    return [ranking.Entry(key=a.id, name=a.org.name, expert_scores=by_app[a.id]) for a in apps]


def close_scoring(session: Session, actor: Actor, challenge: Challenge) -> ChallengePanel:
    """End scoring once every eligible expert has scored every application, and rank them."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise Conflict("请先组建评审专家组")
    apps = repository.applications(session, challenge.id, [A.SUBMITTED])
    eligible = {
        m.expert_id: m.expert for m in panel.members if m.status == PanelMemberStatus.ELIGIBLE
    }
    scored = {
        (r.application_id, r.expert_id) for r in repository.scores(session, [a.id for a in apps])
    }
    missing = []
    for expert_id, expert in eligible.items():
        todo = [a.org.name for a in apps if (a.id, expert_id) not in scored]
        if todo:
            missing.append(f"{expert.name}尚未评：{'、'.join(todo)}")
    if missing and panel.status == P.SCORING:
        raise Conflict("还有专家未完成评分，不能结束评审：" + "；".join(missing))
    before, after = panel_flow.apply(panel, "close")
    panel.closed_at = utcnow()
    criteria = [(c["name"], int(c["weight"])) for c in challenge.criteria]
    by_id = {a.id: a for a in apps}
    ranked = ranking.rank(_entries(session, challenge, apps, set(eligible)), criteria)
    for entry in ranked:
        application = by_id[entry.key]
        application.mean_score = ranking.shown(entry.mean)
        application.rank = entry.rank
        application.rank_note = entry.note
    audit.record(
        session,
        actor,
        "challenge_panel.close",
        panel,
        summary=f"“{challenge.title}”评审结束，排名："
        + "；".join(f"{e.rank}. {e.name} {ranking.shown(e.mean)}分" for e in ranked),
        before={"status": before.value},
        after={"status": after.value, "ranking": [[e.key, e.rank] for e in ranked]},
    )
    return panel


def ranked_applications(
    session: Session, actor: Actor, challenge: Challenge
) -> list[ChallengeApplication]:
    """The ranking, best first, once the panel has closed (staff)."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    apps = repository.applications(session, challenge.id, SCORED)
    return sorted((a for a in apps if a.rank is not None), key=lambda a: (a.rank or 0, a.id))
