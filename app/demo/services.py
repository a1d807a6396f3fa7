"""Demo applications in the service hall: the year's voucher pool and a few 办件 in each state.

光谷精密光学's voucher is granted, used for a testing order with a provider (通兑) and
redeemed, and rated 非常满意; 启明星's waits in 办理; 禾丰's was sent back for 补正材料;
博瑞's subsidy application was not accepted and rated 不满意, so the bureau's list of
follow-ups has one to answer. Idempotent: once the year's pool exists nothing is added again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local
from app.core.db import utcnow
from app.models import Organization, User
from app.models.enums import OrgType, VoucherCategory, VoucherMode
from app.services import service, voucher
from app.services.schemas import CaseCreate, CaseMove, OrderCreate, RatingCreate


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def load_services(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    admin = _user(session, "admin@demo.kechuang.cn")
    year = local(utcnow()).year
    if admin is None or voucher.pool(session, year) is not None:
        return False
    staff = Actor(user=admin, label="演示数据")
    voucher.set_pool(session, staff, year, None)

    def apply(email: str, item: str, amount: str | None, purpose: str) -> tuple[Actor, int] | None:
        user = _user(session, email)
        if user is None:
            return None
        me = Actor(user=user, label="演示数据")
        case = service.create(
            session,
            me,
            CaseCreate(
                item=item,
                amount=Decimal(amount) if amount else None,
                mode=VoucherMode.REDEEM,
                purpose=purpose,
            ),
        )
        service.submit(session, me, case.id)
        service.act(session, staff, case.id, "review", CaseMove())
        return me, case.id

    made = 0
    if found := apply(
        "guanggu@demo.kechuang.cn",
        "KJCXQ",
        "150000",
        "委托第三方检测机构开展红外光学镜头环境可靠性试验（高低温、湿热、振动）",
    ):
        me, case_id = found
        for action in ("accept", "process", "grant"):
            service.act(session, staff, case_id, action, CaseMove())
        provider = session.scalar(
            select(Organization).where(Organization.org_type == OrgType.SERVICE_PROVIDER)
        )
        if provider is not None:
            service.order(
                session,
                me,
                case_id,
                OrderCreate(
                    provider_org_id=provider.id,
                    category=VoucherCategory.TESTING,
                    mode=VoucherMode.REDEEM,
                    amount=Decimal("186000"),
                    description="红外镜头组环境可靠性试验 6 项，出具CMA检测报告",
                ),
            )
            service.pay_order(session, staff, case_id)
        service.rate(session, me, case_id, RatingCreate(grade=5, comment="全程网上办理，很方便"))
        made += 1
    if found := apply(
        "qimingxing@demo.kechuang.cn",
        "KJCXQ",
        "100000",
        "委托高校开展车载毫米波雷达天线阵列仿真与优化设计（研究开发服务）",
    ):
        service.act(session, staff, found[1], "accept", CaseMove())
        service.act(session, staff, found[1], "process", CaseMove())
        made += 1
    if found := apply(
        "hefeng@demo.kechuang.cn", "KJCXQ", "50000", "购买玉米秸秆饲料化工艺的科技咨询服务"
    ):
        service.act(
            session,
            staff,
            found[1],
            "correct",
            CaseMove(reason="请补充科技型中小企业入库登记编号截图和拟购买服务的报价单"),
        )
        made += 1
    if found := apply(
        "borui@demo.kechuang.cn", "GQRDBT", None, "2024年通过高新技术企业认定，申请市级认定补贴"
    ):
        me, case_id = found
        service.act(
            session,
            staff,
            case_id,
            "not_accept",
            CaseMove(reason="认定补贴按当年认定批次统一拨付，2024年批次已于上年办结"),
        )
        service.rate(session, me, case_id, RatingCreate(grade=2, comment="希望提前告知批次时间"))
        made += 1
    progress(f"企业办事：{year}年度创新券资金池 3,000万元，办件 {made} 件")
    return True
