"""Demo applications in the service hall: the year's voucher pool and funding, a few 办件 of
every kind in different states.

光谷精密光学's voucher is granted, used for a testing order with 长春应化所分析测试中心
(通兑) and redeemed, and rated 非常满意; 启明星's voucher waits in 办理, its 研发投入补助 is
granted on the bureau's rates and paid out; 禾丰's voucher was sent back for 补正材料; 博瑞,
recognised again as a 高新技术企业 last year, received its 3万 subsidy as a voucher with the
district's 10万 recorded, and rated it 不满意, so the bureau's follow-ups have one to answer;
智能网联汽车创新研究院's 中试平台 award is with its expert panel (one expert has scored) and its
新型研发机构 award waits for 形式审查; 吉林大学 applied for the transfer institution award.
Idempotent: once the year's pool exists nothing is added again.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local
from app.core.db import utcnow
from app.core.pdf import PdfFontMissing, new_canvas
from app.models import OrgTag, Resource, User
from app.models.enums import (
    OrgTagKind,
    ResourceKind,
    ResourceStatus,
    VoucherCategory,
    VoucherMode,
)
from app.services import awards, kinds, orders, service, voucher
from app.services.schemas import (
    CaseCreate,
    CaseMove,
    MarkIn,
    OrderCreate,
    PanelSet,
    RatingCreate,
    ScoreCreate,
)

#: the year's funding of the hall's subsidies and awards, by policy item
BUDGETS = {9: "10000000", 10: "20000000", 11: "20000000", 21: "50000000", 22: "5000000"}


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _provider(session: Session, category: VoucherCategory) -> int | None:
    """An organisation listed as a voucher service provider for ``category``."""
    for entry in session.scalars(
        select(Resource).where(
            Resource.kind == ResourceKind.SERVICE_PROVIDER,
            Resource.status == ResourceStatus.PUBLISHED,
            Resource.accepts_vouchers.is_(True),
        )
    ):
        if category.value in entry.services:
            return entry.org_id
    return None


def _pdf(title: str) -> bytes:
    """A one-page PDF standing for an uploaded material (its title on the page)."""
    buffer = io.BytesIO()
    try:
        pdf = new_canvas(buffer, title=title, pagesize=A4)
        pdf.drawString(72, 760, f"{title}（演示材料）")
    except PdfFontMissing:  # without a Chinese font the page stays blank
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf.setTitle("demo")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def load_services(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    admin = _user(session, "admin@demo.kechuang.cn")
    year = local(utcnow()).year
    if admin is None or voucher.pool(session, year) is not None:
        return False
    staff = Actor(user=admin, label="演示数据")
    voucher.set_pool(session, staff, year, None)
    for item_no, total in BUDGETS.items():
        kinds.set_budget(session, staff, item_no, year, Decimal(total))

    def apply(email: str, item: str, purpose: str, **extra: Any) -> tuple[Actor, int] | None:
        user = _user(session, email)
        if user is None:
            return None
        me = Actor(user=user, label="演示数据")
        case = service.create(session, me, CaseCreate(item=item, purpose=purpose, **extra))
        for n, material in enumerate(case.item.guide.get("materials") or []):
            if not material.get("optional"):
                name = f"{material['name']}.pdf"
                service.add_material(session, me, case.id, name, _pdf(material["name"]), n)
        service.submit(session, me, case.id)
        service.act(session, staff, case.id, "review", CaseMove())
        return me, case.id

    def moves(case_id: int, *actions: str) -> None:
        for action in actions:
            service.act(session, staff, case_id, action, CaseMove())

    made = 0
    if found := apply(
        "guanggu@demo.kechuang.cn",
        "KJCXQ",
        "委托第三方检测机构开展红外光学镜头环境可靠性试验（高低温、湿热、振动）",
        amount=Decimal("150000"),
        mode=VoucherMode.REDEEM,
    ):
        me, case_id = found
        moves(case_id, "accept", "process", "grant")
        provider = _provider(session, VoucherCategory.TESTING)
        if provider is not None:
            orders.order(
                session,
                me,
                case_id,
                OrderCreate(
                    provider_org_id=provider,
                    category=VoucherCategory.TESTING,
                    mode=VoucherMode.REDEEM,
                    amount=Decimal("186000"),
                    description="红外镜头组环境可靠性试验 6 项，出具CMA检测报告",
                ),
            )
            orders.pay_order(session, staff, case_id)
        service.rate(session, me, case_id, RatingCreate(grade=5, comment="全程网上办理，很方便"))
        made += 1
    if found := apply(
        "qimingxing@demo.kechuang.cn",
        "KJCXQ",
        "委托高校开展车载毫米波雷达天线阵列仿真与优化设计（研究开发服务）",
        amount=Decimal("100000"),
    ):
        moves(found[1], "accept", "process")
        made += 1
    if found := apply(
        "qimingxing@demo.kechuang.cn",
        "YFTRBZ",
        "公司研发投入连续三年增长，重点投向线控底盘控制器和车载域控制器研发",
        rd_year=year - 1,
        rd_expense=Decimal("12860000"),
        rd_expense_last=Decimal("10240000"),
    ):
        moves(found[1], "accept", "process", "grant")
        service.disburse(session, staff, found[1])
        made += 1
    if found := apply(
        "hefeng@demo.kechuang.cn",
        "KJCXQ",
        "购买玉米秸秆饲料化工艺的科技咨询服务",
        amount=Decimal("50000"),
    ):
        service.act(
            session,
            staff,
            found[1],
            "correct",
            CaseMove(reason="请补充科技型中小企业入库登记编号截图和拟购买服务的报价单"),
        )
        made += 1
    made += _high_tech_subsidy(session, staff, apply, moves, year)
    made += _awards(session, staff, apply, moves)
    progress(f"企业办事：{year}年度创新券资金池 3,000万元，办件 {made} 件")
    return True


def _high_tech_subsidy(
    session: Session, staff: Actor, apply: Any, moves: Callable[..., None], year: int
) -> int:
    """博瑞 was recognised again last year: 3万 as a voucher, the district's 10万 recorded."""
    user = _user(session, "borui@demo.kechuang.cn")
    if user is None or user.org_id is None:
        return 0
    tag = session.scalar(
        select(OrgTag).where(OrgTag.org_id == user.org_id, OrgTag.kind == OrgTagKind.HIGH_TECH)
    )
    if tag is None:
        tag = OrgTag(org_id=user.org_id, kind=OrgTagKind.HIGH_TECH)
        session.add(tag)
    tag.certificate_no, tag.certified_on = f"GR{year - 1}22000318", date(year - 1, 12, 8)
    tag.expires_on = date(year + 2, 12, 7)
    session.flush()
    found = apply("borui@demo.kechuang.cn", "GQRDBT", f"{year - 1}年第二批通过高新技术企业重新认定")
    if not found:
        return 0
    me, case_id = found
    moves(case_id, "accept", "process", "grant")
    service.rate(
        session, me, case_id, RatingCreate(grade=2, comment="希望告知区县后补助10万元的兑现时间")
    )
    return 1


