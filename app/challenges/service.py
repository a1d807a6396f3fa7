"""揭榜挂帅 rules: applications, the expert panel and its conflicts, scoring, award, milestones.

A challenge is a published ``Challenge`` listing. Solver organisations draft and submit an
application up to the deadline (inclusive, in local time). Administrators form a panel of
experts; experts with a conflict of interest are kept on the panel as *excluded*, with the
reasons, so nobody is dropped silently. Scoring opens after the deadline; each eligible expert
scores every application on the challenge's weighted criteria and sees only their own scores
until the panel closes. Closing ranks the applications; the award decision tells every
applicant their scores, rank and the reasons and ends the challenge's call (已揭榜, or closed
when nobody won), and the award becomes a technical contract whose milestones (实施 → 中期检查
→ 验收) each release a tranche of the reward when accepted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from app.challenges import ranking, repository
from app.challenges.conflicts import Conflicts, find_conflicts
from app.challenges.schemas import (
    FIELD_LABELS,
    MILESTONE_NAMES,
    REQUIRED_TO_SUBMIT,
    ApplicationFields,
    ApplicationOut,
    AttachmentOut,
    AwardIn,
    Feedback,
    FeedbackItem,
    MemberOut,
    PanelOut,
    RankingRow,
    ScoreIn,
)
from app.core import attachments, audit, versioning
from app.core.audit import Actor
from app.core.clock import today
from app.core.config import get_settings
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from app.core.money import CENT, format_yuan
from app.core.permissions import Action, authorize, can
from app.core.workflow import Transition, Workflow
from app.listings import service as listing_service
from app.models import (
    Attachment,
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    ChallengePanelMember,
    ChallengeScore,
    User,
)
from app.models.enums import (
    ApplicationStatus,
    ContractType,
    ListingStatus,
    MilestoneStatus,
    PanelMemberStatus,
    PanelStatus,
    PartyRole,
)
from app.notifications.service import notify
from app.trading import service as trading_service
from app.trading.codes import tech_field_for
from app.trading.schemas import ContractCreate, MilestoneIn, PartyIn, PaymentCreate

ATTACHMENT_OWNER = "challenge_application"

A = ApplicationStatus
application_flow: Workflow[ApplicationStatus] = Workflow(
    "该揭榜申请",
    "status",
    [
        Transition("submit", "提交", frozenset({A.DRAFT, A.WITHDRAWN}), A.SUBMITTED),
        Transition("withdraw", "撤回", frozenset({A.SUBMITTED}), A.WITHDRAWN),
        Transition("award", "确定揭榜成功", frozenset({A.SUBMITTED}), A.AWARDED),
        Transition("decline", "确定未中榜", frozenset({A.SUBMITTED}), A.NOT_AWARDED),
    ],
)
P = PanelStatus
panel_flow: Workflow[PanelStatus] = Workflow(
    "本榜评审",
    "status",
    [
        Transition("open", "开始评分", frozenset({P.FORMING}), P.SCORING),
        Transition("close", "结束评审", frozenset({P.SCORING}), P.CLOSED),
        Transition("award", "确定揭榜方", frozenset({P.CLOSED}), P.AWARDED),
        Transition("no_award", "本榜空缺", frozenset({P.CLOSED}), P.NO_AWARD),
    ],
)
M = MilestoneStatus
milestone_flow: Workflow[MilestoneStatus] = Workflow(
    "该阶段",
    "status",
    [
        Transition("submit", "提交验收", frozenset({M.PENDING, M.RETURNED}), M.SUBMITTED),
        Transition("accept", "验收通过", frozenset({M.SUBMITTED}), M.ACCEPTED),
        Transition("return", "退回", frozenset({M.SUBMITTED}), M.RETURNED),
    ],
)
DECIDED = (P.AWARDED, P.NO_AWARD)
#: 技术领域 of the award's contract when the challenge's field has no statistics code: 先进制造.
DEFAULT_TECH_FIELD = "03"


def min_panel() -> int:
    """Fewest eligible experts left after exclusions for scoring to open (a setting)."""
    return get_settings().challenge_min_panel


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise NotAuthenticated("请先登录后再进行此操作")
    return actor.user


# ---------------------------------------------------------------- challenges and applications


def get_challenge(session: Session, challenge_id: int) -> Challenge:
    """A challenge that has been published (it may since have expired or closed)."""
    challenge = repository.challenge(session, challenge_id)
    if challenge is None or challenge.published_at is None:
        raise NotFound("该榜单不存在或尚未发布")
    return challenge


def accepting(challenge: Challenge) -> bool:
    return challenge.status == ListingStatus.PUBLISHED and today() <= (
        challenge.application_deadline
    )


def _check_accepting(challenge: Challenge) -> None:
    if challenge.status != ListingStatus.PUBLISHED:
        raise Conflict(f"该榜单当前状态为“{challenge.status.label}”，不接受揭榜申请")
    if today() > challenge.application_deadline:
        raise Conflict(
            f"揭榜已于 {challenge.application_deadline:%Y年%m月%d日} 截止，不能再提交或修改申请"
        )


def panel_of(session: Session, challenge: Challenge) -> ChallengePanel | None:
    return repository.panel(session, challenge.id)


def member_for(panel: ChallengePanel | None, user: User | None) -> ChallengePanelMember | None:
    if panel is None or user is None:
        return None
    return next((m for m in panel.members if m.expert_id == user.id), None)


def may_apply(user: User | None, challenge: Challenge) -> bool:
    return can(user, Action.CHALLENGE_APPLY, challenge)


def may_manage(user: User | None, challenge: Challenge) -> bool:
    return can(user, Action.CHALLENGE_MANAGE, challenge)


def may_see(
    session: Session, user: User | None, challenge: Challenge, application: ChallengeApplication
) -> bool:
    """The applicant's people, the reviewing staff, and the panel's eligible experts."""
    if can(user, Action.CHALLENGE_APPLICATION_EDIT, application) or may_manage(user, challenge):
        return True
    panel = panel_of(session, challenge)
    member = member_for(panel, user)
    return (
        panel is not None
        and panel.status != P.FORMING
        and application.status not in (A.DRAFT, A.WITHDRAWN)
        and can(user, Action.CHALLENGE_SCORE, member)
    )


def get_application(
    session: Session, user: User | None, challenge: Challenge, application_id: int
) -> ChallengeApplication:
    application = repository.application(session, application_id)
    if (
        application is None
        or application.challenge_id != challenge.id
        or not may_see(session, user, challenge, application)
    ):
        raise NotFound("该揭榜申请不存在或您无权查看")
    return application


def applications(
    session: Session, user: User | None, challenge: Challenge
) -> list[ChallengeApplication]:
    """All applications for the staff; the viewer's own organisation's otherwise."""
    if may_manage(user, challenge):
        return repository.applications(session, challenge.id)
    panel = panel_of(session, challenge)
    if (
        panel is not None
        and panel.status != P.FORMING
        and can(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    ):
        return repository.applications(session, challenge.id, _SCORED)
    if user is None or user.active_org_id is None:
        return []
    own = repository.application_of_org(session, challenge.id, user.active_org_id)
    return [own] if own else []


def own_application(
    session: Session, user: User | None, challenge: Challenge
) -> ChallengeApplication | None:
    if user is None or user.active_org_id is None:
        return None
    return repository.application_of_org(session, challenge.id, user.active_org_id)


def mine(session: Session, user: User) -> list[ChallengeApplication]:
    if user.active_org_id is None:
        return []
    return list(session.scalars(repository.applications_of_org(session, user.active_org_id)))


def challenges_by_id(session: Session, ids: list[int]) -> dict[int, Challenge]:
    return repository.challenges(session, ids)


_TEXT_FIELDS = ("title", "team", "plan", "schedule", "contact_name", "contact_phone")


def _apply(application: ChallengeApplication, data: ApplicationFields) -> None:
    for name in data.model_fields_set - {"version"}:
        value = getattr(data, name)
        if value is None and name in _TEXT_FIELDS:
            value = ""
        if name == "meets_requirements":
            value = bool(value)
        if isinstance(value, str):
            value = value.strip()
        setattr(application, name, value)


def create_application(
    session: Session, actor: Actor, challenge: Challenge, data: ApplicationFields
) -> ChallengeApplication:
    """Start the actor's organisation's draft application (one per organisation)."""
    user = _user(actor)
    authorize(user, Action.CHALLENGE_APPLY, challenge)
    _check_accepting(challenge)
    assert user.active_org_id is not None
    lock_row(challenge)  # a double click finds the draft the first click started
    existing = repository.application_of_org(session, challenge.id, user.active_org_id)
    if existing is not None:
        raise Conflict(
            f"本机构已揭榜该榜单（申请编号 {existing.id}），请继续编辑已有的申请",
            application_id=existing.id,
        )
    if not (data.title or "").strip():
        raise InvalidInput(errors={"title": REQUIRED_TO_SUBMIT["title"]})
    application = ChallengeApplication(
        challenge_id=challenge.id,
        org_id=user.active_org_id,
        created_by_id=user.id,
        status=A.DRAFT,
        title="",
        contact_name=user.name,
        contact_phone=user.phone,
    )
    _apply(application, data)
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor,
        "challenge_application.create",
        application,
        summary=f"揭榜“{challenge.title}”：创建申请草稿“{application.title}”",
        after=audit.snapshot(application, ["challenge_id", "org_id", "title", "status"]),
    )
    session.refresh(application, ["org", "created_by"])
    return application


def update_application(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    data: ApplicationFields,
    *,
    expected_version: int | None = None,
) -> ChallengeApplication:
    """Change a draft or a submitted application, until the deadline.

    Refused (409) when ``expected_version`` (else ``data.version``) is no longer the current
    one: a colleague saved the proposal meanwhile.
    """
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    expected = expected_version if expected_version is not None else data.version
    versioning.check(session, application, expected, "该揭榜申请", FIELD_LABELS)
    if application.status in (A.AWARDED, A.NOT_AWARDED):
        raise Conflict("评审结果已确定，申请不能再修改")
    _check_accepting(challenge)
    if "title" in data.model_fields_set and not (data.title or "").strip():
        raise InvalidInput(errors={"title": REQUIRED_TO_SUBMIT["title"]})
    before = audit.snapshot(application)
    _apply(application, data)
    if application.status == A.SUBMITTED:
        _check_complete(challenge, application)
    old, new = audit.diff(before, audit.snapshot(application))
    if new:
        application.version += 1
        old["version"], new["version"] = application.version - 1, application.version
    session.flush()
    audit.record(
        session,
        actor,
        "challenge_application.update",
        application,
        summary=f"修改揭榜申请“{application.title}”",
        before=old,
        after=new,
    )
    return application


def missing_for_submit(challenge: Challenge, application: ChallengeApplication) -> dict[str, str]:
    missing = {
        name: message
        for name, message in REQUIRED_TO_SUBMIT.items()
        if getattr(application, name) in (None, "")
    }
    if challenge.requirements.strip() and not application.meets_requirements:
        missing["meets_requirements"] = "请确认本单位满足榜单的揭榜硬性条件"
    return missing


def _check_complete(challenge: Challenge, application: ChallengeApplication) -> None:
    missing = missing_for_submit(challenge, application)
    if missing:
        raise InvalidInput("申请还有必填内容未完成", errors=missing)


def submit_application(
    session: Session, actor: Actor, challenge: Challenge, application: ChallengeApplication
) -> ChallengeApplication:
    """Hand in the application (揭榜); it can be withdrawn and resubmitted until the deadline."""
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    authorize(actor.user, Action.CHALLENGE_APPLY, challenge)
    _check_accepting(challenge)
    _check_complete(challenge, application)
    before, after = application_flow.apply(application, "submit")
    application.submitted_at = utcnow()
    application.withdrawn_at = None
    audit.record(
        session,
        actor,
        "challenge_application.submit",
        application,
        summary=f"提交揭榜申请“{application.title}”（榜单“{challenge.title}”）",
        before={"status": before.value},
        after={"status": after.value},
    )
    owner = session.get(User, challenge.owner_id)
    if owner is not None:
        notify(
            session,
            owner,
            topic="challenge.application_submitted",
            title=f"榜单“{challenge.title}”收到新的揭榜申请",
            body=f"{application.org.name} 提交了揭榜申请“{application.title}”。"
            f"揭榜截止后由平台组织专家评审。",
            link=f"/challenges/{challenge.id}",
            mail=False,
        )
    return application


def withdraw_application(
    session: Session, actor: Actor, challenge: Challenge, application: ChallengeApplication
) -> ChallengeApplication:
    """Take a submitted application back; possible until scoring opens."""
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    panel = panel_of(session, challenge)
    if panel is not None and panel.status != P.FORMING:
        raise Conflict("专家评审已经开始，申请不能再撤回")
    before, after = application_flow.apply(application, "withdraw")
    application.withdrawn_at = utcnow()
    audit.record(
        session,
        actor,
        "challenge_application.withdraw",
        application,
        summary=f"撤回揭榜申请“{application.title}”",
        before={"status": before.value},
        after={"status": after.value},
    )
    return application


def add_attachment(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    *,
    filename: str,
    data: bytes,
) -> Attachment:
    """Attach a document (PDF, Office or image) to the proposal, until the deadline."""
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    _check_accepting(challenge)
    return attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=application.id,
        category="document",
        filename=filename,
        data=data,
    )


def remove_attachment(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    attachment_id: int,
) -> None:
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    _check_accepting(challenge)
    row = attachments.get(session, ATTACHMENT_OWNER, application.id, attachment_id)
    attachments.remove(session, actor, row)


def application_attachments(
    session: Session, application: ChallengeApplication
) -> list[Attachment]:
    return attachments.list_for(session, ATTACHMENT_OWNER, application.id)


def attachment(
    session: Session, application: ChallengeApplication, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = attachments.get(session, ATTACHMENT_OWNER, application.id, attachment_id)
    return row, attachments.read(row)


# ------------------------------------------------------------------------------ the panel

_SCORED = (A.SUBMITTED, A.AWARDED, A.NOT_AWARDED)


def eligible_experts(session: Session) -> list[User]:
    return repository.experts(session)


def _conflicts(session: Session, challenge: Challenge, experts: list[User]) -> Conflicts:
    applicants = repository.applications(session, challenge.id, _SCORED)
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
            challenge_id=challenge.id, status=P.FORMING, formed_by_id=_user(actor).id
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
    user = _user(actor)
    panel = panel_of(session, challenge)
    authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    assert panel is not None
    if panel.status == P.FORMING:
        raise Conflict("评审尚未开始，开始评分后会通知您")
    apps = repository.applications(session, challenge.id, _SCORED)
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
    user = _user(actor)
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
    user = _user(actor)
    panel = panel_of(session, challenge)
    if not may_manage(user, challenge):
        authorize(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    apps = repository.applications(session, challenge.id, _SCORED)
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
    apps = repository.applications(session, challenge.id, _SCORED)
    return sorted((a for a in apps if a.rank is not None), key=lambda a: (a.rank or 0, a.id))


# ----------------------------------------------------------------- award and feedback


def split_reward(reward: Decimal, percents: list[int]) -> list[Decimal]:
    """The reward in tranches, exact to the cent; the last takes what rounding left over."""
    amounts = [(reward * p / 100).quantize(CENT) for p in percents[:-1]]
    return [*amounts, reward - sum(amounts, Decimal(0))]


def award(session: Session, actor: Actor, challenge: Challenge, data: AwardIn) -> ChallengePanel:
    """Name the winner (or leave the challenge unawarded) and tell every applicant why; the
    challenge then takes no more applications."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise Conflict("请先组建评审专家组并完成评审")
    lock_row(panel)  # a second decision waits, then finds the first one made
    if not panel_flow.can(panel, "award"):
        panel_flow.apply(panel, "award")  # raises the 409 naming the current state
    apps = repository.applications(session, challenge.id, [A.SUBMITTED])
    winner = None
    if data.application_id is not None:
        winner = next((a for a in apps if a.id == data.application_id), None)
        if winner is None:
            raise InvalidInput(errors={"application_id": "请选择本榜单中已提交且参加评审的申请"})
    before, after = panel_flow.apply(panel, "award" if winner else "no_award")
    # The decision ends the call: 已揭榜 (on view, naming the winner), or closed (本榜空缺).
    listing_service.conclude_challenge(
        session, actor, challenge, winner=winner.org.name if winner else None, reason=data.reason
    )
    panel.winner_id = winner.id if winner else None
    panel.decision_reason = data.reason.strip()
    panel.decided_by_id = _user(actor).id
    panel.decided_at = utcnow()
    for application in apps:
        application_flow.apply(application, "award" if application is winner else "decline")
    if winner is not None:
        panel.tranche_percents = list(data.tranches)
        amounts = split_reward(challenge.reward, data.tranches)
        for seq, (name, percent, amount) in enumerate(
            zip(MILESTONE_NAMES, data.tranches, amounts, strict=True), start=1
        ):
            session.add(
                ChallengeMilestone(
                    panel_id=panel.id, seq=seq, name=name, percent=percent, amount=amount
                )
            )
        session.flush()
        panel.contract_id = _contract_for(session, actor, challenge, panel, winner)
    audit.record(
        session,
        actor,
        "challenge_panel.award" if winner else "challenge_panel.no_award",
        panel,
        summary=(
            f"“{challenge.title}”确定揭榜方：{winner.org.name}（{data.reason.strip()}）"
            if winner
            else f"“{challenge.title}”本榜空缺（{data.reason.strip()}）"
        ),
        before={"status": before.value},
        after={
            "status": after.value,
            "winner_id": panel.winner_id,
            "tranches": panel.tranche_percents,
            "contract_id": panel.contract_id,
        },
    )
    _send_feedback(session, challenge, panel, apps)
    return panel


