"""What each kind of item checks when an application is made and computes when it is granted.

``prepare`` runs in ``service.create``: the eligibility verdict (``eligibility.py``) must hold,
and the kind fills in the requested amount and how it was reached. ``grant`` runs before the
case moves to 办结（准予）, with the case row locked: it fixes the amount and reserves it on
the item's funding line (``app/funding``), so a refusal leaves the case in 办理 and no budget
line is ever overspent. ``disburse`` (拨付) pays the reservation of a subsidy or award; a
voucher and the 高企 subsidy's voucher are paid through their service order instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local, today
from app.core.db import utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.money import exact_yuan
from app.funding import service as funding_service
from app.models import BudgetLine, Organization, ServiceCase, ServiceItem
from app.services import awards, eligibility, funds, guide, rd, voucher
from app.services.schemas import CaseCreate

#: funding lines of the hall's subsidies and awards, one per policy item and year
PROGRAMME = "service_hall"
SUBJECT = funds.SUBJECT
#: kinds whose granted amount is spent as a 创新券 (a service order, then 兑付)
AS_VOUCHER = frozenset({guide.VOUCHER, guide.HIGH_TECH})
#: kinds paid out by 拨付 of their reservation
DISBURSED = frozenset({guide.RD, guide.AWARD})


@dataclass
class Prepared:
    requested: Decimal | None
    form: dict[str, Any]
    explanation: str = ""


def prepare(
    session: Session, actor: Actor, org: Organization, item: ServiceItem, data: CaseCreate
) -> Prepared:
    """Check the application may be made and fill in what the kind computes."""
    year = local(utcnow()).year
    if item.kind in guide.LINKED:
        raise Conflict(
            f"“{item.title}”在{item.guide.get('link', '相应页面')}办理，办理进度同样显示在“我的办件”中"
        )
    if item.kind == guide.VOUCHER:
        reason = voucher.eligibility(session, org)
        if reason:
            raise Conflict(reason)
        return Prepared(voucher.check_request(data.amount), {"mode": data.mode.value})
    if item.kind == guide.RD:
        return _prepare_rd(session, actor, org, item, data, year)
    verdict = eligibility.check(session, org, item, year)
    if not verdict.eligible:
        raise Conflict("不符合申请条件：" + "；".join(verdict.reasons))
    if item.kind == guide.HIGH_TECH:
        tag = eligibility.high_tech_tag(session, org)
        return Prepared(
            verdict.estimate,
            {"certificate_no": tag.certificate_no if tag else ""},
            verdict.estimate_note,
        )
    if item.kind == guide.AWARD:
        cap = Decimal(str(item.guide["cap"]))
        if data.amount is not None and data.amount > cap:
            raise InvalidInput(errors={"amount": f"申请金额不能超过本事项上限{exact_yuan(cap)}"})
        return Prepared(data.amount or cap, {}, verdict.estimate_note)
    return Prepared(None, {})


def _prepare_rd(
    session: Session,
    actor: Actor,
    org: Organization,
    item: ServiceItem,
    data: CaseCreate,
    year: int,
) -> Prepared:
    errors = {}
    if data.rd_year is None:
        errors["rd_year"] = "请填写研发费用所属年度"
    if data.rd_expense is None:
        errors["rd_expense"] = "请填写该年度允许扣除的研发费用合计（元）"
    if data.rd_expense_last is None:
        errors["rd_expense_last"] = "请填写上一年度允许扣除的研发费用合计（元），没有填 0"
    if errors:
        raise InvalidInput(errors=errors)
    assert data.rd_year is not None and data.rd_expense is not None
    assert data.rd_expense_last is not None
    if not year - 2 <= data.rd_year <= year:
        raise InvalidInput(errors={"rd_year": f"研发费用所属年度应为{year - 2}—{year}年"})
    reasons: list[str] = []
    if not eligibility.is_enterprise(org, reasons):
        raise Conflict("不符合申请条件：" + "；".join(reasons))
    if eligibility.applied_this_year(session, org, item, year):
        raise Conflict(f"本机构{year}年度已申请本事项（办理中或已准予），不能重复申请")
    rd.record_expense(session, actor, org.id, data.rd_year, data.rd_expense, data.surveyed)
    rd.record_expense(session, actor, org.id, data.rd_year - 1, data.rd_expense_last, data.surveyed)
    quote = rd.quote_for(session, org.id, data.rd_year, today())
    if quote.amount <= 0:
        raise Conflict("按填报数据测算补助为 0，不能申请")
    return Prepared(
        quote.amount, {"rd_year": data.rd_year, "rate_version": quote.version}, quote.explanation
    )


def _line(session: Session, item_no: int, year: int) -> BudgetLine:
    line = funding_service.line_for_update(session, PROGRAMME, item_no, year)
    if line is None:
        raise Conflict(f"政策第{item_no}条{year}年度资金尚未设置，请先设置年度资金")
    return line


def set_budget(
    session: Session, actor: Actor, item_no: int, year: int, total: Decimal
) -> BudgetLine:
    """The year's funding of one policy item's subsidies or awards (创新券: ``voucher.set_pool``)."""
    return funding_service.set_line(
        session,
        actor,
        programme=PROGRAMME,
        item_no=item_no,
        year=year,
        total=total,
        title=f"{year}年度企业办事·政策第{item_no}条资金",
    )


def budgets(session: Session, year: int | None = None) -> list[BudgetLine]:
    return funding_service.lines(session, PROGRAMME, year)


def _reserve(
    session: Session, actor: Actor, line: BudgetLine, case: ServiceCase, amount: Decimal
) -> None:
    funds.reserve(
        session,
        actor,
        line,
        case,
        amount,
        refused=f"{line.title or '年度资金'}余额不足",
        summary=f"{case.item.title} {case.serial_no} 核定{exact_yuan(amount)}",
    )


def grant(session: Session, actor: Actor, case: ServiceCase, amount: Decimal | None) -> str:
    """Fix and reserve the amount of a case about to be granted; the note the applicant reads."""
    kind = case.item.kind
    if kind == guide.VOUCHER:
        case.granted_amount = voucher.grant(session, actor, case, amount)
        return f"核定创新券额度{exact_yuan(case.granted_amount)}"
    if kind == guide.HIGH_TECH:
        city = Decimal(str(case.item.guide.get("city_amount", "30000.00")))
        voucher.grant_fixed(session, actor, case, city)
        case.granted_amount = city
        case.district_amount = Decimal(str(case.item.guide.get("district_amount", "100000.00")))
        return (
            f"市级认定补贴{exact_yuan(city)}以创新券方式发放；所在县（市）区、开发区后补助"
            f"{exact_yuan(case.district_amount)}已记录"
        )
    if kind == guide.RD:
        year = int(case.form["rd_year"])
        on = local(case.submitted_at).date() if case.submitted_at else today()
        quote = rd.quote_for(session, case.org_id, year, on)
        line = _line(session, case.item.item_no, case.year)
        _reserve(session, actor, line, case, quote.amount)
        case.granted_amount, case.explanation = quote.amount, quote.explanation
        case.form = {**case.form, "rate_version": quote.version}
        return f"核定研发投入补助{exact_yuan(quote.amount)}：{quote.explanation}"
    if kind == guide.AWARD:
        decided = awards.decide(session, case, amount)
        line = _line(session, case.item.item_no, case.year)
        _reserve(session, actor, line, case, decided)
        case.granted_amount = decided
        return f"经专家评审，核定奖励{exact_yuan(decided)}"
    return ""


def disburse(session: Session, actor: Actor, case: ServiceCase) -> None:
    """拨付 a granted subsidy or award: its reservation is paid whole, once."""
    if case.item.kind not in DISBURSED:
        raise Conflict("本事项的资金通过创新券使用后兑付，不能直接拨付")
    reservation = funding_service.reservation_of(session, SUBJECT, case.id)
    if reservation is None:
        raise Conflict("该办件没有核定的资金，不能拨付")
    funding_service.pay(session, actor, reservation, note=f"{case.item.title}拨付 {case.serial_no}")
