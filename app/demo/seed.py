"""Demo data written for this platform: organisations of every type, users of every role and
a catalogue of achievements, demands and challenges (``app.demo.catalogue``).

Idempotent: running it again changes nothing. Every account's password is ``DEMO_PASSWORD``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.core.audit import Actor
from app.core.indexing import index_later
from app.demo.catalogue import load_catalogue
from app.demo.challenge_solving import seed_challenge_solving
from app.demo.content import load_content
from app.demo.conversations import load_conversations
from app.demo.data.enterprises import BY_KEY, NEW_ENTERPRISES
from app.demo.events import load_events
from app.demo.incentives import load_incentives
from app.demo.literature import load_literature
from app.demo.matching import seed_matching
from app.demo.patents import load_patents
from app.demo.projects import load_projects
from app.demo.resources import load_resources
from app.demo.services import load_services
from app.demo.trading import load_trading
from app.models import Organization, OrgTag, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus, OrgTagKind, OrgType, Role
from app.orgs.credit_code import check_character
from app.orgs.search import DOC_TYPE as ORG_DOC_TYPE

DEMO_PASSWORD = "Demo12345"
SEED_ACTOR = Actor(label="演示数据")


def credit_code(prefix17: str) -> str:
    """A well-formed 统一社会信用代码 for demo organisations (check character computed)."""
    return prefix17 + check_character(prefix17)


# (name, type, region, 17-char code prefix, intro, contact, tags)
ORGS: list[tuple[str, OrgType, str, str, str, str, list[tuple[OrgTagKind, str]]]] = [
    (
        "吉林大学",
        OrgType.UNIVERSITY,
        "220104",
        "12220000412758471",
        "教育部直属全国重点综合性大学，在汽车工程、超硬材料、光电子、生物医药和农业工程等领域拥有一批可转化的科研成果，设有技术转移中心负责成果对接。",
        "技术转移中心 王老师 0431-8516xxxx",
        [],
    ),
    (
        "长春理工大学",
        OrgType.UNIVERSITY,
        "220104",
        "12220000412759035",
        "以光电技术为特色的高校，在光学设计与制造、激光技术、空间光通信和精密测量方面积累深厚，多项成果已在本地光电企业实现产业化。",
        "科技处成果转化科 0431-8558xxxx",
        [],
    ),
    (
        "长春工业大学",
        OrgType.UNIVERSITY,
        "220102",
        "12220000412760112",
        "工科为主的省属高校，机械装备、化学工程、材料成型和汽车零部件轻量化方向与本地制造业合作紧密。",
        "科学技术处 0431-8571xxxx",
        [],
    ),
    (
        "中国科学院长春光学精密机械与物理研究所",
        OrgType.INSTITUTE,
        "220173",
        "12100000400011234",
        "国家级光学工程研究机构，聚焦空间光学、激光与光电子、精密仪器与装备，面向企业提供技术许可、合作开发和中试服务。",
        "成果转化处 0431-8617xxxx",
        [],
    ),
    (
        "中国科学院长春应用化学研究所",
        OrgType.INSTITUTE,
        "220104",
        "12100000400012579",
        "在高分子材料、稀土材料、电分析化学和生物可降解材料领域形成了一批可产业化的成果。",
        "知识产权与成果转化办公室 0431-8526xxxx",
        [],
    ),
    (
        "长春新区智能网联汽车创新研究院",
        OrgType.NEW_RD,
        "220191",
        "52220100MJY123456",
        "新型研发机构，围绕智能网联汽车、车规级芯片和汽车电子开展共性技术研发与工程化验证，提供测试验证平台。",
        "综合办公室 0431-8190xxxx",
        [],
    ),
    (
        "长春启明星汽车电子有限公司",
        OrgType.ENTERPRISE,
        "220174",
        "91220101MA0Y45678",
        "专注车身域控制器、车载毫米波雷达和线控底盘电子的零部件企业，现有研发人员120人。",
        "技术中心 赵工 0431-8765xxxx",
        [(OrgTagKind.HIGH_TECH, "GR202322000318"), (OrgTagKind.SPECIALISED, "JLZJTX2023-112")],
    ),
    (
        "吉林省光谷精密光学有限公司",
        OrgType.ENTERPRISE,
        "220173",
        "91220101MA0Y98765",
        "生产高精度光学镜头、红外光学元件和激光加工头，产品用于安防、车载激光雷达和工业检测。",
        "研发部 0431-8533xxxx",
        [(OrgTagKind.HIGH_TECH, "GR202222000874"), (OrgTagKind.TECH_SME, "2024220173A0001234")],
    ),
    (
        "长春禾丰农产品加工有限公司",
        OrgType.ENTERPRISE,
        "220183",
        "91220183MA1A23456",
        "以玉米深加工和杂粮食品为主的农业产业化龙头企业，正在寻找玉米秸秆综合利用和功能性食品配料技术。",
        "生产技术部 0431-8622xxxx",
        [(OrgTagKind.TECH_SME, "2024220183A0000456")],
    ),
    (
        "长春博瑞生物医药科技有限公司",
        OrgType.ENTERPRISE,
        "220172",
        "91220101MA0Y13579",
        "从事重组蛋白药物和诊断试剂研发生产的创新型企业，拥有GMP中试车间。",
        "研发中心 0431-8459xxxx",
        [(OrgTagKind.HIGH_TECH, "GR202422001105")],
    ),
    (
        "长春科技成果转化服务中心",
        OrgType.TRANSFER_AGENCY,
        "220173",
        "12220100MB1234567",
        "提供技术经纪、成果评价、技术合同登记咨询和知识产权运营服务的技术转移机构，拥有专职技术经纪人18名。",
        "业务部 0431-8188xxxx",
        [(OrgTagKind.TRANSFER_DEMO, "GJJSZYSF-2021-086")],
    ),
    (
        "长春市知联知识产权代理有限公司",
        OrgType.SERVICE_PROVIDER,
        "220102",
        "91220102MA0Y24680",
        "专利代理、专利检索与查新、知识产权贯标服务机构，可承接创新券服务。",
        "客服部 0431-8899xxxx",
        [],
    ),
    (
        "长春市科学技术局",
        OrgType.GOVERNMENT,
        "220104",
        "11220100013456789",
        "负责全市科技创新政策制定和科技成果转化工作的政府部门，是本平台的主办单位。",
        "成果转化与区域创新处",
        [],
    ),
    (
        "长春北方新材料科技有限公司",
        OrgType.ENTERPRISE,
        "220171",
        "91220101MA0Y11223",
        "提交入驻申请、等待审核的碳纤维复合材料企业。",
        "总经办",
        [],
    ),
    # The enterprises that post most of the demo's technical demands.
    *(
        (
            BY_KEY[e.key].name,
            OrgType.ENTERPRISE,
            e.region,
            e.code,
            e.intro,
            e.contact,
            list(e.tags),
        )
        for e in NEW_ENTERPRISES
    ),
]
PENDING_ORG = "长春北方新材料科技有限公司"

# (email, name, role, region, org index or None, org role)
USERS: list[tuple[str, str, Role, str | None, int | None, OrgRole | None]] = [
    ("admin@demo.kechuang.cn", "平台管理员", Role.PLATFORM_ADMIN, None, 12, OrgRole.MEMBER),
    ("xinqu.admin@demo.kechuang.cn", "刘建国", Role.DISTRICT_ADMIN, "220191", None, None),
    ("broker@demo.kechuang.cn", "陈思远", Role.BROKER, None, 10, OrgRole.MEMBER),
    ("expert@demo.kechuang.cn", "孙立华", Role.EXPERT, None, 1, OrgRole.MEMBER),
    ("jlu@demo.kechuang.cn", "王海燕", Role.USER, None, 0, OrgRole.ADMIN),
    ("jlu.member@demo.kechuang.cn", "李明", Role.USER, None, 0, OrgRole.MEMBER),
    ("cust@demo.kechuang.cn", "周晓光", Role.USER, None, 1, OrgRole.ADMIN),
    ("ccut@demo.kechuang.cn", "刘志远", Role.USER, None, 2, OrgRole.ADMIN),
    ("ciomp@demo.kechuang.cn", "张志强", Role.USER, None, 3, OrgRole.ADMIN),
    ("ciac@demo.kechuang.cn", "吴丽娟", Role.USER, None, 4, OrgRole.ADMIN),
    ("icv@demo.kechuang.cn", "郑凯", Role.USER, None, 5, OrgRole.ADMIN),
    ("qimingxing@demo.kechuang.cn", "赵国栋", Role.USER, None, 6, OrgRole.ADMIN),
    ("guanggu@demo.kechuang.cn", "钱雪梅", Role.USER, None, 7, OrgRole.ADMIN),
    ("hefeng@demo.kechuang.cn", "何志刚", Role.USER, None, 8, OrgRole.ADMIN),
    ("borui@demo.kechuang.cn", "冯静", Role.USER, None, 9, OrgRole.ADMIN),
    ("zhilian@demo.kechuang.cn", "高洁", Role.USER, None, 11, OrgRole.ADMIN),
    ("beifang@demo.kechuang.cn", "马超", Role.USER, None, 13, OrgRole.ADMIN),
    ("applicant@demo.kechuang.cn", "林小雨", Role.USER, None, 6, OrgRole.MEMBER),
    *(
        (e.email, e.person, Role.USER, None, 14 + i, OrgRole.ADMIN)
        for i, e in enumerate(NEW_ENTERPRISES)
    ),
]


def seed(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    """Load the demo catalogue; returns False when it is already there."""
    if session.scalar(select(User.id).where(User.email == USERS[0][0])) is not None:
        # A catalogue seeded before matching or 信息发布 existed gets them now.
        added_content = load_content(session, progress) > 0
        return seed_matching(session, progress) or added_content
    orgs: list[Organization] = []
    for index, (name, org_type, region, prefix, intro, contact, tags) in enumerate(ORGS):
        pending = name == PENDING_ORG
        org = Organization(
            name=name,
            credit_code=credit_code(prefix),
            org_type=org_type,
            region_code=region,
            intro=intro,
            contact_name=contact.split(" ")[0],
            contact_phone=contact.split(" ")[-1],
            status=OrgStatus.PENDING if pending else OrgStatus.VERIFIED,
            verified_at=None
            if pending
            else datetime(2026, 1 + index % 9, 10 + index % 18, 9, tzinfo=UTC),
        )
        org.tags = [
            OrgTag(kind=kind, certificate_no=no, certified_on=date(2024, 11, 20))
            for kind, no in tags
        ]
        session.add(org)
        orgs.append(org)
    session.flush()
    for org in orgs:
        index_later(session, ORG_DOC_TYPE, org.id)
    progress(f"机构 {len(orgs)} 家")
    for email, person, role, district, org_index, org_role in USERS:
        user = account_service.create_user(
            session,
            SEED_ACTOR,
            email=email,
            name=person,
            password=DEMO_PASSWORD,
            role=role,
            region_code=district,
        )
        if org_index is not None:
            user.org_id = orgs[org_index].id
            user.org_role = org_role
            pending = email.startswith("applicant")
            user.membership_status = (
                MembershipStatus.PENDING if pending else MembershipStatus.ACTIVE
            )
    session.flush()
    progress(f"用户 {len(USERS)} 名（密码均为 {DEMO_PASSWORD}）")
    load_catalogue(session, progress)
    seed_matching(session, progress)
    load_trading(session, progress)
    load_incentives(session, progress)
    load_events(session, progress)
    seed_challenge_solving(session, progress)
    load_content(session, progress)
    load_projects(session, progress)
    load_conversations(session, progress)
    load_patents(session, DEMO_PASSWORD, progress)
    load_literature(session, progress)
    load_resources(session, progress)
    load_services(session, progress)  # after the directories: vouchers need their providers
    return True
