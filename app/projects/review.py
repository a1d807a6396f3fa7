"""形式审查 and the blind expert review of a call's applications, on ``app.reviews``.

The call's row holds the review's state (open → scoring → ranked, ``call_flow``); its experts,
their conflicts and scores are the generic review's, subject ``("project_call", call id)``.
Experts see the applications as 申请 1, 申请 2 … (the kind is blind) and only their own scores
until the review closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.core import audit
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict
from app.core.permissions import Action, authorize, can, signed_in
from app.models import ProjectApplication, ProjectCall, ReviewMember, ReviewScore, User
from app.models.enums import PanelMemberStatus
from app.notifications import service as notifications
from app.projects import notices, repository
from app.projects.applications import move
from app.projects.flows import REVIEW, SCORED, C, P, call_flow, min_panel
from app.projects.schemas import ScoreIn
from app.reviews import ranking, tasks
from app.reviews import service as review_service
from app.reviews.conflicts import Conflicts, Party, find_conflicts
from app.reviews.criteria import Mark, criteria_from

SUBJECT = REVIEW.subject_type


def formal_pass(
    session: Session, actor: Actor, application: ProjectApplication, note: str = ""
) -> ProjectApplication:
    """形式审查通过: the application goes to the expert review."""
    move(session, actor, application, "formal_pass", note)
    return application


def formal_fail(
    session: Session, actor: Actor, application: ProjectApplication, note: str
) -> ProjectApplication:
    move(session, actor, application, "formal_fail", note)
    return application


def _parties(applications: list[ProjectApplication]) -> list[Party]:
    return [Party(a.org_id, "申报单位", a.org.name, partners=True) for a in applications]


def _conflicts(session: Session, call: ProjectCall, experts: list[User]) -> Conflicts:
    applicants = repository.applications(
        session, call.id, [P.SUBMITTED, P.IN_REVIEW, P.UNIT_REVIEW]
    )
    return find_conflicts(session, _parties(applicants), experts)


def _set_members(call: ProjectCall, rows: list[ReviewMember]) -> None:
    set_committed_value(call, "members", rows)


def form_panel(
    session: Session, actor: Actor, call: ProjectCall, expert_ids: list[int]
) -> ProjectCall:
    """Set the call's experts; each conflicted one is kept, excluded, with the reasons."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    lock_row(call)
    if call.status not in (C.DRAFT, C.OPEN):
        raise Conflict(f"评审已进入“{call.status.label}”阶段，专家组不能再调整")
    experts = review_service.known_experts(session, expert_ids, "expert_ids")
    before = [m.expert_id for m in repository.members(session, call.id)]
    found = _conflicts(session, call, list(experts.values()))
    rows = review_service.set_members(session, SUBJECT, call.id, list(experts.values()), found)
    _set_members(call, rows)
    excluded = [m for m in rows if m.status == PanelMemberStatus.EXCLUDED]
    audit.record(
        session,
        actor,
        "project_call.form_panel",
        call,
        summary=f"组建“{call.title}”评审专家组：{len(rows)} 人，回避 {len(excluded)} 人"
        + "".join(f"；{m.expert.name}回避：{'；'.join(m.conflicts)}" for m in excluded),
        before={"experts": before},
        after={
            "eligible": [m.expert_id for m in rows if m.status == PanelMemberStatus.ELIGIBLE],
            "excluded": {str(m.expert_id): m.conflicts for m in excluded},
        },
    )
    return call


def open_scoring(session: Session, actor: Actor, call: ProjectCall) -> ProjectCall:
    """After the deadline and 形式审查: recheck conflicts and start the blind scoring."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    if today() <= call.closes_on:
        raise Conflict(f"申报截止日期为 {call.closes_on:%Y年%m月%d日}，截止后才能开始评审")
    waiting = repository.applications(session, call.id, [P.SUBMITTED])
    if waiting:
        raise Conflict(f"还有 {len(waiting)} 份申报未完成形式审查")
    if not repository.applications(session, call.id, [P.IN_REVIEW]):
        raise Conflict("没有通过形式审查的申报，无法开始评审")
    members = repository.members(session, call.id)
    _set_members(call, members)
    changes = review_service.recheck(
        members, _conflicts(session, call, [m.expert for m in members])
    )
    eligible = review_service.eligible(members)
    if len(eligible) < min_panel():
        raise Conflict(
            f"回避后参评专家只有 {len(eligible)} 人，至少需要 {min_panel()} 人，请增加专家"
        )
    call_flow.run(
        session,
        actor,
        call,
        "open_scoring",
        note=f"参评专家 {len(eligible)} 人"
        + (f"；复核回避：{'；'.join(changes)}" if changes else ""),
    )
    call.scoring_opened_at = utcnow()
    for member in eligible:
        notifications.send(
            session,
            member.expert,
            notices.SCORING_OPEN,
            link=f"/projects/calls/{call.id}/scoring",
            call=call.title,
        )
    return call


@dataclass(frozen=True)
class SheetRow:
    position: int
    application: ProjectApplication
    shown_name: str
    own: ReviewScore | None


def _seat(session: Session, call: ProjectCall, user: User) -> ReviewMember | None:
    return review_service.seat(repository.members(session, call.id), user)


def scorer(session: Session, actor: Actor, call: ProjectCall) -> User:
    """The actor, when they sit on the call's panel and were not excluded."""
    user = signed_in(actor.user)
    authorize(user, Action.PROJECT_SCORE, _seat(session, call, user))
    return user


