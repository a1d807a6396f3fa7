"""Listings in any state, valid unless a test overrides a field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.models import Achievement, Challenge, Demand, Listing, Organization, User
from app.models.enums import ListingKind, ListingStatus, MaturityStage


def make_listing(
    session: Session,
    org: Organization,
    owner: User,
    *,
    kind: ListingKind = ListingKind.ACHIEVEMENT,
    status: ListingStatus = ListingStatus.PUBLISHED,
    **fields: Any,
) -> Listing:
    common: dict[str, Any] = {
        "org_id": org.id,
        "owner_id": owner.id,
        "region_code": org.region_code,
        "status": status,
        "field_code": "F1102",
        "keywords": ["激光", "焊接"],
        "contact_name": "王工",
        "contact_phone": "0431-88888888",
        "contact_email": "wang@example.cn",
    }
    if status == ListingStatus.PUBLISHED:
        common["published_at"] = utcnow()
        common["expires_at"] = utcnow() + timedelta(days=365)
    listing: Listing
    if kind == ListingKind.ACHIEVEMENT:
        listing = Achievement(
            title="高功率光纤激光焊接头",
            summary="面向新能源汽车电池托盘的高功率光纤激光焊接头，焊缝一致性好。",
            description="详细技术方案：采用双光束摆动焊接……",
            maturity=MaturityStage.PILOT,
            trl=6,
            transfer_modes=["license", "assignment"],
            price=Decimal("800000.00"),
            advantages="焊接速度比现有方案提高30%",
            economic_benefit="年节约成本约200万元",
            inventors=["张三", "李四"],
            **common,
        )
    elif kind == ListingKind.DEMAND:
        listing = Demand(
            title="电池托盘铝合金焊接变形控制",
            summary="需要解决6系铝合金电池托盘焊接变形超差的问题。",
            problem="焊后平面度超过1.5mm",
            indicators="平面度≤0.5mm",
            budget_min=Decimal(200000),
            budget_max=Decimal(500000),
            cooperation_modes=["joint_development"],
            **common,
        )
    else:
        listing = Challenge(
            title="车规级激光雷达窗口片镀膜",
            summary="征集车规级激光雷达窗口片高透过率耐候镀膜技术方案。",
            problem="现有镀膜在盐雾试验后透过率下降",
            indicators="905nm透过率≥98%",
            reward=Decimal(800000),
            requirements="具备镀膜中试线",
            application_deadline=date.today() + timedelta(days=60),
            criteria=[{"name": "技术先进性", "weight": 60}, {"name": "产业化能力", "weight": 40}],
            **common,
        )
    listing.org = org  # loaded, as the service's queries load it
    for key, value in fields.items():
        setattr(listing, key, value)
    session.add(listing)
    session.flush()
    return listing