def _contract_for(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    panel: ChallengePanel,
    winner: ChallengeApplication,
) -> int:
    """The technical contract (技术开发, 委托方 = publisher, 受托方 = winner) the award becomes,
    with one payment milestone per stage; written by the trading domain's service."""
    rows = repository.milestones(session, panel.id)
    data = ContractCreate(
        title=f"揭榜挂帅：{challenge.title}"[:120],
        contract_type=ContractType.DEVELOPMENT,
        total_amount=challenge.reward,
        signed_on=today(),
        tech_field=tech_field_for(challenge.field_code) or DEFAULT_TECH_FIELD,
        summary=f"“{challenge.title}”揭榜挂帅评审确定{winner.org.name}为揭榜方，"
        f"奖励 {format_yuan(challenge.reward)} 按实施、中期检查、验收三个阶段验收后分期拨付。"
        f"评审决定理由：{panel.decision_reason}",
        parties=[
            PartyIn(role=PartyRole.CLIENT, org_id=challenge.org_id),
            PartyIn(role=PartyRole.CONTRACTOR, org_id=winner.org_id),
        ],
        milestones=[
            MilestoneIn(
                name=row.name,
                amount=row.amount,
                description=f"揭榜挂帅奖励第 {row.seq} 期（{row.percent}%），该阶段验收通过后拨付",
            )
            for row in rows
        ],
    )
    contract = trading_service.create_contract(session, actor, data)
    session.flush()
    by_position = {m.position: m.id for m in contract.milestones}
    for position, row in enumerate(rows):
        row.contract_milestone_id = by_position.get(position)
    return contract.id


