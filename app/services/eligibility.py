"""Who may apply for which item now, why, and how much: 惠企政策精准推送.

Every check reads the organisation's recorded facts — its type, its recognitions (``OrgTag``,
with their dates), its entries in the resource directories (中试平台 with a 备案号, 孵化器,
技术转移机构), its recorded R&D expenses, and what it was granted or has under way in the
hall — and says in one Chinese sentence per condition what holds and what does not. The same
checks refuse an application that does not qualify (``service.create``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today
from app.core.config import get_settings
from app.core.errors import AppError
from app.core.money import CENT, exact_yuan
from app.incentives import service as incentive_service
from app.models import Organization, OrgTag, ServiceCase, ServiceItem
from app.models.enums import CaseStatus, ClaimStatus, OrgTagKind, OrgType, ResourceKind
from app.resources import service as resource_service
from app.services import guide, rd, voucher

#: cases that still count as the year's application of an item (not refused or withdrawn)
LIVE = frozenset(set(CaseStatus) - {CaseStatus.NOT_ACCEPTED, CaseStatus.REFUSED})


@dataclass
class Verdict:
    """One item for one organisation: may it apply now, why (or why not), and the estimate."""

    item: ServiceItem
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    #: what the organisation could receive, when it can be computed or is fixed
    estimate: Decimal | None = None
    #: how the estimate was reached, or what decides it (专家评审 within the cap)
    estimate_note: str = ""

    @property
    def clause_url(self) -> str:
        return f"/policies/clauses/{self.item.item_no}"


Check = Callable[[Session, Organization, ServiceItem, int], Verdict]


def _tag(session: Session, org: Organization, kind: OrgTagKind) -> OrgTag | None:
    return session.scalars(
        select(OrgTag).where(OrgTag.org_id == org.id, OrgTag.kind == kind)
    ).one_or_none()


def high_tech_tag(session: Session, org: Organization) -> OrgTag | None:
    return _tag(session, org, OrgTagKind.HIGH_TECH)


def applied_this_year(session: Session, org: Organization, item: ServiceItem, year: int) -> bool:
    return (
        session.scalars(
            select(ServiceCase.id).where(
                ServiceCase.org_id == org.id,
                ServiceCase.item_id == item.id,
                ServiceCase.year == year,
                ServiceCase.status.in_(LIVE),
            )
        ).first()
        is not None
    )


def _once_a_year(
    session: Session, org: Organization, item: ServiceItem, year: int, v: Verdict
) -> Verdict:
    if v.eligible and applied_this_year(session, org, item, year):
        v.eligible = False
        v.reasons.append(f"本机构{year}年度已申请本事项（办理中或已准予），不能重复申请")
    return v


def is_enterprise(org: Organization, reasons: list[str]) -> bool:
    if org.org_type != OrgType.ENTERPRISE:
        reasons.append(f"本事项面向企业，本机构类型为“{org.org_type.label}”")
        return False
    return True


def _voucher(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
    reason = voucher.eligibility(session, org)
    if reason:
        return Verdict(item, False, [reason])
    settings = get_settings()
    used = voucher.granted_in_year(session, org.id, year)
    left = max(settings.voucher_cap_per_year_yuan - used, Decimal("0.00"))
    tags = "、".join(
        t.kind.label
        for t in (_tag(session, org, k) for k in voucher.ELIGIBLE_TAGS)
        if t is not None
    )
    if left <= 0:
        return Verdict(item, False, [f"{year}年度创新券额度已用满（已核定{exact_yuan(used)}）"])
    estimate = min(settings.voucher_cap_per_claim_yuan, left).quantize(CENT)
    return Verdict(
        item,
        True,
        [
            f"本机构为{tags}（资质在有效期内）",
            f"{year}年度已核定{exact_yuan(used)}，尚可申领{exact_yuan(left)}",
        ],
        estimate,
        f"单次最高{exact_yuan(settings.voucher_cap_per_claim_yuan)}，"
        f"年度最高{exact_yuan(settings.voucher_cap_per_year_yuan)}",
    )


def _high_tech(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
    reasons: list[str] = []
    if not is_enterprise(org, reasons):
        return Verdict(item, False, reasons)
    tag = _tag(session, org, OrgTagKind.HIGH_TECH)
    if tag is None or tag.certified_on is None:
        return Verdict(item, False, ["未登记高新技术企业认定（证书及认定日期）"])
    if tag.certified_on.year < year - 1:
        return Verdict(
            item,
            False,
            [f"高新技术企业于{tag.certified_on}认定，认定补贴须在认定当年或次年申请"],
        )
    city = Decimal(str(item.guide.get("city_amount", "30000.00")))
    district = Decimal(str(item.guide.get("district_amount", "100000.00")))
    v = Verdict(
        item,
        True,
        [f"已于{tag.certified_on}通过高新技术企业认定（证书 {tag.certificate_no or '—'}）"],
        city,
        f"市级以创新券方式给予{exact_yuan(city)}；所在县（市）区、开发区另以后补助方式给予"
        f"{exact_yuan(district)}（由区县兑现，平台记录）",
    )
    if _certificate_used(session, org, item, tag):
        v.eligible = False
        v.reasons.append("该高新技术企业证书已申请过认定补贴")
    return v


def _certificate_used(session: Session, org: Organization, item: ServiceItem, tag: OrgTag) -> bool:
    cases = session.scalars(
        select(ServiceCase).where(
            ServiceCase.org_id == org.id,
            ServiceCase.item_id == item.id,
            ServiceCase.status.in_(LIVE),
        )
    )
    return any(c.form.get("certificate_no", "") == tag.certificate_no for c in cases)


def _rd(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
    reasons: list[str] = []
    if not is_enterprise(org, reasons):
        return Verdict(item, False, reasons)
    facts = rd.expenses(session, org.id)
    if not facts:
        return Verdict(
            item,
            False,
            ["尚未填报“允许扣除的研发费用合计”：在申请表中填报本年度与上年度数据后即可测算"],
        )
    latest = max(facts)
    try:
        quote = rd.quote_for(session, org.id, latest, today())
    except AppError as refused:
        return Verdict(item, False, [refused.detail])
    v = Verdict(
        item,
        quote.amount > 0,
        [
            f"已填报{latest}年度允许扣除的研发费用合计{exact_yuan(quote.this_year)}，纳入国家科技统计调查"
        ],
        quote.amount,
        quote.explanation,
    )
    if not v.eligible:
        v.reasons.append("按填报数据测算补助为 0")
    return _once_a_year(session, org, item, year, v)


def _resource_check(
    kind: ResourceKind, label: str, *, filed: bool = False, types: frozenset[OrgType] | None = None
) -> Check:
    def check(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
        cap = Decimal(str(item.guide["cap"]))
        note = f"最高{exact_yuan(cap)}，经专家评审择优核定"
        if types is not None and org.org_type not in types:
            names = "、".join(t.label for t in sorted(types))
            return Verdict(item, False, [f"本事项面向{names}，本机构类型为“{org.org_type.label}”"])
        entries = resource_service.published_of_org(session, org.id, kind)
        if filed:
            entries = [e for e in entries if e.filing_no]
        if not entries:
            need = f"已纳入市级备案的{label}" if filed else label
            return Verdict(item, False, [f"平台资源名录中没有本机构已发布的{need}"])
        first = entries[0]
        shown = first.name + (f"（备案号 {first.filing_no}）" if first.filing_no else "")
        v = Verdict(item, True, [f"本机构的{label}“{shown}”已在资源名录发布"], cap, note)
        return _once_a_year(session, org, item, year, v)

    return check


def _new_rd(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
    cap = Decimal(str(item.guide["cap"]))
    if org.org_type != OrgType.NEW_RD:
        return Verdict(
            item, False, [f"本事项面向市级新型研发机构，本机构类型为“{org.org_type.label}”"]
        )
    v = Verdict(
        item,
        True,
        ["本机构为新型研发机构；须备案期满且绩效评价优秀（由专家评审确认）"],
        cap,
        f"最高{exact_yuan(cap)}，经专家评审择优核定",
    )
    return _once_a_year(session, org, item, year, v)


def _incubator_recognised(
    session: Session, org: Organization, item: ServiceItem, year: int
) -> Verdict:
    cap = Decimal(str(item.guide["cap"]))
    tag = _tag(session, org, OrgTagKind.INCUBATOR)
    if tag is None or tag.certified_on is None or tag.certified_on.year != year:
        return Verdict(item, False, [f"本机构未登记{year}年度通过认定的市级科技企业孵化器资质"])
    v = Verdict(item, True, [f"已于{tag.certified_on}通过市级科技企业孵化器认定"], cap, "定额奖补")
    return _once_a_year(session, org, item, year, v)


def _contract(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
    return Verdict(
        item,
        org.is_verified,
        ["已认证机构可随时在线提交技术合同认定登记"] if org.is_verified else ["机构尚未通过认证"],
        None,
        "登记后按政策第九、十五、十六、十八、十九条自动测算奖补",
    )


CHECKS: dict[str, Check] = {
    "KJCXQ": _voucher,
    "GQRDBT": _high_tech,
    "YFTRBZ": _rd,
    "ZSPTJL": _resource_check(ResourceKind.PILOT_PLATFORM, "中试平台（基地）", filed=True),
    "XXYFJL": _new_rd,
    "JSZYJL": _resource_check(
        ResourceKind.TRANSFER_INSTITUTION,
        "技术转移机构",
        types=frozenset({OrgType.UNIVERSITY, OrgType.INSTITUTE}),
    ),
    "FHQRD": _incubator_recognised,
    "FHQJX": _resource_check(ResourceKind.INCUBATOR, "科技企业孵化器"),
    "JSHTDJ": _contract,
}


def check(session: Session, org: Organization, item: ServiceItem, year: int) -> Verdict:
    """The verdict for one item; an item without a check is open to every verified organisation."""
    found = CHECKS.get(item.code)
    if found is None:
        return Verdict(item, org.is_verified, ["已认证机构均可申请"])
    return found(session, org, item, year)


def for_org(
    session: Session, org: Organization, items: list[ServiceItem], year: int, user: object
) -> list[Verdict]:
    """Every item for ``org``: those it may apply for first, each with its reasons."""
    verdicts = []
    for item in items:
        if item.kind == guide.REWARD:
            verdicts.append(_claims(session, item, user))
        else:
            verdicts.append(check(session, org, item, year))
    return sorted(verdicts, key=lambda v: (not v.eligible, v.item.item_no, v.item.code))


def _claims(session: Session, item: ServiceItem, user: object) -> Verdict:
    """Reward claims waiting for a decision, read from app/incentives for the asking user."""
    pending = [
        (status, amount, count)
        for _year, status, amount, count in incentive_service.totals(session, user)  # type: ignore[arg-type]
        if status == ClaimStatus.PENDING
    ]
    count = sum(c for _s, _a, c in pending)
    if not count:
        return Verdict(item, False, ["暂无待核定的奖补：技术合同认定登记后自动生成"])
    amount = sum((a for _s, a, _c in pending), Decimal("0.00"))
    return Verdict(
        item, True, [f"本机构有{count}项奖补待核定"], amount, "按已登记技术合同自动测算，以核定为准"
    )
