"""The routes of 技术交易 (deals, contracts and their registration), of 政策奖补 decisions and of
bulk listing imports, walked by every role (see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.deps import CSRF_HEADER
from app.core.permissions import Action
from app.incentives import service as incentives
from app.incentives.schemas import ClaimDecision
from app.listings import transfer
from app.listings.transfer import Format
from app.models import ContractMilestone, Deal, DealOffer, IncentiveClaim, Organization, User
from app.models.enums import DealStatus, ListingKind, OfferStatus, OrgType
from app.trading import deals
from app.trading import service as contracts
from app.trading.schemas import OfferCreate
from tests.factories.accounts import make_org
from tests.factories.challenges import PDF
from tests.factories.fixtures import csrf_from
from tests.factories.incentives import facts_between, make_budget
from tests.factories.incentives import register as register_contract
from tests.factories.listings import make_listing
from tests.factories.trading import make_contract
from tests.orgs.test_endpoints import bearer
from tests.permissions.test_matrix import ALLOWED, CONTRACT_ALLOWED, DEAL_ALLOWED
from tests.permissions.test_routes_listings import uploading
from tests.permissions.world import IN_VERIFIED_ORG, Route, World, assert_walk, build_world

STAFF = ALLOWED[Action.ADMIN_ACCESS]
CONFLICT = frozenset({409})
UNFINISHED = frozenset({409, 422})
SEES_DEAL = DEAL_ALLOWED[Action.DEAL_VIEW]
IN_DEAL = DEAL_ALLOWED[Action.DEAL_PARTICIPATE]
#: The deal's two organisations (its broker takes part, but neither answers offers, names
#: the broker nor confirms the work done: deals._side_of).
SIDES = IN_DEAL - {"broker"}
#: The side an offer of the other organisation is made to.
ANSWERING = {"org_admin", "org_member"}
SEES_CONTRACT = CONTRACT_ALLOWED[Action.CONTRACT_VIEW]
PARTIES = CONTRACT_ALLOWED[Action.CONTRACT_EDIT]
REGISTRARS = CONTRACT_ALLOWED[Action.CONTRACT_REGISTER]
#: Who records a contract between the organisation and the other one that names "broker":
#: a member of a party, that broker, or staff (trading.service.create_contract).
RECORDERS = STAFF | {"broker", "org_admin", "org_member", "other_org_admin"}
MANAGERS = ALLOWED[Action.INCENTIVE_MANAGE]


@dataclass(frozen=True)
class TradingWorld(World):
    other_org: int
    broker: int
    # An offer of the other organisation in the deal, and a document it attached there.
    offer: int
    deal_attachment: int
    # A deal about the organisation's demand whose contract is registered (履约 may end).
    registered_deal: int
    # A published achievement of the organisation nobody has inquired about yet.
    spare_listing: int
    # The first payment milestone of ``contract``, and a contract already registered.
    milestone: int
    registered_contract: int
    # A claim of another contract, approved within its budget (``claim`` has a budget too).
    approved_claim: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> TradingWorld:
    base = build_world(session, target, people)
    owner, solver, admin, broker = (
        people[role] for role in ("org_admin", "other_org_admin", "platform_admin", "broker")
    )
    assert owner and solver and solver.org and admin and broker
    staff = Actor(user=admin)
    deal = session.get_one(Deal, base.deal)
    offer = deals.make_offer(session, Actor(user=solver), deal, OfferCreate(price="50万"))
    attachment = deals.add_attachment(session, Actor(user=solver), deal, "报价说明.pdf", PDF)
    registered_deal = Deal(
        listing_id=base.demand,
        title="电池托盘铝合金焊接变形控制",
        owner_org_id=target.id,
        inquirer_org_id=solver.org.id,
        opened_by_id=solver.id,
        broker_id=broker.id,
        status=DealStatus.REGISTERED,
    )
    session.add(registered_deal)
    spare = make_listing(session, target, owner, kind=ListingKind.ACHIEVEMENT)
    registered = make_contract(session, owner, target, solver.org, broker_id=broker.id)
    session.flush()
    contracts.submit_registration(session, Actor(user=owner), registered, target.id)
    contracts.approve_registration(session, staff, registered)
    milestone = session.scalars(
        select(ContractMilestone.id)
        .where(ContractMilestone.contract_id == base.contract)
        .order_by(ContractMilestone.position)
    ).first()
    university = make_org(session, org_type=OrgType.UNIVERSITY)
    claims = register_contract(session, staff, facts_between(university, target))
    approved = next(c for c in claims if c.rate is not None)
    for claim in (session.get_one(IncentiveClaim, base.claim), approved):
        make_budget(session, staff, claim.item_no, "5000000", year=claim.year)
    incentives.approve(session, staff, approved.id, ClaimDecision())
    session.flush()
    assert milestone is not None
    return TradingWorld(
        **asdict(base),
        other_org=solver.org.id,
        broker=broker.id,
        offer=offer.id,
        deal_attachment=attachment.id,
        registered_deal=registered_deal.id,
        spare_listing=spare.id,
        milestone=milestone,
        registered_contract=registered.id,
        approved_claim=approved.id,
    )


def _contract(w: World) -> dict[str, Any]:
    assert isinstance(w, TradingWorld)
    return {
        "title": "高功率光纤激光焊接头专利权转让",
        "contract_type": "transfer",
        "total_amount": "800000",
        "signed_on": "2026-11-20",
        "tech_field": "03",
        "ip_type": "21",
        "broker_id": w.broker,
        "parties": [
            {"role": "assignor", "org_id": w.org},
            {"role": "assignee", "org_id": w.other_org},
        ],
    }


def _contract_form(w: World) -> dict[str, Any]:
    assert isinstance(w, TradingWorld)
    return {
        "title": "高功率光纤激光焊接头专利权转让",
        "contract_type": "transfer",
        "total_amount": "80万",
        "signed_on": "2026-11-20",
        "tech_field": "03",
        "ip_type": "21",
        "broker_id": str(w.broker),
        "seller_org_id": str(w.org),
        "buyer_org_id": str(w.other_org),
    }


def _payment(w: World) -> dict[str, Any]:
    assert isinstance(w, TradingWorld)
    return {"milestone_id": str(w.milestone), "amount": "100000", "paid_on": "2026-11-25"}


def _inquiry(w: World) -> dict[str, Any]:
    assert isinstance(w, TradingWorld)
    return {"listing_id": str(w.spare_listing), "message": "贵方成果可否提供样机试用？"}


def _broker(w: World) -> dict[str, Any]:
    assert isinstance(w, TradingWorld)
    return {"broker_id": w.broker}


def _broker_form(w: World) -> dict[str, Any]:
    return {k: str(v) for k, v in _broker(w).items()}


#: The import template: columns and one example row, as one would fill it in.
IMPORT_FILE = ("成果导入.csv", transfer.template(ListingKind.ACHIEVEMENT, Format.CSV), "text/csv")
REASON = {"reason": "价格未能谈拢"}

ROUTES: list[Route] = [
    # Inquiring about another organisation's listing: people of a verified organisation;
    # its own organisation cannot (409); staff, brokers and experts belong to none.
    Route("POST", "/api/v1/deals", IN_VERIFIED_ORG, _inquiry, answers=CONFLICT),
    Route("POST", "/deals", IN_VERIFIED_ORG, _inquiry),
    # Inside a deal: its two sides and its broker; staff only look; it does not exist for
    # anyone else.
    *(
        Route("POST", f"/deals/{{deal}}/{step}", IN_DEAL, body, seen_by=SEES_DEAL)
        for step, body in (
            ("messages", {"body": "请问可以提供样品测试吗？"}),
            ("offers", {"price": "50万"}),
            ("terminate", REASON),
        )
    ),
    *(
        Route("POST", path, ANSWERING, seen_by=SEES_DEAL)
        for path in (
            "/api/v1/deals/{deal}/offers/{offer}/accept",
            "/api/v1/deals/{deal}/offers/{offer}/reject",
            "/deals/{deal}/offers/{offer}/accept",
            "/deals/{deal}/offers/{offer}/reject",
        )
    ),
    Route("PUT", "/api/v1/deals/{deal}/broker", SIDES, _broker, seen_by=SEES_DEAL),
    Route("POST", "/deals/{deal}/broker", SIDES, _broker_form, seen_by=SEES_DEAL),
    Route("POST", "/api/v1/deals/{registered_deal}/complete", SIDES, seen_by=SEES_DEAL),
    Route("POST", "/deals/{registered_deal}/complete", SIDES, seen_by=SEES_DEAL),
    uploading("POST", "/api/v1/deals/{deal}/attachments", IN_DEAL, {}, seen_by=SEES_DEAL),
    uploading("POST", "/deals/{deal}/attachments", IN_DEAL, {}, seen_by=SEES_DEAL),
    # Without a file, only those who may upload are asked to choose one.
    Route("POST", "/deals/{deal}/attachments", IN_DEAL, {}, seen_by=SEES_DEAL),
    Route("GET", "/api/v1/deals/{deal}/attachments/{deal_attachment}", SEES_DEAL, seen_by=set()),
    # 技术合同
    Route("POST", "/api/v1/contracts", RECORDERS, _contract),
    Route("POST", "/contracts/new", RECORDERS, _contract_form),
    Route("POST", "/api/v1/contracts/{contract}/payments", PARTIES, _payment),
    Route("POST", "/contracts/{contract}/payments", PARTIES, _payment),
    # Sent incomplete: whoever is no party is refused, not told to fill in the amount.
    Route("POST", "/contracts/{contract}/payments", PARTIES, {"amount": ""}),
    Route("POST", "/contracts/{contract}/submit", PARTIES),
    Route("POST", "/contracts/{contract}/approve", REGISTRARS),
    Route("POST", "/contracts/{contract}/return", REGISTRARS, {"reason": "合同金额与发票不符"}),
    Route("GET", "/api/v1/contracts/{registered_contract}/certificate.pdf", SEES_CONTRACT),
    Route("GET", "/contracts/{registered_contract}/certificate", SEES_CONTRACT),
    # Before registration there is no certificate: the page says so on the contract's page.
    Route("GET", "/api/v1/contracts/{contract}/certificate.pdf", SEES_CONTRACT, answers=CONFLICT),
    Route("GET", "/contracts/{contract}/certificate", SEES_CONTRACT),
    # 政策奖补: the bureau decides and keeps the budgets.
    Route("POST", "/api/v1/incentives/claims/{claim}/approve", MANAGERS, {}),
    Route("POST", "/api/v1/incentives/claims/{approved_claim}/pay", MANAGERS),
    Route("POST", "/admin/incentives/claims/{claim}/approve", MANAGERS, {}),
    Route("POST", "/admin/incentives/claims/{claim}/reject", MANAGERS, {"reason": "材料不全"}),
    Route("POST", "/admin/incentives/claims/{approved_claim}/pay", MANAGERS, {}),
    Route(
        "POST",
        "/admin/incentives/budgets",
        MANAGERS,
        {"item_no": "15", "year": "2026", "total": "50万"},
    ),
    # The desk's forms, sent incomplete: whoever may not decide is refused, not told to fix them.
    Route("POST", "/admin/incentives/claims/{claim}/approve", MANAGERS, {"amount": "很多"}),
    Route("POST", "/admin/incentives/budgets", MANAGERS, {"item_no": "15"}),
    # Bulk import: the bureau for every organisation; one's verified organisation for
    # itself (the platform administrator for any).
    uploading(
        "POST", "/admin/import", {"platform_admin"}, {}, answers=UNFINISHED, file=IMPORT_FILE
    ),
    uploading(
        "POST",
        "/me/import",
        {"platform_admin"} | IN_VERIFIED_ORG,
        {},
        answers=UNFINISHED,
        file=IMPORT_FILE,
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_trading_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: TradingWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)


def test_an_unknown_answer_leaves_the_offer_open(
    people: dict[str, User | None], world: TradingWorld, session: Session, client: TestClient
) -> None:
    owner = people["org_admin"]
    assert owner is not None
    response = client.post(
        f"/deals/{world.deal}/offers/{world.offer}/withdraw",
        headers={CSRF_HEADER: csrf_from(client.get("/login").text), **bearer(session, owner)},
        follow_redirects=False,
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get_one(DealOffer, world.offer).status == OfferStatus.PROPOSED