def feedback(
    session: Session, challenge: Challenge, application: ChallengeApplication
) -> Feedback | None:
    """The applicant's result once the award is decided: scores per criterion, rank, reasons."""
    panel = panel_of(session, challenge)
    if (
        panel is None
        or panel.status not in DECIDED
        or application.status
        not in (
            A.AWARDED,
            A.NOT_AWARDED,
        )
    ):
        return None
    eligible = {m.expert_id for m in panel.members if m.status == PanelMemberStatus.ELIGIBLE}
    rows = [r for r in repository.scores(session, [application.id]) if r.expert_id in eligible]
    criteria = [(c["name"], int(c["weight"])) for c in challenge.criteria]
    items = []
    for i, (name, weight) in enumerate(criteria):
        values = [int(r.items[i]["score"]) for r in rows]
        mean = ranking.shown(ranking.Fraction(sum(values), len(values))) if values else Decimal(0)
        comments = [
            f"专家{n}（{int(r.items[i]['score'])} 分）：{r.items[i]['comment']}"
            for n, r in enumerate(rows, start=1)
        ]
        items.append(FeedbackItem(name=name, weight=weight, mean=mean, comments=comments))
    applicants = len(repository.applications(session, challenge.id, [A.AWARDED, A.NOT_AWARDED]))
    if application.status == A.AWARDED:
        outcome = "揭榜成功"
    elif panel.status == P.NO_AWARD:
        outcome = "本榜空缺，未确定揭榜方"
    else:
        outcome = "未中榜"
    return Feedback(
        rank=application.rank,
        applicants=applicants,
        mean_score=application.mean_score,
        rank_note=application.rank_note,
        criteria=items,
        outcome=outcome,
        decision_reason=panel.decision_reason,
    )


