"""A published challenge with applicants and experts, ready for the 揭榜挂帅 flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from app.challenges import service
from app.challenges.schemas import ApplicationFields, AwardIn, ScoreIn
from app.core.audit import Actor
from app.models import Challenge, ChallengeApplication, ChallengePanel, Organization, User
from app.models.enums import ListingKind, OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing

# A tiny but real PDF: the attachment store checks content, not names.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PROPOSAL = {
    "title": "耐候增透膜系设计与中试验证方案",
    "team": "项目负责人：王教授（光学薄膜）；成员 6 人，含 2 名镀膜工艺工程师",
    "plan": "采用离子束辅助沉积多层增透膜，盐雾 480 小时后 905nm 透过率保持 98% 以上",
    "budget": "75万",
    "schedule": "第1-3月膜系设计；第4-8月中试；第9-12月装车验证",
    "meets_requirements": True,
}


@dataclass
class Cast:
    publisher: Organization
    owner: User
    challenge: Challenge
    solvers: list[Organization] = field(default_factory=list)
    solver_users: list[User] = field(default_factory=list)
    admin: User | None = None


def make_cast(session: Session, solvers: int = 3, *, tag: str = "") -> Cast:
    """``tag`` keeps organisation names unique when one database holds several casts."""
    publisher = make_org(session, name=f"长春车载激光雷达有限公司{tag}")
    owner = make_user(session, org=publisher, org_role=OrgRole.ADMIN, name="发榜人")
    challenge = make_listing(session, publisher, owner, kind=ListingKind.CHALLENGE)
    assert isinstance(challenge, Challenge)
    cast = Cast(publisher=publisher, owner=owner, challenge=challenge)
    kinds = [OrgType.UNIVERSITY, OrgType.INSTITUTE, OrgType.ENTERPRISE, OrgType.NEW_RD]
    for i in range(solvers):
        org = make_org(session, name=f"揭榜单位{i + 1}{tag}", org_type=kinds[i % len(kinds)])
        cast.solvers.append(org)
        cast.solver_users.append(
            make_user(session, org=org, org_role=OrgRole.ADMIN, name=f"揭榜人{i + 1}")
        )
    cast.admin = make_user(session, role=Role.PLATFORM_ADMIN, name="评审管理员")
    return cast


def make_expert(session: Session, org: Organization | None = None, name: str = "专家") -> User:
    return make_user(session, role=Role.EXPERT, org=org, name=name)


def review(session: Session, cast: Cast) -> list[ChallengeApplication]:
    """Every solver applies, three experts score and the panel closes; the award is next."""
    assert cast.admin is not None
    staff = Actor(user=cast.admin)
    challenge = cast.challenge
    apps = []
    for user in cast.solver_users:
        solver = Actor(user=user)
        application = service.create_application(
            session, solver, challenge, ApplicationFields(**PROPOSAL)
        )
        apps.append(service.submit_application(session, solver, challenge, application))
    experts = [make_expert(session, name=f"评审专家{n}") for n in range(1, 4)]
    service.form_panel(session, staff, challenge, [e.id for e in experts])
    challenge.application_deadline = service.today() - timedelta(days=1)
    service.open_scoring(session, staff, challenge)
    for expert in experts:
        for n, application in enumerate(apps):
            items = [{"score": 90 - n, "comment": "方案可行"}, {"score": 80, "comment": "基础扎实"}]
            service.score(
                session,
                Actor(user=expert),
                challenge,
                application,
                ScoreIn.model_validate({"items": items}),
            )
    service.close_scoring(session, staff, challenge)
    return apps


def decide(
    session: Session, cast: Cast, *, award: bool = True
) -> tuple[ChallengePanel, list[ChallengeApplication]]:
    """``review``, then the first solver wins (or, with ``award=False``, nobody does)."""
    assert cast.admin is not None
    apps = review(session, cast)
    panel = service.award(
        session,
        Actor(user=cast.admin),
        cast.challenge,
        AwardIn(application_id=apps[0].id if award else None, reason="专家组综合评分第一"),
    )
    return panel, apps
