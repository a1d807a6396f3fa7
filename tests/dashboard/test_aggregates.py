"""The maintained statistics equal a full recount after any mix of writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.listings import service as listings
from app.models import MatchPipeline, StatCounter, User
from app.models.enums import (
    ContractType,
    ListingKind,
    ListingStatus,
    MaturityStage,
    OrgRole,
    OrgType,
    PipelineStage,
    Role,
)
from app.statistics import aggregates, service
from app.statistics.service import Filters
from app.trading import deals
from app.trading import service as trading
from app.trading.schemas import DealOpen
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.factories.trading import make_contract


def counters(session: Session) -> dict[tuple[str, ...], tuple[int, int, int]]:
    session.flush()
    rows = session.execute(select(StatCounter)).scalars()
    return {
        (c.metric, c.kind, c.code, c.region, c.month): (c.n, c.amount_fen, c.tech_amount_fen)
        for c in rows
        if c.n or c.amount_fen or c.tech_amount_fen
    }


def figures(session: Session, f: Filters, *, counted: bool) -> list[dict[str, Any]]:
    return [t.as_json() for t in service.compute(session, f, counted=counted)]


def _mixed_writes(session: Session) -> None:
    university = make_org(session, name="吉林统计大学", org_type=OrgType.UNIVERSITY)
    enterprise = make_org(session, name="长春统计汽车有限公司", region_code="220172")
    teacher = make_user(session, org=university, org_role=OrgRole.ADMIN)
    buyer = make_user(session, org=enterprise, org_role=OrgRole.ADMIN)
    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    achievements = [make_listing(session, university, teacher) for _ in range(3)]
    demand = make_listing(session, enterprise, buyer, kind=ListingKind.DEMAND)
    make_listing(session, enterprise, buyer, kind=ListingKind.CHALLENGE)
    make_listing(session, university, teacher, status=ListingStatus.DRAFT)  # never counted
    # A listing reviewed and published through its workflow.
    later = make_listing(session, university, teacher, status=ListingStatus.SUBMITTED)
    listings.publish(session, Actor(user=admin), later)
    # Published listings edited: another field, another district, another maturity.
    achievements[0].field_code = "F0101"
    achievements[1].region_code = "220102"
    achievements[2].maturity = MaturityStage.INDUSTRIAL  # type: ignore[attr-defined]
    session.flush()
    # Along the funnel: a match, confirmed; a deal; a registered contract under the deal.
    pipeline = MatchPipeline(
        demand_listing_id=demand.id,
        supply_listing_id=achievements[0].id,
        demand_org_id=enterprise.id,
        supply_org_id=university.id,
    )
    session.add(pipeline)
    session.add(
        MatchPipeline(
            demand_listing_id=demand.id,
            supply_listing_id=achievements[1].id,
            demand_org_id=enterprise.id,
            supply_org_id=university.id,
        )
    )
    session.flush()
    pipeline.stage = PipelineStage.CONFIRMED
    session.flush()
    deal = deals.open_deal(
        session, Actor(user=teacher), DealOpen(listing_id=demand.id, message="我们可以解决")
    )
    for kind, total in ((ContractType.TRANSFER, "800000"), (ContractType.LICENSE, "350000.50")):
        contract = make_contract(
            session, teacher, university, enterprise, contract_type=kind, total=total
        )
        if kind == ContractType.TRANSFER:
            contract.deal_id = deal.id
        trading.submit_registration(session, Actor(user=teacher), contract)
        trading.approve_registration(session, Actor(user=admin), contract)
    returned = make_contract(session, teacher, university, enterprise, total="120000")
    trading.submit_registration(session, Actor(user=teacher), returned)
    trading.return_registration(session, Actor(user=admin), returned, reason="缺少附件")
    # A published listing edited back to review keeps counting (it was published once).
    achievements[1].status = ListingStatus.SUBMITTED
    session.flush()


class TestMaintained:
    def test_equal_a_full_recount_after_mixed_writes(self, session: Session) -> None:
        assert aggregates.is_built(session.connection())
        before = counters(session)
        _mixed_writes(session)
        maintained = counters(session)
        assert maintained != before
        aggregates.rebuild(session.connection())
        assert counters(session) == maintained
        for f in (Filters(), Filters(region="220173"), Filters(year=2001)):
            assert figures(session, f, counted=True) == figures(session, f, counted=False)

    def test_a_write_moves_the_figures_at_once(self, session: Session, org_admin: User) -> None:
        org = org_admin.org
        assert org is not None
        f = Filters(region=org.region_code)
        first = {t.key: t for t in service.compute(session, f, counted=True)}
        listing = make_listing(session, org, org_admin, kind=ListingKind.DEMAND)
        after = {t.key: t for t in service.compute(session, f, counted=True)}
        assert after["funnel"].rows[0][1] == first["funnel"].rows[0][1] + 1
        assert after["demands_answered"].rows[0][1] == first["demands_answered"].rows[0][1] + 1
        listing.region_code = "220102"
        session.flush()
        moved = {t.key: t for t in service.compute(session, f, counted=True)}
        assert moved["funnel"].rows[0][1] == first["funnel"].rows[0][1]

    def test_counts_live_until_built(self, session: Session, org_admin: User) -> None:
        org = org_admin.org
        assert org is not None
        session.execute(aggregates.COUNTER.delete())
        session.execute(aggregates.SHARE.delete())
        make_listing(session, org, org_admin)
        assert not counters(session)  # nothing is maintained before a rebuild
        live = figures(session, Filters(), counted=False)
        tables = {t["key"]: t for t in (x.as_json() for x in service.compute(session, Filters()))}
        assert tables["funnel"]["rows"][0][1] >= 1
        aggregates.rebuild(session.connection())
        assert figures(session, Filters(), counted=True) == live