def _send_feedback(
    session: Session,
    challenge: Challenge,
    panel: ChallengePanel,
    apps: list[ChallengeApplication],
) -> None:
    for application in apps:
        result = feedback(session, challenge, application)
        assert result is not None
        lines = [
            f"结果：{result.outcome}",
            f"排名：第 {result.rank} 名（共 {result.applicants} 个申请）"
            if result.rank
            else "排名：无",
            f"平均分：{result.mean_score} 分",
            *(f"· {c.name}（权重 {c.weight}%）：平均 {c.mean} 分" for c in result.criteria),
            f"排名说明：{result.rank_note}",
            f"评审决定理由：{result.decision_reason}",
        ]
        recipient = session.get(User, application.created_by_id)
        if recipient is None:
            continue
        notify(
            session,
            recipient,
            topic="challenge.result",
            title=f"榜单“{challenge.title}”评审结果：{result.outcome}",
            body="\n".join(lines) + "\n各项评语见申请页面。",
            link=f"/challenges/{challenge.id}/applications/{application.id}",
        )
    owner = session.get(User, challenge.owner_id)
    winner = next((a for a in apps if a.id == panel.winner_id), None)
    if owner is not None:
        notify(
            session,
            owner,
            topic="challenge.result",
            title=f"榜单“{challenge.title}”评审完成",
            body=(
                f"揭榜方：{winner.org.name}。奖励 {format_yuan(challenge.reward)} "
                "按实施、中期检查、验收三个阶段验收后分期拨付。"
                if winner
                else f"本榜空缺。理由：{panel.decision_reason}"
            ),
            link=f"/challenges/{challenge.id}",
        )


