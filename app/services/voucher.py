"""创新券 (policy item 23): eligibility, the yearly pool, the caps, 使用 and 兑付.

The pool of a year is a funding line (programme ``service_voucher``, item 23). Granting a
voucher locks that line first, so grants at the same moment are checked one after another:
against the pool (``funding_service.reserve``) and against the enterprise's yearly cap, which
adds up the vouchers already granted to it that year.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.config import get_settings
from app.core.errors import Conflict, InvalidInput
from app.core.money import exact_yuan
from app.funding import service as funding_service
from app.models import BudgetLine, Organization, OrgTag, ServiceCase, ServiceItem, VoucherOrder
from app.models.enums import CaseStatus, OrgTagKind, VoucherOrderStatus
from app.services import funds, guide

PROGRAMME = "service_voucher"
ITEM_NO = 23
SUBJECT = funds.SUBJECT
ELIGIBLE_TAGS = (OrgTagKind.HIGH_TECH, OrgTagKind.TECH_SME)


def eligibility(session: Session, org: Organization) -> str | None:
    """None when the organisation may apply, else the reason in Chinese."""
    on = today()
    tags = session.scalars(
        select(OrgTag).where(OrgTag.org_id == org.id, OrgTag.kind.in_(ELIGIBLE_TAGS))
    ).all()
    if any(t.expires_on is None or t.expires_on >= on for t in tags):
        return None
    if tags:
        return "机构的高新技术企业/科技型中小企业资质已过期，请先更新资质"
    return "创新券仅面向高新技术企业和科技型中小企业，请先在机构资料中登记资质"


def check_request(amount: Decimal | None) -> Decimal:
    cap = get_settings().voucher_cap_per_claim_yuan
    if amount is None or amount <= 0:
        raise InvalidInput(errors={"amount": "请填写申领额度（元），应大于 0"})
    if amount > cap:
        raise InvalidInput(errors={"amount": f"单次申领额度不能超过{exact_yuan(cap)}"})
    return amount


def set_pool(session: Session, actor: Actor, year: int, total: Decimal | None) -> BudgetLine:
    return funding_service.set_line(
        session,
        actor,
        programme=PROGRAMME,
        item_no=ITEM_NO,
        year=year,
        total=total if total is not None else get_settings().voucher_pool_yuan,
        title=f"{year}年度科技创新券资金池",
    )


def pool(session: Session, year: int) -> BudgetLine | None:
    return funding_service.line(session, PROGRAMME, ITEM_NO, year)


def granted_in_year(session: Session, org_id: int, year: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(ServiceCase.granted_amount), 0))
        .join(ServiceItem, ServiceItem.id == ServiceCase.item_id)
        .where(
            ServiceCase.org_id == org_id,
            ServiceCase.year == year,
            ServiceCase.status == CaseStatus.GRANTED,
            ServiceItem.kind == guide.VOUCHER,
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def grant(session: Session, actor: Actor, case: ServiceCase, amount: Decimal | None) -> Decimal:
    """Reserve the voucher on the year's pool within both caps; returns the amount granted.

    Called before the case moves to 办结（准予）, so a refusal leaves the case as it was.
    """
    amount = check_request(amount if amount is not None else case.requested_amount)
    line = funding_service.line_for_update(session, PROGRAMME, ITEM_NO, case.year)
    if line is None:
        raise Conflict(f"{case.year}年度创新券资金池尚未设置，请先设置资金池")
    # The pool's row is locked from here: every other grant of the year waits for this one.
    reason = eligibility(session, case.org)
    if reason:
        raise Conflict(reason)
    cap = get_settings().voucher_cap_per_year_yuan
    used = granted_in_year(session, case.org_id, case.year)
    if used + amount > cap:
        raise Conflict(
            f"超过企业年度创新券额度：年度上限{exact_yuan(cap)}，已核定{exact_yuan(used)}，"
            f"本次{exact_yuan(amount)}"
        )
    funds.reserve(
        session,
        actor,
        line,
        case,
        amount,
        refused=f"{case.year}年度创新券资金池余额不足",
        summary=f"创新券 {case.serial_no} 核定{exact_yuan(amount)}",
    )
    return amount


def grant_fixed(session: Session, actor: Actor, case: ServiceCase, amount: Decimal) -> None:
    """A subsidy paid as a voucher (高新技术企业认定补贴): reserved on the year's pool, outside
    the enterprise's voucher cap, which counts 创新券申领 only."""
    line = funding_service.line_for_update(session, PROGRAMME, ITEM_NO, case.year)
    if line is None:
        raise Conflict(f"{case.year}年度创新券资金池尚未设置，请先设置资金池")
    funds.reserve(
        session,
        actor,
        line,
        case,
        amount,
        refused=f"{case.year}年度创新券资金池余额不足",
        summary=f"{case.item.title} {case.serial_no} 以创新券发放{exact_yuan(amount)}",
    )


def pay(session: Session, actor: Actor, case: ServiceCase) -> None:
    """兑付: the voucher's reservation is released and paid whole."""
    reservation = funding_service.reservation_of(session, SUBJECT, case.id)
    if reservation is None:
        raise Conflict("该创新券没有核定的资金，不能兑付")
    funding_service.pay(session, actor, reservation, note=f"创新券兑付 {case.serial_no}")


def chargeable(session: Session, serial_no: str, org_id: int | None) -> ServiceCase:
    """The organisation's granted, not yet redeemed 创新券 with this 流水号, for a service
    (such as instrument use) to be charged to; a 422 saying why otherwise."""
    code = serial_no.strip().upper()
    case = session.scalars(
        select(ServiceCase)
        .join(ServiceItem, ServiceItem.id == ServiceCase.item_id)
        .where(ServiceCase.serial_no == code, ServiceItem.kind == guide.VOUCHER)
    ).first()
    if case is None or case.org_id != org_id:
        raise InvalidInput(
            errors={"voucher_ref": "没有找到预约人所在机构的这张创新券，请填写创新券申领的流水号"}
        )
    if case.status != CaseStatus.GRANTED:
        raise InvalidInput(errors={"voucher_ref": "该创新券尚未核定，不能用于支付"})
    order = session.scalars(select(VoucherOrder).where(VoucherOrder.case_id == case.id)).first()
    if order is not None and order.status == VoucherOrderStatus.PAID:
        raise InvalidInput(errors={"voucher_ref": "该创新券已兑付，不能再用于支付"})
    return case
