"""Demo 揭榜挂帅 in three stages: one challenge taking applications, one being scored, one
awarded and under way — run through the platform's own service, so every rule holds.

Five more experts join the demo expert; three of the six sit in organisations that make them
conflicted on some challenge, so the panels show who stayed out and why.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.challenges import service
from app.challenges.schemas import ApplicationFields, AwardIn, ScoreIn, ScoreItemIn
from app.core.audit import Actor
from app.models import Challenge, ChallengeApplication, Organization, User
from app.models.enums import ListingStatus, MembershipStatus, OrgRole, Role

PASSWORD = "Demo12345"
SEED = Actor(label="演示数据")

# (email, name, organisation name or None)
EXPERTS = [
    ("expert2@demo.kechuang.cn", "王振东", None),
    ("expert3@demo.kechuang.cn", "陈静怡", None),
    ("expert4@demo.kechuang.cn", "刘婧", None),
    ("expert5@demo.kechuang.cn", "赵一鸣", "中国科学院长春光学精密机械与物理研究所"),
    ("expert6@demo.kechuang.cn", "李宏伟", "吉林省光谷精密光学有限公司"),
]

# Applicants by the email of the person who applies for their organisation.
SOLVERS = [
    "jlu@demo.kechuang.cn",
    "cust@demo.kechuang.cn",
    "ciomp@demo.kechuang.cn",
    "ccut@demo.kechuang.cn",
    "ciac@demo.kechuang.cn",
]

PLANS = [
    (
        "团队由教授领衔，成员 8 人，其中博士 5 人；算法、硬件、测试三组分工明确",
        "先用已有样机完成原理验证，再联合发榜企业在产线环境中迭代，第 9 个月完成工程化样机",
        "第1-3月方案设计与仿真；第4-8月样机研制与中期检查；第9-12月现场验证与验收",
    ),
    (
        "研究所课题组 10 人，含 2 名正高级工程师，具有同类项目的工程化经验",
        "基于自主知识产权的核心工艺，针对榜单指标逐项给出技术路线和风险预案",
        "按实施（4 个月）、中期检查（4 个月）、验收（4 个月）三个阶段推进",
    ),
    (
        "校企联合团队 6 人，负责人主持过国家重点研发计划课题",
        "以仿真驱动设计，结合小批量试制和第三方检测，确保关键指标可验证、可复现",
        "前 6 个月完成关键技术攻关并通过中期检查，后 6 个月完成产业化验证",
    ),
]
COMMENTS = [
    ("技术路线清晰，关键指标有可信的实现途径", "团队有同类工程化经验，产业化条件较好"),
    ("方案有一定创新，但对冬季工况的验证安排偏少", "中试条件依赖外协，进度风险需关注"),
    ("指标分解细致，风险预案充分", "预算与进度安排合理，交付物明确"),
]


def _user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).one_or_none()


def _experts(session: Session) -> list[User]:
    people = []
    first = _user(session, "expert@demo.kechuang.cn")
    if first is not None:
        people.append(first)
    for email, name, org_name in EXPERTS:
        user = _user(session, email)
        if user is None:
            user = account_service.create_user(
                session, SEED, email=email, name=name, password=PASSWORD, role=Role.EXPERT
            )
            if org_name:
                org = session.scalars(
                    select(Organization).where(Organization.name == org_name)
                ).one_or_none()
                if org is not None:
                    user.org_id, user.org_role = org.id, OrgRole.MEMBER
                    user.membership_status = MembershipStatus.ACTIVE
        people.append(user)
    session.flush()
    for user in people:
        session.refresh(user, ["org"])
    return people


def _apply(
    session: Session, challenge: Challenge, user: User, n: int, submit: bool = True
) -> ChallengeApplication | None:
    if not service.may_apply(user, challenge):
        return None
    team, plan, schedule = PLANS[n % len(PLANS)]
    data = ApplicationFields(
        title=f"{challenge.title[:24]}攻关方案（{user.org.name if user.org else ''}）"[:120],
        team=team,
        plan=plan,
        budget=challenge.reward * (80 + 5 * (n % 4)) / 100,
        schedule=schedule,
        meets_requirements=True,
    )
    actor = Actor(user=user, label="演示数据")
    application = service.create_application(session, actor, challenge, data)
    if submit:
        service.submit_application(session, actor, challenge, application)
    return application


def _score_all(
    session: Session,
    challenge: Challenge,
    experts: list[User],
    rng: random.Random,
    limit: int | None = None,
) -> None:
    panel = service.panel_of(session, challenge)
    assert panel is not None
    eligible = [m.expert for m in panel.members if m.status.value == "eligible"]
    apps = [
        a
        for a in service.applications(session, _admin(session), challenge)
        if a.status.value == "submitted"
    ]
    for i, expert in enumerate(eligible[:limit] if limit else eligible):
        for j, application in enumerate(apps):
            base = 88 - 6 * j
            items = [
                ScoreItemIn(
                    score=max(0, min(100, base + rng.randint(-4, 4))),
                    comment=COMMENTS[(i + j) % len(COMMENTS)][k % 2],
                )
                for k in range(len(challenge.criteria))
            ]
            service.score(
                session,
                Actor(user=expert, label="演示数据"),
                challenge,
                application,
                ScoreIn(items=items),
            )


def _admin(session: Session) -> User | None:
    return _user(session, "admin@demo.kechuang.cn")


def seed_challenge_solving(
    session: Session, progress: Callable[[str], object] = lambda _m: None
) -> bool:
    """Run three published challenges to three different stages; False if already there."""
    if session.scalar(select(ChallengeApplication.id).limit(1)) is not None:
        return False
    admin = _admin(session)
    if admin is None:
        return False
    staff = Actor(user=admin, label="演示数据")
    experts = _experts(session)
    solvers = [u for u in (_user(session, e) for e in SOLVERS) if u is not None]
    challenges = list(
        session.scalars(
            select(Challenge)
            .where(Challenge.status == ListingStatus.PUBLISHED)
            .order_by(Challenge.id)
        )
    )
    if len(challenges) < 3 or len(experts) < 4:
        return False
    rng = random.Random(27)
    today = service.today()
    accepting, scoring, awarded = challenges[:3]
    for challenge in (accepting, scoring, awarded):
        challenge.application_deadline = today + timedelta(days=30)
        session.refresh(challenge, ["org"])

    # 1. Taking applications: one submitted, one draft.
    _apply(session, accepting, solvers[0], 0)
    _apply(session, accepting, solvers[3], 1, submit=False)

    # 2. Being scored: the deadline has passed, two experts have scored so far.
    for n, user in enumerate(solvers[:3]):
        _apply(session, scoring, user, n)
    scoring.application_deadline = today - timedelta(days=3)
    service.form_panel(session, staff, scoring, [e.id for e in experts])
    service.open_scoring(session, staff, scoring)
    _score_all(session, scoring, experts, rng, limit=2)

    # 3. Awarded: ranked, the winner chosen, 实施 accepted and 中期检查 reported.
    for n, user in enumerate([solvers[2], solvers[4], solvers[3]]):
        _apply(session, awarded, user, n)
    awarded.application_deadline = today - timedelta(days=40)
    service.form_panel(session, staff, awarded, [e.id for e in experts])
    service.open_scoring(session, staff, awarded)
    _score_all(session, awarded, experts, rng)
    service.close_scoring(session, staff, awarded)
    ranked = service.ranked_applications(session, staff, awarded)
    service.award(
        session,
        staff,
        awarded,
        AwardIn(
            application_id=ranked[0].id,
            reason="专家组综合评分第一，技术路线成熟，具备中试条件，同意确定为揭榜方",
        ),
    )
    winner = ranked[0]
    solver = Actor(user=session.get(User, winner.created_by_id), label="演示数据")
    service.submit_milestone(
        session, solver, awarded, 1, "已完成方案设计和原理样机，关键指标仿真结果满足榜单要求"
    )
    service.accept_milestone(session, staff, awarded, 1)
    service.submit_milestone(
        session, solver, awarded, 2, "工程样机完成台架试验，中期检查材料已上传"
    )
    progress("揭榜挂帅：3 个榜单（接受申请、专家评审中、已确定揭榜方）")
    return True
