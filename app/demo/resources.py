"""Demo resources: labs, shared instruments, a 中试 platform, incubators, a transfer
institution, voucher service providers, and bookings of the instruments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local
from app.core.db import utcnow
from app.models import InstrumentBooking, User
from app.models.enums import BookingStatus, ResourceKind, UsagePayment
from app.resources import bookings, service
from app.resources.schemas import BookingCreate, BookingDecision, ResourceCreate, ResourceReview

#: (keeper's e-mail, entry); the keeper's organisation owns it.
ENTRIES: list[tuple[str, dict[str, Any]]] = [
    (
        "jlu@demo.kechuang.cn",
        {
            "kind": ResourceKind.LAB,
            "name": "汽车底盘集成与仿生全国重点实验室",
            "summary": "面向汽车底盘线控、智能驾驶与仿生设计，开放底盘测试台架和整车道路试验能力，承接企业委托研发。",
            "region_code": "220104",
            "level": "国家级",
            "address": "长春市朝阳区人民大街5988号",
            "contact_name": "王老师",
            "contact_phone": "0431-85095xxx",
        },
    ),
    (
        "ciomp@demo.kechuang.cn",
        {
            "kind": ResourceKind.LAB,
            "name": "应用光学国家重点实验室",
            "summary": "光学设计、精密光学加工与检测方向的国家重点实验室，对外提供光学系统设计咨询和检测服务。",
            "region_code": "220173",
            "level": "国家级",
            "contact_name": "成果转化处",
            "contact_phone": "0431-86176xxx",
        },
    ),
    (
        "ciomp@demo.kechuang.cn",
        {
            "kind": ResourceKind.INSTRUMENT,
            "name": "激光干涉仪（大口径面形检测）",
            "summary": "用于大口径光学元件面形和透射波前检测，检测口径最大600毫米。",
            "region_code": "220173",
            "model_no": "DynaFiz 24",
            "maker": "美国 Zygo",
            "parameters": "测量口径 Φ600 mm；面形重复性 λ/1000 RMS；波长 632.8 nm",
            "fee_per_hour": Decimal("800.00"),
            "booking_access": "public",
            "availability": "工作日 8:30—17:00",
            "accepts_vouchers": True,
            "address": "长春市高新区营口路77号 光学检测楼 3层",
            "contact_name": "李工",
            "contact_phone": "0431-86176xxx",
        },
    ),
    (
        "ciac@demo.kechuang.cn",
        {
            "kind": ResourceKind.INSTRUMENT,
            "name": "600兆核磁共振波谱仪",
            "summary": "高分子、稀土配合物和药物分子结构解析，支持液体和固体样品。",
            "region_code": "220104",
            "model_no": "AVANCE NEO 600",
            "maker": "德国 Bruker",
            "parameters": "磁场强度 14.1 T；配液体探头和固体魔角旋转探头；变温 -150～150 ℃",
            "fee_per_hour": Decimal("450.00"),
            "booking_access": "verified_orgs",
            "availability": "周一至周六 8:00—20:00",
            "accepts_vouchers": True,
            "address": "长春市朝阳区人民大街5625号 分析测试中心",
            "contact_name": "吴老师",
            "contact_phone": "0431-85262xxx",
        },
    ),
    (
        "ccut@demo.kechuang.cn",
        {
            "kind": ResourceKind.INSTRUMENT,
            "name": "场发射扫描电子显微镜",
            "summary": "金属材料、焊接接头和复合材料的微观形貌观察与能谱成分分析。",
            "region_code": "220102",
            "model_no": "SU8010",
            "maker": "日本 日立",
            "parameters": "分辨率 1.0 nm（15 kV）；放大倍数 20～800,000；配能谱仪",
            "fee_per_hour": Decimal("300.00"),
            "booking_access": "public",
            "availability": "工作日 8:00—16:30",
            "contact_name": "刘老师",
            "contact_phone": "0431-85716xxx",
        },
    ),
    (
        "icv@demo.kechuang.cn",
        {
            "kind": ResourceKind.PILOT_PLATFORM,
            "name": "智能网联汽车电子中试验证平台",
            "summary": "车规级电子部件的样件试制、环境可靠性试验和小批量验证，帮助企业跨过从样机到量产的中试环节。",
            "region_code": "220191",
            "services": ["proof_of_concept", "pilot_scale", "testing"],
            "accepts_vouchers": True,
            "filing_no": "长科中试备〔2025〕003号",
            "contact_name": "郑凯",
            "contact_phone": "0431-81908xxx",
        },
    ),
    (
        "icv@demo.kechuang.cn",
        {
            "kind": ResourceKind.INCUBATOR,
            "name": "长春新区智能汽车创业孵化器",
            "summary": "孵化面积1.2万平方米，在孵企业46家，提供工位、测试场地、投融资对接和政策申报辅导。",
            "region_code": "220191",
            "level": "国家级科技企业孵化器",
            "contact_name": "孵化服务部",
            "contact_phone": "0431-81908xxx",
        },
    ),
    (
        "jlu@demo.kechuang.cn",
        {
            "kind": ResourceKind.INCUBATOR,
            "name": "吉林大学科技园众创空间",
            "summary": "面向师生创业团队，提供免费工位、创业导师和成果转化辅导。",
            "region_code": "220104",
            "level": "省级众创空间",
            "contact_name": "科技园办公室",
            "contact_phone": "0431-85166xxx",
        },
    ),
    (
        "jlu@demo.kechuang.cn",
        {
            "kind": ResourceKind.TRANSFER_INSTITUTION,
            "name": "吉林大学技术转移中心",
            "summary": "负责学校科技成果披露、评估、许可转让和作价入股，发布年度可转化科技成果目录，"
            "专职技术经理人9名。",
            "region_code": "220104",
            "contact_name": "成果转化办公室",
            "contact_phone": "0431-85166xxx",
        },
    ),
    (
        "broker@demo.kechuang.cn",
        {
            "kind": ResourceKind.TRANSFER_INSTITUTION,
            "name": "长春科技成果转化服务中心",
            "summary": "提供成果评价、技术经纪、合同登记辅导和知识产权运营服务，拥有持证技术经纪人12名。",
            "region_code": "220173",
            "filing_no": "长科转备〔2025〕008号",
            "contact_name": "陈思远",
            "contact_phone": "0431-81234xxx",
        },
    ),
    (
        "ciac@demo.kechuang.cn",
        {
            "kind": ResourceKind.SERVICE_PROVIDER,
            "name": "长春应化所分析测试中心",
            "summary": "具备CMA资质，承接高分子材料、稀土材料成分与结构的检验检测，可使用创新券支付。",
            "region_code": "220104",
            "services": ["testing", "research"],
            "accepts_vouchers": True,
            "contact_name": "吴老师",
            "contact_phone": "0431-85262xxx",
        },
    ),
    (
        "broker@demo.kechuang.cn",
        {
            "kind": ResourceKind.SERVICE_PROVIDER,
            "name": "长春科技成果转化服务中心（咨询评估）",
            "summary": "科技成果评价、技术咨询与综合科技服务，服务费用可用创新券抵扣。",
            "region_code": "220173",
            "services": ["evaluation", "consulting", "integrated"],
            "accepts_vouchers": True,
            "contact_name": "陈思远",
            "contact_phone": "0431-81234xxx",
        },
    ),
]

#: (requester's e-mail, instrument name, days ahead, local hour, hours, purpose, approve?)
BOOKINGS = [
    (
        "qimingxing@demo.kechuang.cn",
        "场发射扫描电子显微镜",
        2,
        9,
        3,
        "汽车连接器镀层断面形貌与成分分析",
        True,
    ),
    (
        "ruiguang@demo.kechuang.cn",
        "激光干涉仪（大口径面形检测）",
        3,
        14,
        2,
        "激光器输出窗口片面形检测",
        True,
    ),
    ("hengchi@demo.kechuang.cn", "场发射扫描电子显微镜", 2, 14, 2, "电池极片涂层形貌观察", False),
    ("kairui@demo.kechuang.cn", "600兆核磁共振波谱仪", 4, 9, 4, "新型电解液添加剂结构确认", False),
]


def _user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).one_or_none()


def load_resources(session: Session, progress: Callable[[str], object] = lambda _m: None) -> None:
    admin = _user(session, "admin@demo.kechuang.cn")
    if admin is None:
        return
    reviewer = Actor(user=admin, label="演示数据")
    names: dict[str, int] = {}
    for email, entry in ENTRIES:
        keeper = _user(session, email)
        if keeper is None or keeper.active_org_id is None:
            continue
        actor = Actor(user=keeper, label="演示数据")
        resource = service.create(session, actor, ResourceCreate(**entry))
        service.submit(session, actor, resource.id)
        service.approve(session, reviewer, resource.id, ResourceReview(note="信息完整，准予发布"))
        names[resource.name] = resource.id
    today = local(utcnow()).replace(minute=0, second=0, microsecond=0)
    count = 0
    for email, name, days, hour, hours, purpose, approve in BOOKINGS:
        requester = _user(session, email)
        if requester is None or name not in names:
            continue
        start = (today + timedelta(days=days)).replace(hour=hour)
        booking = bookings.request(
            session,
            Actor(user=requester, label="演示数据"),
            names[name],
            BookingCreate(starts_at=start, ends_at=start + timedelta(hours=hours), purpose=purpose),
        )
        count += 1
        if approve:
            keeper_id = booking.resource.owner_id
            keeper = session.get(User, keeper_id) if keeper_id else None
            bookings.approve(
                session, Actor(user=keeper), booking.id, BookingDecision(note="请提前10分钟到场")
            )
    # A use last week, recorded and waiting for the innovation voucher.
    requester = _user(session, "ruiguang@demo.kechuang.cn")
    interferometer = names.get("激光干涉仪（大口径面形检测）")
    if requester is not None and interferometer is not None:
        start = (today - timedelta(days=6)).replace(hour=9)
        session.add(
            InstrumentBooking(
                resource_id=interferometer,
                requester_id=requester.id,
                org_id=requester.active_org_id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                purpose="反射镜面形复检",
                status=BookingStatus.COMPLETED,
                used_hours=Decimal("2.00"),
                fee=Decimal("1600.00"),
                payment=UsagePayment.VOUCHER_PENDING,
            )
        )
        count += 1
    session.flush()
    progress(f"资源 {len(names)} 项，仪器预约 {count} 条")
