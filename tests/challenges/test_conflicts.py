"""Who stays off a panel: the publisher's and the applicants' people, and the applicants'
partners in technical contracts of the last three years."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.challenges import service
from app.challenges.schemas import ApplicationFields
from app.core.audit import Actor
from app.models.enums import PanelMemberStatus
from app.trading import service as trading_service
from app.trading.schemas import ContractCreate
from tests.factories.accounts import make_org
from tests.factories.challenges import PROPOSAL, make_cast, make_expert


def _contract(session: Session, actor: Actor, a: int, b: int, title: str, days_ago: int) -> None:
    trading_service.create_contract(
        session,
        actor,
        ContractCreate.model_validate(
            {
                "title": title,
                "contract_type": "development",
                "total_amount": "50万",
                "signed_on": service.today() - timedelta(days=days_ago),
                "tech_field": "01",
                "parties": [
                    {"role": "client", "org_id": a},
                    {"role": "contractor", "org_id": b},
                ],
            }
        ),
    )


def test_recent_contract_partners_are_excluded_older_ones_are_not(session: Session) -> None:
    cast = make_cast(session, solvers=1)
    assert cast.admin is not None
    staff = Actor(user=cast.admin)
    solver = cast.solvers[0]
    recent = make_org(session, name="近期合作伙伴有限公司")
    long_ago = make_org(session, name="早年合作伙伴有限公司")
    _contract(session, staff, recent.id, solver.id, "光学镀膜技术开发", days_ago=400)
    _contract(session, staff, long_ago.id, solver.id, "红外镜头技术开发", days_ago=4 * 366)
    applicant = Actor(user=cast.solver_users[0])
    application = service.create_application(
        session, applicant, cast.challenge, ApplicationFields.model_validate(PROPOSAL)
    )
    service.submit_application(session, applicant, cast.challenge, application)

    partner_expert = make_expert(session, org=recent, name="近期伙伴专家")
    old_expert = make_expert(session, org=long_ago, name="早年伙伴专家")
    panel = service.form_panel(session, staff, cast.challenge, [partner_expert.id, old_expert.id])
    seats = {m.expert_id: m for m in panel.members}
    assert seats[partner_expert.id].status == PanelMemberStatus.EXCLUDED
    (reason,) = seats[partner_expert.id].conflicts
    assert reason.startswith(
        f"所在机构“{recent.name}”与揭榜单位“{solver.name}”近 3 年内签订过技术合同"
    )
    assert "《光学镀膜技术开发》" in reason
    assert seats[old_expert.id].status == PanelMemberStatus.ELIGIBLE
    assert seats[old_expert.id].conflicts == []


def test_conflicts_are_checked_again_when_scoring_opens(session: Session) -> None:
    cast = make_cast(session, solvers=2)
    assert cast.admin is not None
    staff = Actor(user=cast.admin)
    first = Actor(user=cast.solver_users[0])
    application = service.create_application(
        session, first, cast.challenge, ApplicationFields.model_validate(PROPOSAL)
    )
    service.submit_application(session, first, cast.challenge, application)
    late_colleague = make_expert(session, org=cast.solvers[1], name="后来者同事")
    others = [make_expert(session, name=f"独立专家{i}") for i in range(3)]
    panel = service.form_panel(
        session, staff, cast.challenge, [late_colleague.id, *[e.id for e in others]]
    )
    assert all(m.status == PanelMemberStatus.ELIGIBLE for m in panel.members)
    # The second organisation applies after the panel was formed.
    second = Actor(user=cast.solver_users[1])
    late = service.create_application(
        session, second, cast.challenge, ApplicationFields.model_validate(PROPOSAL)
    )
    service.submit_application(session, second, cast.challenge, late)
    cast.challenge.application_deadline = service.today() - timedelta(days=1)
    session.flush()
    panel = service.open_scoring(session, staff, cast.challenge)
    seat = next(m for m in panel.members if m.expert_id == late_colleague.id)
    assert seat.status == PanelMemberStatus.EXCLUDED
    assert seat.conflicts == [f"所在机构“{cast.solvers[1].name}”是揭榜单位"]