# ------------------------------------------------------------------------ milestones


def milestones(session: Session, panel: ChallengePanel | None) -> list[ChallengeMilestone]:
    return repository.milestones(session, panel.id) if panel is not None else []


def _winner(session: Session, challenge: Challenge) -> tuple[ChallengePanel, ChallengeApplication]:
    panel = panel_of(session, challenge)
    if panel is None or panel.status != P.AWARDED or panel.winner_id is None:
        raise Conflict("该榜单尚未确定揭榜方")
    winner = repository.application(session, panel.winner_id)
    assert winner is not None
    return panel, winner


def _milestone(session: Session, panel: ChallengePanel, seq: int) -> ChallengeMilestone:
    rows = repository.milestones(session, panel.id)
    row = next((m for m in rows if m.seq == seq), None)
    if row is None:
        raise NotFound("该阶段不存在")
    earlier = [m for m in rows if m.seq < seq and m.status != M.ACCEPTED]
    if earlier:
        raise Conflict(f"请先完成上一阶段“{earlier[-1].name}”的验收")
    return row


def submit_milestone(
    session: Session, actor: Actor, challenge: Challenge, seq: int, report: str
) -> ChallengeMilestone:
    """The solver reports a stage done and asks for its acceptance."""
    # Permission first, so an outsider learns nothing about the review from the refusal: the
    # winner's people once the award is decided; before it, an applicant is told it is not.
    panel = panel_of(session, challenge)
    decided = (
        repository.application(session, panel.winner_id)
        if panel is not None and panel.winner_id is not None
        else None
    )
    authorize(
        actor.user,
        Action.CHALLENGE_APPLICATION_EDIT,
        decided or own_application(session, actor.user, challenge),
    )
    panel, winner = _winner(session, challenge)
    row = _milestone(session, panel, seq)
    before, after = milestone_flow.apply(row, "submit")
    row.report, row.submitted_at = report.strip(), utcnow()
    audit.record(
        session,
        actor,
        "challenge_milestone.submit",
        row,
        summary=f"“{challenge.title}”提交“{row.name}”阶段验收",
        before={"status": before.value},
        after={"status": after.value},
    )
    decider = session.get(User, panel.decided_by_id) if panel.decided_by_id else None
    if decider is not None:
        notify(
            session,
            decider,
            topic="challenge.milestone_submitted",
            title=f"“{challenge.title}”的“{row.name}”阶段待验收",
            body=f"{winner.org.name} 提交了“{row.name}”阶段报告，请验收。",
            link=f"/challenges/{challenge.id}/review",
        )
    return row


