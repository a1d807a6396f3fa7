"""Enterprises with their recognitions, and applications moved along by staff."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Organization, OrgTag, ServiceCase, User
from app.models.enums import OrgTagKind, OrgType, ResourceKind, VoucherCategory
from app.services import service, voucher
from app.services.schemas import CaseCreate, CaseMove
from tests.factories.accounts import make_org, make_user
from tests.factories.resources import make_resource


def enterprise(
    session: Session, tag: OrgTagKind | None = OrgTagKind.HIGH_TECH, expires: date | None = None
) -> tuple[Organization, User]:
    org = make_org(session, org_type=OrgType.ENTERPRISE)
    if tag is not None:
        session.add(
            OrgTag(org_id=org.id, kind=tag, certificate_no="GR202622000123", expires_on=expires)
        )
    user = make_user(session, org=org, name="企业经办人")
    session.flush()
    return org, user


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill_materials(session: Session, user: User, case: ServiceCase) -> ServiceCase:
    """Upload a PDF for every material of the case's guide (each names PDF among its types)."""
    case = service.get_case(session, user, case.id)
    for n, material in enumerate(case.item.guide.get("materials") or []):
        service.add_material(session, Actor(user=user), case.id, f"{material['name']}.pdf", PDF, n)
    return case


def submit(session: Session, user: User, case: ServiceCase) -> ServiceCase:
    """The applicant uploads the guide's materials and submits."""
    fill_materials(session, user, case)
    return service.submit(session, Actor(user=user), case.id)


def voucher_case(session: Session, user: User, amount: str = "100000") -> ServiceCase:
    return service.create(
        session,
        Actor(user=user),
        CaseCreate(item="KJCXQ", amount=Decimal(amount), purpose="委托检测"),
    )


def to_processing(session: Session, staff: Actor, user: User, case: ServiceCase) -> ServiceCase:
    submit(session, user, case)
    for action in ("review", "accept", "process"):
        service.act(session, staff, case.id, action, CaseMove())
    return case


def pool(session: Session, staff: Actor, year: int, total: str) -> None:
    voucher.set_pool(session, staff, year, Decimal(total))


def provider(
    session: Session, category: VoucherCategory = VoucherCategory.TESTING, name: str = ""
) -> Organization:
    """A service provider listed in the voucher providers' directory for ``category``."""
    org = make_org(session, name=name or None, org_type=OrgType.SERVICE_PROVIDER)
    keeper = make_user(session, org=org, name="服务机构管理员")
    make_resource(
        session,
        keeper,
        kind=ResourceKind.SERVICE_PROVIDER,
        name=f"{org.name}检验检测服务",
        summary="CMA/CNAS 资质，承接环境可靠性与材料成分检测",
        services=[category.value],
        accepts_vouchers=True,
    )
    return org


def advance(session: Session, staff: Actor, user: User, case: ServiceCase) -> ServiceCase:
    submit(session, user, case)
    for action in ("review", "accept", "process"):
        service.act(session, staff, case.id, action, CaseMove())
    return case


def pilot_platform(session: Session, filed: bool) -> tuple[Organization, User]:
    org = make_org(session, org_type=OrgType.ENTERPRISE)
    user = make_user(session, org=org, name="平台负责人")
    make_resource(
        session,
        user,
        kind=ResourceKind.PILOT_PLATFORM,
        name="长春汽车电子中试基地",
        summary="提供汽车电子控制器中试熟化与环境可靠性试验",
        filing_no="CCZS2025-007" if filed else "",
    )
    return org, user