def _awards(session: Session, staff: Actor, apply: Any, moves: Callable[..., None]) -> int:
    made = 0
    if found := apply(
        "icv@demo.kechuang.cn",
        "ZSPTJL",
        "2025年度面向42家企业提供车规级电子部件样件试制、环境可靠性试验和小批量验证服务，"
        "服务收入1,380万元",
        amount=Decimal("1500000"),
    ):
        _me, case_id = found
        moves(case_id, "accept", "process")
        experts = [
            u
            for u in (
                _user(session, "expert.auto@demo.kechuang.cn"),
                _user(session, "expert@demo.kechuang.cn"),
            )
            if u is not None
        ]
        if experts:
            service.form_panel(
                session, staff, case_id, PanelSet(expert_ids=[e.id for e in experts])
            )
            marks = [
                MarkIn(score=88, comment="开放服务覆盖面广，服务企业数量多"),
                MarkIn(score=84, comment="中试熟化成效明显，有3项成果进入量产"),
                MarkIn(score=80, comment="运行管理制度健全"),
            ]
            seated = awards.eligible_experts(session, case_id)
            if seated:
                scorer = Actor(user=seated[0], label="演示数据")
                service.score(session, scorer, case_id, ScoreCreate(items=marks))
        made += 1
    if apply(
        "icv@demo.kechuang.cn",
        "XXYFJL",
        "备案期三年期满，绩效自评：承担省部级项目11项，转化成果8项，孵化企业5家",
        amount=Decimal("2000000"),
    ):
        made += 1
    if found := apply(
        "jlu@demo.kechuang.cn",
        "JSZYJL",
        "技术转移中心年度发布可转化科技成果目录326项，完成成果转化合同89项，合同金额1.2亿元",
        amount=Decimal("1000000"),
    ):
        moves(found[1], "accept")
        made += 1
    return made
