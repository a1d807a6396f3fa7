"""Demo deals and technical contracts: one of each state a visitor should be able to see.

A 技术转让 deal introduced by the demo broker that went all the way to a registered contract
being paid; a deal in negotiation with an offer and a counter-offer; a fresh inquiry; and
contracts entered directly: registered (a 技术许可 with a buyer outside the city, a 技术入股
agreement), awaiting registration, and returned with a reason. Idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Achievement, Demand, Listing, Organization, TechContract, User
from app.models.enums import ListingStatus
from app.trading import deals, service
from app.trading.schemas import ContractCreate, DealOpen, OfferCreate, PaymentCreate


def _user(session: Session, email: str) -> User:
    user = session.scalars(select(User).where(User.email == email)).one()
    return user


def _org(session: Session, name: str) -> Organization:
    return session.scalars(select(Organization).where(Organization.name == name)).one()


def _listing(session: Session, kind: type[Listing], org: Organization, skip: int = 0) -> Listing:
    return session.scalars(
        select(kind)
        .where(kind.org_id == org.id, kind.status == ListingStatus.PUBLISHED)
        .order_by(kind.id)
        .offset(skip)
        .limit(1)
    ).one()


def _contract(session: Session, actor: Actor, **fields: Any) -> TechContract:
    return service.create_contract(session, actor, ContractCreate.model_validate(fields))


MARKER = "JLU-ZR-2026-031"  # the contract number of the first demo contract


def load_trading(session: Session, progress: Callable[[str], object] = lambda _m: None) -> None:
    """Create the demo deals and contracts unless they are there already."""
    if session.scalar(select(TechContract.id).where(TechContract.contract_no == MARKER)):
        return
    admin = Actor(user=_user(session, "admin@demo.kechuang.cn"))
    broker = _user(session, "broker@demo.kechuang.cn")
    jlu_admin = Actor(user=_user(session, "jlu@demo.kechuang.cn"))
    cust_admin = Actor(user=_user(session, "cust@demo.kechuang.cn"))
    ccut_admin = Actor(user=_user(session, "ccut@demo.kechuang.cn"))
    ciac_admin = Actor(user=_user(session, "ciac@demo.kechuang.cn"))
    qimingxing = Actor(user=_user(session, "qimingxing@demo.kechuang.cn"))
    guanggu = Actor(user=_user(session, "guanggu@demo.kechuang.cn"))
    borui = Actor(user=_user(session, "borui@demo.kechuang.cn"))
    jlu, cust, ccut = (_org(session, n) for n in ("吉林大学", "长春理工大学", "长春工业大学"))
    ciac = _org(session, "中国科学院长春应用化学研究所")
    qmx = _org(session, "长春启明星汽车电子有限公司")
    br, bf = (
        _org(session, "长春博瑞生物医药科技有限公司"),
        _org(session, "长春北方新材料科技有限公司"),
    )
    agency = _org(session, "长春科技成果转化服务中心")

    # 1. From inquiry to a registered, partly paid 技术转让 contract, introduced by the broker.
    achievement = _listing(session, Achievement, jlu, skip=1)
    deal = deals.open_deal(
        session,
        qimingxing,
        DealOpen(
            listing_id=achievement.id,
            message="我司车载电子产线需要该技术，经陈思远老师介绍，希望洽谈专利权转让。",
            broker_id=broker.id,
        ),
    )
    session.flush()
    deal = deals.load(session, qimingxing, deal.id)
    deals.post_message(session, jlu_admin, deal, "欢迎洽谈。该成果已获发明专利授权，可整体转让。")
    offer = deals.make_offer(
        session, jlu_admin, deal, OfferCreate(price="120万", terms="一次性支付")
    )
    counter = deals.make_offer(
        session, qimingxing, deal, OfferCreate(price="95万", terms="分两期：签约后40万，验收后55万")
    )
    deals.accept_offer(session, jlu_admin, deal, counter.id)
    assert offer.id != counter.id
    contract = _contract(
        session,
        jlu_admin,
        title=f"{achievement.title}专利权转让合同",
        contract_type="transfer",
        contract_no=MARKER,
        total_amount="950000",
        tech_amount="930000",
        signed_on=date(2026, 9, 18),
        term_start=date(2026, 9, 18),
        term_end=date(2027, 9, 17),
        tech_field="10",
        ip_type="21",
        summary="让与方将一项发明专利权转让给受让方，并提供为期一年的技术指导。",
        broker_id=broker.id,
        transfer_org_id=agency.id,
        deal_id=deal.id,
        achievement_ids=[achievement.id],
        patents=[{"number": "ZL202210345678.9", "title": achievement.title, "kind": "发明"}],
        parties=[
            {"role": "assignor", "org_id": jlu.id},
            {"role": "assignee", "org_id": qmx.id},
        ],
        milestones=[
            {"name": "签约首付款", "amount": "400000", "due_on": date(2026, 10, 15)},
            {"name": "验收尾款", "amount": "550000", "due_on": date(2027, 6, 30)},
        ],
    )
    service.submit_registration(session, jlu_admin, contract, jlu.id)
    service.approve_registration(session, admin, contract)
    session.flush()
    service.record_payment(
        session,
        jlu_admin,
        contract.id,
        PaymentCreate(
            milestone_id=contract.milestones[0].id,
            amount="400000",
            paid_on=date(2026, 10, 12),
            note="银行转账",
        ),
    )

    # 2. A negotiation under way: an offer and a counter-offer, nothing agreed yet.
    optics = _listing(session, Achievement, cust)
    talk = deals.open_deal(
        session,
        guanggu,
        DealOpen(listing_id=optics.id, message="我司希望以独占许可方式实施，请介绍许可费用。"),
    )
    session.flush()
    talk = deals.load(session, guanggu, talk.id)
    deals.make_offer(session, cust_admin, talk, OfferCreate(price="60万", terms="独占许可五年"))
    deals.make_offer(session, guanggu, talk, OfferCreate(price="45万", terms="普通许可五年"))

    # 3. A fresh inquiry on a demand, answered by nobody yet.
    demand = session.scalars(
        select(Demand)
        .where(Demand.status == ListingStatus.PUBLISHED, Demand.org_id != ccut.id)
        .order_by(Demand.id)
        .limit(1)
    ).one()
    deals.open_deal(
        session,
        ccut_admin,
        DealOpen(listing_id=demand.id, message="我校材料成型团队有相关研究基础，可承接联合开发。"),
    )

    # 4. Contracts entered directly, in each registration state.
    licence = _contract(
        session,
        cust_admin,
        title="激光测距模组光学系统设计技术许可合同",
        contract_type="license",
        total_amount="360000",
        signed_on=date(2026, 7, 2),
        tech_field="01",
        ip_type="30",
        parties=[
            {"role": "licensor", "org_id": cust.id},
            {
                "role": "licensee",
                "name": "沈阳辽河光电仪器有限公司",
                "org_type": "enterprise",
                "region_code": "220199",
            },
        ],
        milestones=[{"name": "许可费", "amount": "360000", "due_on": date(2026, 8, 1)}],
    )
    service.submit_registration(session, cust_admin, licence, cust.id)
    service.approve_registration(session, admin, licence)

    equity = _contract(
        session,
        ciac_admin,
        title="可降解聚乳酸改性技术作价入股协议",
        contract_type="equity",
        total_amount="3000000",
        signed_on=date(2026, 5, 20),
        tech_field="05",
        ip_type="21",
        parties=[
            {"role": "contributor", "org_id": ciac.id},
            {"role": "investee", "org_id": bf.id},
        ],
    )
    service.submit_registration(session, ciac_admin, equity, ciac.id)
    service.approve_registration(session, admin, equity)

    development = _contract(
        session,
        ccut_admin,
        title="新能源汽车铝合金电池托盘焊接变形控制技术开发合同",
        contract_type="development",
        total_amount="680000",
        tech_amount="600000",
        signed_on=date(2026, 10, 28),
        tech_field="03",
        ip_type="10",
        broker_id=broker.id,
        parties=[
            {"role": "contractor", "org_id": ccut.id},
            {"role": "client", "org_id": qmx.id},
        ],
        milestones=[
            {"name": "实施", "amount": "200000"},
            {"name": "中期检查", "amount": "200000"},
            {"name": "验收", "amount": "280000"},
        ],
    )
    service.submit_registration(session, ccut_admin, development, ccut.id)

    consulting = _contract(
        session,
        borui,
        title="细胞治疗产品质量体系建设技术咨询合同",
        contract_type="consulting",
        total_amount="150000",
        signed_on=date(2026, 11, 3),
        tech_field="04",
        ip_type="00",
        parties=[
            {"role": "contractor", "org_id": jlu.id},
            {"role": "client", "org_id": br.id},
        ],
    )
    service.submit_registration(session, borui, consulting, br.id)
    service.return_registration(
        session, admin, consulting, "合同未载明咨询报告的交付形式和验收标准，请补充后重新提交"
    )
    session.flush()
    progress("技术交易：洽谈 3 个，技术合同 5 份（已登记 3 份）")
