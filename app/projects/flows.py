"""项目管理 state machines and the questions every use case asks first.

The call's and the application's workflows are declared here once, each transition with who
may take it; the milestones' states move inside the application's transitions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.errors import NotFound
from app.core.permissions import Action, can
from app.core.workflow import Transition, Workflow
from app.models import ProjectApplication, ProjectCall, User
from app.models.enums import CallStatus, MilestoneStatus, ProjectStatus
from app.projects import repository
from app.reviews import service as review_service
from app.reviews.service import ReviewKind

ATTACHMENT_OWNER = "project_application"
#: a call's applications are reviewed blind: experts see 申请 1, 申请 2 …
REVIEW = review_service.register(
    ReviewKind(subject_type=repository.SUBJECT, label="申报指南", blind=True)
)
#: the funding programme whose lines hold a call's grants (``item_no`` is the call's id)
FUNDING_PROGRAMME = "project_call"
#: reservations of a grant are made for the application
FUNDING_SUBJECT = "project_application"
#: 立项公示 lasts this many days before the task book can be issued
PUBLICITY_DAYS = 7
MILESTONES = ("立项启动", "中期检查", "验收")
DEFAULT_TRANCHES = [40, 30, 30]

C = CallStatus
call_flow: Workflow[CallStatus] = Workflow(
    "该申报指南",
    "status",
    [
        Transition("publish", "发布", frozenset({C.DRAFT}), C.OPEN, Action.PROJECT_MANAGE),
        Transition(
            "open_scoring", "开始专家评审", frozenset({C.OPEN}), C.SCORING, Action.PROJECT_MANAGE
        ),
        Transition(
            "close_scoring",
            "结束评审并排名",
            frozenset({C.SCORING}),
            C.RANKED,
            Action.PROJECT_MANAGE,
        ),
    ],
    type="project_call",
    summary=lambda c: c.title,
)

P = ProjectStatus
_STAFF = Action.PROJECT_MANAGE
_UNIT = Action.PROJECT_UNIT_REVIEW
_OWN = Action.PROJECT_EDIT
_PROJECT_TRANSITIONS: list[Transition[ProjectStatus]] = [
    Transition(
        "submit", "提交单位审核", frozenset({P.DRAFT, P.UNIT_RETURNED}), P.UNIT_REVIEW, _OWN
    ),
    Transition(
        "unit_approve", "单位审核通过并报送", frozenset({P.UNIT_REVIEW}), P.SUBMITTED, _UNIT
    ),
    Transition("unit_return", "单位退回修改", frozenset({P.UNIT_REVIEW}), P.UNIT_RETURNED, _UNIT),
    Transition("formal_pass", "形式审查通过", frozenset({P.SUBMITTED}), P.IN_REVIEW, _STAFF),
    Transition("formal_fail", "形式审查不通过", frozenset({P.SUBMITTED}), P.FORMAL_FAILED, _STAFF),
    Transition("approve", "批准立项", frozenset({P.IN_REVIEW}), P.APPROVED, _STAFF),
    Transition("decline", "不予立项", frozenset({P.IN_REVIEW}), P.NOT_APPROVED, _STAFF),
    Transition("publicize", "立项公示", frozenset({P.APPROVED}), P.PUBLICIZED, _STAFF),
    Transition("establish", "下达任务书", frozenset({P.PUBLICIZED}), P.IN_PROGRESS, _STAFF),
    # an objection during the publicity upheld (app/projects/objections.py)
    Transition("revoke", "撤销立项", frozenset({P.PUBLICIZED}), P.REVOKED, _STAFF),
    Transition(
        "report_midterm", "提交中期报告", frozenset({P.IN_PROGRESS}), P.MIDTERM_REVIEW, _OWN
    ),
    Transition(
        "accept_midterm", "中期检查通过", frozenset({P.MIDTERM_REVIEW}), P.IN_PROGRESS, _STAFF
    ),
    Transition(
        "return_midterm", "中期检查退回", frozenset({P.MIDTERM_REVIEW}), P.IN_PROGRESS, _STAFF
    ),
    Transition(
        "request_acceptance",
        "申请验收",
        frozenset({P.IN_PROGRESS, P.RECTIFYING}),
        P.ACCEPTANCE,
        _OWN,
    ),
    Transition("accept", "验收通过", frozenset({P.ACCEPTANCE}), P.ACCEPTED, _STAFF),
    Transition("rectify", "验收整改", frozenset({P.ACCEPTANCE}), P.RECTIFYING, _STAFF),
    Transition("fail", "验收不通过", frozenset({P.ACCEPTANCE}), P.FAILED, _STAFF),
    Transition("close", "结项", frozenset({P.ACCEPTED, P.FAILED}), P.CLOSED, _STAFF),
]
project_flow: Workflow[ProjectStatus] = Workflow(
    "该项目", "status", _PROJECT_TRANSITIONS, type="project", summary=lambda a: a.title
)
#: every event an application's workflow publishes
PROJECT_TOPICS = tuple(f"project.{t.action}" for t in _PROJECT_TRANSITIONS)
M = MilestoneStatus
#: applications the panel scores and ranks
SCORED = (P.IN_REVIEW, P.APPROVED, P.NOT_APPROVED, P.PUBLICIZED)
#: where the applicant can still edit the application
EDITABLE = (P.DRAFT, P.UNIT_RETURNED)
#: the stages the progress view shows, in order, with the states that mean "here or past it"
STAGES: list[tuple[str, tuple[ProjectStatus, ...]]] = [
    ("填写申报书", (P.DRAFT, P.UNIT_RETURNED)),
    ("单位审核", (P.UNIT_REVIEW,)),
    ("形式审查", (P.SUBMITTED, P.FORMAL_FAILED)),
    ("专家评审", (P.IN_REVIEW, P.NOT_APPROVED)),
    ("批准立项", (P.APPROVED,)),
    ("立项公示", (P.PUBLICIZED, P.REVOKED)),
    ("项目执行", (P.IN_PROGRESS, P.MIDTERM_REVIEW)),
    ("验收", (P.ACCEPTANCE, P.RECTIFYING, P.ACCEPTED, P.FAILED)),
    ("结项", (P.CLOSED,)),
]


def min_panel() -> int:
    """Fewest eligible experts left after exclusions for scoring to open (a setting)."""
    return get_settings().project_min_panel


def get_call(session: Session, user: User | None, call_id: int) -> ProjectCall:
    """A published call; drafts only for the staff."""
    call = repository.call(session, call_id)
    if call is None or (call.status == C.DRAFT and not can(user, Action.PROJECT_MANAGE)):
        raise NotFound("该申报指南不存在或尚未发布")
    return call


def may_manage(user: User | None) -> bool:
    return can(user, Action.PROJECT_MANAGE)


def may_see(session: Session, user: User | None, application: ProjectApplication) -> bool:
    """The applicant's people and the staff; the call's eligible experts once scoring opened."""
    if can(user, Action.PROJECT_VIEW, application):
        return True
    member = review_service.seat(repository.members(session, application.call_id), user)
    return application.status in SCORED and can(user, Action.PROJECT_SCORE, member)