def sheet(session: Session, actor: Actor, call: ProjectCall) -> list[SheetRow]:
    """What an expert scores: the applications, numbered, with their own scores so far."""
    user = scorer(session, actor, call)
    if call.status == C.OPEN or call.status == C.DRAFT:
        raise Conflict("评审尚未开始，开始评审后会通知您")
    apps = repository.applications(session, call.id, SCORED)
    own = {
        s.entry_id: s
        for s in review_service.scores(session, SUBJECT, [a.id for a in apps])
        if s.expert_id == user.id
    }
    return [
        SheetRow(n, a, review_service.shown_name(REVIEW, a.org.name, n, staff=False), own.get(a.id))
        for n, a in enumerate(apps, start=1)
    ]


def score(
    session: Session,
    actor: Actor,
    call: ProjectCall,
    application: ProjectApplication,
    data: ScoreIn,
) -> ReviewScore:
    """An expert's marks for one application; revisable until the review closes."""
    user = scorer(session, actor, call)
    lock_row(call)  # closing waits for a score being saved, and refuses later ones
    if call.status != C.SCORING:
        raise Conflict(f"该指南评审当前为“{call.status.label}”，不能评分")
    if application.call_id != call.id or application.status != P.IN_REVIEW:
        raise Conflict("只能为进入专家评审的申报评分")
    row, before = review_service.save_score(
        session,
        SUBJECT,
        call.id,
        application.id,
        user.id,
        criteria_from(call.criteria),
        [Mark(i.score, i.comment) for i in data.items],
    )
    audit.record(
        session,
        actor,
        "project_score.save",
        row,
        summary=f"专家评分：申报 {application.id} 加权总分 {row.total}",
        before=before,
        after={"total": str(row.total), "scores": [i["score"] for i in row.items]},
    )
    return row


def visible_scores(session: Session, actor: Actor, call: ProjectCall) -> list[ReviewScore]:
    """Staff see every score; an expert their own until the review closes, then all."""
    user = signed_in(actor.user)
    staff = can(user, Action.PROJECT_MANAGE)
    if not staff:
        authorize(user, Action.PROJECT_SCORE, _seat(session, call, user))
    apps = repository.applications(session, call.id, SCORED)
    return review_service.visible_scores(
        review_service.scores(session, SUBJECT, [a.id for a in apps]),
        user.id,
        closed=call.status == C.RANKED,
        staff=staff,
    )


@dataclass(frozen=True)
class Progress:
    expert: User
    scored: int
    of: int


def progress(session: Session, call: ProjectCall) -> list[Progress]:
    apps = repository.applications(session, call.id, [P.IN_REVIEW])
    rows = review_service.scores(session, SUBJECT, [a.id for a in apps])
    members = repository.members(session, call.id)
    return [
        Progress(m.expert, sum(1 for r in rows if r.expert_id == m.expert_id), len(apps))
        for m in review_service.eligible(members)
    ]


def close_scoring(session: Session, actor: Actor, call: ProjectCall) -> ProjectCall:
    """End the review once every eligible expert scored every application, and rank them."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    lock_row(call)
    apps = repository.applications(session, call.id, [P.IN_REVIEW])
    members = repository.members(session, call.id)
    rows = review_service.scores(session, SUBJECT, [a.id for a in apps])
    named = [(a.id, a.number or str(a.id)) for a in apps]
    if call.status == C.SCORING and (missing := review_service.missing(members, named, rows)):
        raise Conflict("还有专家未完成评分，不能结束评审：" + "；".join(missing))
    eligible = {m.expert_id for m in review_service.eligible(members)}
    ranked = ranking.rank(
        review_service.entries(rows, eligible, named),
        [(c["name"], int(c["weight"])) for c in call.criteria],
    )
    by_id = {a.id: a for a in apps}
    for entry in ranked:
        application = by_id[entry.key]
        application.mean_score = ranking.shown(entry.mean)
        application.rank = entry.rank
        application.rank_note = entry.note
    call_flow.run(
        session,
        actor,
        call,
        "close_scoring",
        summary=f"“{call.title}”评审结束，排名："
        + "；".join(f"{e.rank}. {e.name} {ranking.shown(e.mean)}分" for e in ranked),
        ranking=[[e.key, e.rank] for e in ranked],
    )
    call.ranked_at = utcnow()
    return call


def ranked(session: Session, actor: Actor, call: ProjectCall) -> list[ProjectApplication]:
    """The ranking, best first (staff), once the review has closed."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    apps = repository.applications(session, call.id, SCORED)
    return sorted((a for a in apps if a.rank is not None), key=lambda a: (a.rank or 0, a.id))


@tasks.describes(SUBJECT)
def _tasks(session: Session, expert: User, members: list[ReviewMember]) -> list[tasks.ReviewTask]:
    """The calls the expert sits on: how many of the applications they scored, what is due."""
    out = []
    for member in members:
        call = repository.call(session, member.subject_id)
        if call is None:
            continue
        apps = repository.applications(session, call.id, SCORED)
        done = sum(
            1
            for s in review_service.scores(session, SUBJECT, [a.id for a in apps])
            if s.expert_id == expert.id
        )
        excluded = member.status == PanelMemberStatus.EXCLUDED
        scoring = call.status == C.SCORING
        if excluded:
            label = "已回避：" + "；".join(member.conflicts)
        elif call.status == C.OPEN:
            label = f"待开始评审（申报截止 {call.closes_on:%Y年%m月%d日} 后开始）"
        elif scoring:
            label = f"评分中：已评 {done}/{len(apps)}"
        else:
            label = "评审结束"
        out.append(
            tasks.ReviewTask(
                subject_type=SUBJECT,
                subject_id=call.id,
                kind_label="项目申报评审",
                title=call.title,
                pending=scoring and not excluded and done < len(apps),
                status_label=label,
                deadline=None,
                url=f"/projects/calls/{call.id}/scoring",
                scored=done,
                of=len(apps),
            )
        )
    return out
