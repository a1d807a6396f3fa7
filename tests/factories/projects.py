"""A published programme call with applicant enterprises and experts, for the 项目管理 flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.models import Organization, ProjectApplication, ProjectCall, User
from app.models.enums import OrgRole, OrgType, Role
from app.projects import service
from app.projects.schemas import ApplicationFields, CallCreate, EstablishIn, ScoreIn
from tests.factories.accounts import make_org, make_user

FORM: list[dict[str, Any]] = [
    {"key": "key_tech", "label": "拟突破的关键核心技术", "type": "textarea", "required": True},
    {"key": "self_funds", "label": "自筹资金", "type": "money", "required": True, "min": "0"},
    {"key": "staff", "label": "研发人员数", "type": "integer", "min": "1", "max": "5000"},
    {"key": "start_date", "label": "计划开始日期", "type": "date", "required": True},
    {
        "key": "stage",
        "label": "技术成熟度",
        "type": "choice",
        "options": ["实验室", "小试", "中试", "产业化"],
        "required": True,
    },
    {"key": "pledge", "label": "承诺所填内容真实有效", "type": "boolean", "required": True},
]
ANSWERS: dict[str, Any] = {
    "key_tech": "车规级毫米波雷达芯片封装的热应力控制与低温共烧陶瓷基板工艺",
    "self_funds": "120万",
    "staff": "36",
    "start_date": "2027-01-01",
    "stage": "中试",
    "pledge": True,
}
CRITERIA = [
    {"name": "技术先进性", "weight": 40},
    {"name": "实施基础", "weight": 30},
    {"name": "预期效益", "weight": 30},
]


def call_data(**over: Any) -> CallCreate:
    data: dict[str, Any] = {
        "programme": "enterprise_rd",
        "title": "2027年度企业关键核心技术攻关项目申报指南",
        "year": today().year,
        "summary": "支持汽车电子、光电信息领域企业攻克关键核心技术",
        "eligibility": "本市注册的企业",
        "org_types": ["enterprise"],
        "opens_on": today() - timedelta(days=10),
        "closes_on": today() + timedelta(days=20),
        "budget": "300万",
        "max_amount": "100万",
        "criteria": CRITERIA,
        "form": FORM,
        **over,
    }
    return CallCreate.model_validate(data)


@dataclass
class Cast:
    admin: User
    call: ProjectCall
    orgs: list[Organization] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    unit_admins: list[User] = field(default_factory=list)
    experts: list[User] = field(default_factory=list)

    @property
    def staff(self) -> Actor:
        return Actor(user=self.admin)


def make_cast(session: Session, applicants: int = 3, *, tag: str = "", **call: Any) -> Cast:
    """A published call, ``applicants`` enterprises (a member and an administrator each) and
    three experts of no organisation. ``tag`` keeps names unique in a shared database."""
    admin = make_user(session, role=Role.PLATFORM_ADMIN, name="项目管理员")
    created = service.calls.create(session, Actor(user=admin), call_data(**call))
    service.calls.publish(session, Actor(user=admin), created)
    cast = Cast(admin=admin, call=created)
    for i in range(applicants):
        org = make_org(session, name=f"长春申报企业{i + 1}{tag}", org_type=OrgType.ENTERPRISE)
        cast.orgs.append(org)
        cast.members.append(make_user(session, org=org, name=f"经办人{i + 1}"))
        cast.unit_admins.append(
            make_user(session, org=org, org_role=OrgRole.ADMIN, name=f"单位管理员{i + 1}")
        )
    cast.experts = [
        make_user(session, role=Role.EXPERT, name=f"评审专家{n}{tag}") for n in range(1, 4)
    ]
    return cast


def draft(session: Session, cast: Cast, i: int, amount: str = "80万") -> ProjectApplication:
    return service.applications.create(
        session,
        Actor(user=cast.members[i]),
        cast.call,
        ApplicationFields(
            title=f"车规级雷达芯片封装关键技术攻关{i + 1}",
            summary="围绕毫米波雷达芯片封装开展攻关",
            requested_amount=Decimal(amount.replace("万", "")) * 10000,
            answers=ANSWERS,
        ),
    )


def sent_in(
    session: Session, cast: Cast, amounts: list[str] | None = None
) -> list[ProjectApplication]:
    """Every applicant drafts, submits, its unit approves and 形式审查 passes."""
    apps = []
    for i in range(len(cast.orgs)):
        application = draft(session, cast, i, (amounts or [])[i] if amounts else "80万")
        service.applications.submit(session, Actor(user=cast.members[i]), application)
        service.applications.unit_approve(session, Actor(user=cast.unit_admins[i]), application)
        service.review.formal_pass(session, cast.staff, application)
        apps.append(application)
    return apps


def ranked(
    session: Session, cast: Cast, amounts: list[str] | None = None
) -> list[ProjectApplication]:
    """Sent in, the panel formed, the deadline passed, every expert scored, ranking made."""
    apps = sent_in(session, cast, amounts)
    service.review.form_panel(session, cast.staff, cast.call, [e.id for e in cast.experts])
    cast.call.closes_on = today() - timedelta(days=1)
    session.flush()
    service.review.open_scoring(session, cast.staff, cast.call)
    for e, expert in enumerate(cast.experts):
        for n, application in enumerate(apps):
            marks = [{"score": 90 - 5 * n - e, "comment": "方案可行"} for _ in CRITERIA]
            service.review.score(
                session,
                Actor(user=expert),
                cast.call,
                application,
                ScoreIn.model_validate({"items": marks}),
            )
    service.review.close_scoring(session, cast.staff, cast.call)
    return apps


def established(
    session: Session, cast: Cast, application: ProjectApplication, amount: str = "800000"
) -> ProjectApplication:
    """Approved, publicised, the publicity over and the task book issued."""
    service.decisions.approve(session, cast.staff, application, Decimal(amount))
    service.decisions.publicize(session, cast.staff, cast.call)
    application.publicity_ends_on = today() - timedelta(days=1)
    session.flush()
    return service.decisions.establish(
        session,
        cast.staff,
        application,
        EstablishIn(
            task_goals="完成芯片封装热应力仿真与工艺验证，良率达到 98%",
            midterm_due=today() + timedelta(days=180),
            final_due=today() + timedelta(days=360),
        ),
    )