def accept_milestone(
    session: Session, actor: Actor, challenge: Challenge, seq: int
) -> ChallengeMilestone:
    """Accept a stage; its tranche of the reward is released for payment."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel, winner = _winner(session, challenge)
    row = _milestone(session, panel, seq)
    before, after = milestone_flow.apply(row, "accept")
    now = utcnow()
    row.accepted_at, row.released_at, row.accepted_by_id = now, now, _user(actor).id
    row.return_reason = ""
    contract = (
        trading_service.get_contract(session, actor, panel.contract_id)
        if panel.contract_id is not None
        else None
    )
    if contract is not None and row.contract_milestone_id is not None:
        if can(actor.user, Action.CONTRACT_EDIT, contract):
            # The released tranche is the contract's payment for that milestone. (A district
            # administrator may accept the stage; the payment is then recorded by a party.)
            trading_service.record_payment(
                session,
                actor,
                contract.id,
                PaymentCreate(
                    milestone_id=row.contract_milestone_id,
                    amount=row.amount,
                    paid_on=today(),
                    note=f"揭榜挂帅第 {row.seq} 期奖励（{row.name}验收通过）",
                ),
            )
        # Accepted is done, paid or not.
        trading_service.complete_milestone(
            session, actor, contract.id, row.contract_milestone_id, today()
        )
    audit.record(
        session,
        actor,
        "challenge_milestone.accept",
        row,
        summary=f"“{challenge.title}”“{row.name}”阶段验收通过，拨付第 {row.seq} 期奖励 "
        f"{format_yuan(row.amount)}（{row.percent}%）",
        before={"status": before.value},
        after={"status": after.value, "released": str(row.amount)},
    )
    _tell_winner(
        session,
        challenge,
        winner,
        f"“{row.name}”阶段验收通过",
        f"第 {row.seq} 期奖励 {format_yuan(row.amount)}（{row.percent}%）已拨付。",
    )
    return row


def return_milestone(
    session: Session, actor: Actor, challenge: Challenge, seq: int, reason: str
) -> ChallengeMilestone:
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel, winner = _winner(session, challenge)
    row = _milestone(session, panel, seq)
    before, after = milestone_flow.apply(row, "return")
    row.return_reason = reason.strip()
    audit.record(
        session,
        actor,
        "challenge_milestone.return",
        row,
        summary=f"“{challenge.title}”“{row.name}”阶段退回：{row.return_reason}",
        before={"status": before.value},
        after={"status": after.value},
    )
    _tell_winner(
        session,
        challenge,
        winner,
        f"“{row.name}”阶段验收未通过",
        f"原因：{row.return_reason}。请补充后重新提交。",
    )
    return row


def _tell_winner(
    session: Session,
    challenge: Challenge,
    winner: ChallengeApplication,
    title: str,
    body: str,
) -> None:
    recipient = session.get(User, winner.created_by_id)
    if recipient is not None:
        notify(
            session,
            recipient,
            topic="challenge.milestone",
            title=f"榜单“{challenge.title}”：{title}",
            body=body,
            link=f"/challenges/{challenge.id}/applications/{winner.id}",
        )


def released_total(rows: list[ChallengeMilestone]) -> Decimal:
    return sum((m.amount for m in rows if m.released_at is not None), Decimal(0))


# ------------------------------------------------------------------------------ views


def view(
    session: Session, challenge: Challenge, application: ChallengeApplication
) -> ApplicationOut:
    """The application as its readers see it, with attachments and (once decided) feedback."""
    base = f"/api/v1/challenges/{challenge.id}/applications/{application.id}/attachments"
    return ApplicationOut(
        id=application.id,
        challenge_id=challenge.id,
        org_id=application.org_id,
        org_name=application.org.name,
        status=application.status.value,
        status_label=application.status.label,
        title=application.title,
        team=application.team,
        plan=application.plan,
        budget=application.budget,
        schedule=application.schedule,
        contact_name=application.contact_name,
        contact_phone=application.contact_phone,
        meets_requirements=application.meets_requirements,
        submitted_at=application.submitted_at,
        version=application.version,
        attachments=[
            AttachmentOut(
                id=row.id,
                filename=row.filename,
                size=row.size,
                content_type=row.content_type,
                url=f"{base}/{row.id}",
            )
            for row in application_attachments(session, application)
        ],
        feedback=feedback(session, challenge, application),
    )


def panel_view(panel: ChallengePanel) -> PanelOut:
    return PanelOut(
        challenge_id=panel.challenge_id,
        status=panel.status.value,
        status_label=panel.status.label,
        members=[
            MemberOut(
                expert_id=m.expert_id,
                expert_name=m.expert.name,
                org_name=m.expert.org.name if m.expert.org else "",
                status=m.status.value,
                status_label=m.status.label,
                conflicts=m.conflicts,
            )
            for m in panel.members
        ],
        scoring_opened_at=panel.scoring_opened_at,
        closed_at=panel.closed_at,
        winner_id=panel.winner_id,
        decision_reason=panel.decision_reason,
        contract_id=panel.contract_id,
    )


def get_panel(session: Session, actor: Actor, challenge: Challenge) -> ChallengePanel:
    """The panel with every member, excluded ones and their reasons included (staff)."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise NotFound("该榜单尚未组建评审专家组")
    return panel


