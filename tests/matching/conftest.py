"""A small market: a university with achievements, enterprises with a demand and a challenge."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import app.registry  # noqa: F401  (search sources, outbox handlers)
from app.models import Listing, Organization, User
from app.models.enums import ListingKind, MaturityStage, OrgRole, OrgType, Role
from app.search import service as search_service
from search.base import SearchBackend
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing


@dataclass
class Market:
    university: Organization
    enterprise: Organization
    scholar: User
    buyer: User
    broker: User
    laser: Listing
    welding_robot: Listing
    vaccine: Listing
    early_laser: Listing
    demand: Listing
    challenge: Listing


@pytest.fixture
def market(session: Session, search_backend: SearchBackend) -> Market:
    university = make_org(
        session, name="长春光机大学", org_type=OrgType.UNIVERSITY, region_code="220104"
    )
    enterprise = make_org(session, name="启明汽车零部件公司", region_code="220104")
    scholar = make_user(session, org=university, org_role=OrgRole.ADMIN, name="周教授")
    buyer = make_user(session, org=enterprise, org_role=OrgRole.ADMIN, name="钱经理")
    broker = make_user(session, role=Role.BROKER, name="孙经纪")
    laser = make_listing(
        session,
        university,
        scholar,
        title="铝合金电池托盘激光焊接变形控制技术",
        summary="通过双光束摆动激光焊接与焊接路径规划，控制铝合金电池托盘焊接变形，平面度优于0.5mm。",
        keywords=["激光焊接", "铝合金", "电池托盘", "焊接变形"],
        field_code="F1102",
        maturity=MaturityStage.PILOT,
        trl=7,
        price=Decimal(400000),
        transfer_modes=["license", "joint_development"],
    )
    welding_robot = make_listing(
        session,
        university,
        scholar,
        title="焊接机器人离线编程系统",
        summary="面向汽车零部件焊接产线的机器人离线编程与焊缝跟踪软件。",
        keywords=["焊接机器人", "离线编程", "焊缝跟踪"],
        field_code="F0201",
        maturity=MaturityStage.INDUSTRIAL,
        trl=8,
        price=None,
        transfer_modes=["license"],
    )
    vaccine = make_listing(
        session,
        university,
        scholar,
        title="猪圆环病毒亚单位疫苗",
        summary="基于杆状病毒表达系统的猪圆环病毒2型亚单位疫苗，免疫保护率高。",
        keywords=["疫苗", "猪圆环病毒"],
        field_code="F0401",
        maturity=MaturityStage.PILOT,
        trl=6,
        price=Decimal(3000000),
        transfer_modes=["assignment"],
    )
    early_laser = make_listing(
        session,
        university,
        scholar,
        title="铝合金激光焊接熔池监测方法",
        summary="利用高速相机监测铝合金激光焊接熔池，预测焊接变形与气孔缺陷。",
        keywords=["激光焊接", "铝合金", "熔池监测"],
        field_code="F1102",
        maturity=MaturityStage.LAB,
        trl=3,
        price=Decimal(2000000),
        transfer_modes=["assignment"],
    )
    demand = make_listing(
        session,
        enterprise,
        buyer,
        kind=ListingKind.DEMAND,
        title="电池托盘铝合金激光焊接变形控制",
        summary="我公司生产6系铝合金电池托盘，激光焊接后变形超差，寻求可在产线应用的变形控制技术。",
        keywords=["激光焊接", "铝合金", "焊接变形"],
        problem="焊后平面度超过1.5mm，希望技术在现有产线上完成中试验证。",
        budget_max=Decimal(500000),
        cooperation_modes=["license", "joint_development"],
    )
    challenge = make_listing(session, enterprise, buyer, kind=ListingKind.CHALLENGE)
    session.flush()
    search_service.reindex(session, search_backend)
    return Market(
        university,
        enterprise,
        scholar,
        buyer,
        broker,
        laser,
        welding_robot,
        vaccine,
        early_laser,
        demand,
        challenge,
    )