def ranking_rows(session: Session, actor: Actor, challenge: Challenge) -> list[RankingRow]:
    """The ranking with each application's criterion means and expert totals (staff)."""
    panel = panel_of(session, challenge)
    if panel is None or panel.status in (P.FORMING, P.SCORING):
        authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
        raise Conflict("评审结束后才有排名")
    apps = ranked_applications(session, actor, challenge)
    eligible = {m.expert_id for m in panel.members if m.status == PanelMemberStatus.ELIGIBLE}
    by_app: dict[int, list[ChallengeScore]] = defaultdict(list)
    for row in repository.scores(session, [a.id for a in apps]):
        if row.expert_id in eligible:
            by_app[row.application_id].append(row)
    rows = []
    for a in apps:
        scored = by_app[a.id]
        means = [
            ranking.shown(
                ranking.Fraction(sum(int(s.items[i]["score"]) for s in scored), len(scored))
            )
            if scored
            else Decimal(0)
            for i in range(len(challenge.criteria))
        ]
        rows.append(
            RankingRow(
                application_id=a.id,
                org_name=a.org.name,
                title=a.title,
                rank=a.rank or 0,
                mean_score=a.mean_score or Decimal(0),
                criteria_means=means,
                rank_note=a.rank_note,
                expert_totals=[s.total for s in scored],
            )
        )
    return rows


def visible_milestones(
    session: Session, user: User, challenge: Challenge
) -> list[ChallengeMilestone]:
    """The stages and tranches: for the staff and the winning organisation."""
    panel = panel_of(session, challenge)
    if panel is None or panel.winner_id is None:
        return []
    winner = repository.application(session, panel.winner_id)
    if not (
        may_manage(user, challenge)
        or (winner is not None and can(user, Action.CHALLENGE_APPLICATION_EDIT, winner))
    ):
        raise NotFound("该榜单的实施进度仅揭榜方和管理员可见")
    return repository.milestones(session, panel.id)


def panels_of_expert(session: Session, user: User) -> list[ChallengePanel]:
    """The panels the expert was invited to, newest first (excluded seats included)."""
    return repository.panels_of_expert(session, user.id)
