"""Demo programme calls and applications in several states (项目管理).

* 企业关键核心技术攻关 (item 3), open: 启明星's draft, 恒驰's waiting for its unit's check,
  凯瑞's sent in and waiting for 形式审查.
* 汽车电子产业集群重大科技专项 (item 5), reviewed: three applications scored blind by three
  experts and ranked; the first approved, publicised and given its task book (first tranche
  paid, mid-term report handed in), the second approved and in its publicity, the third not
  approved.
* 国际科技合作 (item 24) and 自然科学联合基金 (item 2), open with nobody applying yet;
  贷款贴息 (item 26) a draft at the bureau.

A call that has been reviewed closed before today, so the demo moves its deadline back after
the applications went in, as time would have. Idempotent: nothing is added once a call exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.demo.content import call_guide
from app.models import ContentItem, ProjectCall, User
from app.models.enums import CallStatus, ContentStatus
from app.projects import service
from app.projects.programmes import PROGRAMMES
from app.projects.schemas import ApplicationFields, CallCreate, EstablishIn, ScoreIn

CRITERIA = [
    {"name": "技术先进性与创新性", "weight": 35},
    {"name": "实施方案与可行性", "weight": 25},
    {"name": "团队与基础条件", "weight": 20},
    {"name": "预期经济社会效益", "weight": 20},
]
FORM: list[dict[str, Any]] = [
    {"key": "key_tech", "label": "拟突破的关键核心技术", "type": "textarea", "required": True},
    {"key": "indicators", "label": "主要技术指标", "type": "textarea", "required": True},
    {"key": "self_funds", "label": "单位自筹资金（元）", "type": "money", "required": True},
    {"key": "rd_staff", "label": "项目研发人员数", "type": "integer", "min": "1", "max": "2000"},
    {
        "key": "maturity",
        "label": "目前技术成熟度",
        "type": "choice",
        "options": ["实验室", "小试", "中试", "产业化"],
        "required": True,
    },
    {"key": "start_date", "label": "计划开始日期", "type": "date", "required": True},
    {"key": "pledge", "label": "承诺申报内容真实、无重复申报", "type": "boolean", "required": True},
]

# (email, title, requested, key technology, indicators, self funds, staff, maturity)
RD_APPS = [
    (
        "qimingxing@demo.kechuang.cn",
        "车规级域控制器功能安全软件平台研发",
        "80万",
        "满足 ISO 26262 ASIL-D 的域控制器基础软件与功能安全监控机制",
        "启动时间小于 200 毫秒；诊断覆盖率不低于 99%；通过第三方功能安全评估",
        "150万",
        "28",
        "小试",
    ),
    (
        "hengchi@demo.kechuang.cn",
        "新能源汽车电驱总成高速轴承国产化攻关",
        "100万",
        "20000 转/分钟以上高速深沟球轴承的保持架材料与润滑寿命",
        "寿命不低于 3000 小时；温升不超过 45℃；成本较进口件降低 30%",
        "260万",
        "19",
        "中试",
    ),
    (
        "kairui@demo.kechuang.cn",
        "动力电池模组激光焊接在线质量检测系统",
        "60万",
        "基于熔池光谱与视觉融合的焊缝缺陷在线识别",
        "缺陷检出率不低于 99.5%；单焊点检测时间小于 50 毫秒",
        "90万",
        "15",
        "中试",
    ),
]
MAJOR_APPS = [
    (
        "guanggu@demo.kechuang.cn",
        "车载激光雷达光学系统与整机产业化",
        "1500万",
        "905nm 车载激光雷达收发光学系统、耐候增透膜与整机量产工艺",
        "测距 200 米（10% 反射率）；量产良率不低于 97%；年产能 10 万台",
        "3000万",
        "86",
        "中试",
    ),
    (
        "ruiguang@demo.kechuang.cn",
        "高功率半导体激光器芯片及模块",
        "1200万",
        "高亮度半导体激光芯片外延、腔面钝化与光纤耦合模块",
        "单管输出功率 30W；电光转换效率不低于 60%；寿命 2 万小时",
        "2500万",
        "64",
        "小试",
    ),
    (
        "qimingxing@demo.kechuang.cn",
        "智能座舱多屏融合显示控制系统",
        "800万",
        "多屏异构显示的实时调度与车规级显示驱动",
        "支持 5 屏联动；显示时延小于 30 毫秒；通过 AEC-Q100 认证",
        "1200万",
        "40",
        "产业化",
    ),
]
EXPERTS = [
    "expert@demo.kechuang.cn",
    "expert2@demo.kechuang.cn",
    "expert3@demo.kechuang.cn",
    "expert4@demo.kechuang.cn",
]


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _call(session: Session, staff: Actor, programme: str, title: str, **over: Any) -> ProjectCall:
    year = today().year + 1
    data: dict[str, Any] = {
        "programme": programme,
        "title": title,
        "year": year,
        "summary": "",
        "eligibility": "在长春市注册、具有独立法人资格的企业；近三年无不良信用记录。",
        "org_types": ["enterprise"],
        "opens_on": today() - timedelta(days=15),
        "closes_on": today() + timedelta(days=30),
        "budget": "500万",
        "max_amount": "100万",
        "criteria": CRITERIA,
        "form": FORM,
        **over,
    }
    data["content_id"] = _guide(session, data).id
    call = service.calls.create(session, staff, CallCreate.model_validate(data))
    return call


def _guide(session: Session, data: dict[str, Any]) -> ContentItem:
    """The call's 申报指南 in 信息发布, written from the call: the call page links it and the
    article lists the call (在线申报)."""
    programme = PROGRAMMES[data["programme"]]
    paragraphs = [
        f"一、支持方向：{data['summary'] or programme.name}",
        f"二、申报条件：{data['eligibility']}",
        f"三、支持标准：单个项目最高支持{data['max_amount']}元，"
        f"依据《长春市促进科技成果转移转化若干政策措施》第{programme.item_no}条。",
        "四、申报时间：见本页所列申报起止日期，截止日当天 24 时前可报送。",
        "五、申报方式：登录平台“项目管理”，在本指南下在线填写申报书并上传附件，"
        "经本单位管理员审核后报送；每个单位限报一项。",
    ]
    item = call_guide(
        session,
        data["title"],
        f"{programme.name}：{data['summary'] or '详见指南正文。'}"[:200],
        paragraphs,
        ["项目申报"],
    )
    item.opens_on, item.closes_on = data["opens_on"], data["closes_on"]
    return item


def _sync_guides(session: Session) -> None:
    """A guide shows its call's dates (the reviewed call's deadline was moved back); the
    draft call's guide waits with it."""
    for call in session.scalars(select(ProjectCall).where(ProjectCall.content_id.is_not(None))):
        item = session.get(ContentItem, call.content_id)
        if item is None:
            continue
        item.opens_on, item.closes_on = call.opens_on, call.closes_on
        if call.status == CallStatus.DRAFT:
            item.status, item.published_at = ContentStatus.DRAFT, None
    session.flush()


def _apply(session: Session, call: ProjectCall, row: tuple[str, ...]) -> tuple[Actor, Any] | None:
    email, title, requested, tech, indicators, funds, staff, maturity = row
    user = _user(session, email)
    if user is None:
        return None
    me = Actor(user=user, label="演示数据")
    application = service.applications.create(
        session,
        me,
        call,
        ApplicationFields.model_validate(
            {
                "title": title,
                "summary": f"{title}：{tech}。",
                "requested_amount": requested,
                "answers": {
                    "key_tech": tech,
                    "indicators": indicators,
                    "self_funds": funds,
                    "rd_staff": staff,
                    "maturity": maturity,
                    "start_date": (today() + timedelta(days=60)).isoformat(),
                    "pledge": True,
                },
            }
        ),
    )
    return me, application


def load_projects(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    admin = _user(session, "admin@demo.kechuang.cn")
    if admin is None or session.scalar(select(ProjectCall.id).limit(1)) is not None:
        return False
    staff = Actor(user=admin, label="演示数据")

    rd = _call(
        session,
        staff,
        "enterprise_rd",
        f"{today().year + 1}年度企业关键核心技术攻关项目申报指南",
        summary="围绕汽车电子、光电信息、新能源、生物医药等重点产业，支持企业攻克关键核心技术、"
        "研制创新迭代产品。每个单位限报一项，单个项目最高支持100万元。",
        required_tags=[],
    )
    service.calls.publish(session, staff, rd)
    for n, row in enumerate(RD_APPS):
        found = _apply(session, rd, row)
        if found is None:
            continue
        me, application = found
        if n >= 1:
            service.applications.submit(session, me, application)
        if n >= 2:
            service.applications.unit_approve(session, me, application, "经单位审核，情况属实")

    major = _call(
        session,
        staff,
        "major_special",
        f"{today().year}年度汽车电子与光电信息产业集群重大科技专项",
        summary="集成产业链企业及高校院所，推动产学研用联合、上中下游贯通。单个项目最高2000万元。",
        budget="3000万",
        max_amount="2000万",
        opens_on=today() - timedelta(days=90),
    )
    service.calls.publish(session, staff, major)
    apps = []
    for row in MAJOR_APPS:
        found = _apply(session, major, row)
        if found is None:
            continue
        me, application = found
        service.applications.submit(session, me, application)
        service.applications.unit_approve(session, me, application, "同意报送")
        service.review.formal_pass(session, staff, application, "材料齐全，符合申报条件")
        apps.append((me, application))
    experts = [u for u in (_user(session, e) for e in EXPERTS) if u is not None]
    if len(apps) == 3 and len(experts) >= 3:
        service.review.form_panel(session, staff, major, [e.id for e in experts])
        major.closes_on = today() - timedelta(days=40)  # the deadline passed some weeks ago
        session.flush()
        service.review.open_scoring(session, staff, major)
        eligible = [
            m["expert_id"]
            for m in service.members_view(session, staff, major)
            if m["status"] == "eligible"
        ]
        for e, expert in enumerate(u for u in experts if u.id in eligible):
            for n, (_me, application) in enumerate(apps):
                marks = [
                    {"score": 92 - 6 * n - e + i, "comment": "技术路线清晰，产业化基础较好"}
                    for i in range(len(CRITERIA))
                ]
                service.review.score(
                    session,
                    Actor(user=expert, label="演示数据"),
                    major,
                    application,
                    ScoreIn.model_validate({"items": marks}),
                )
        service.review.close_scoring(session, staff, major)
        (first_me, first), (_m2, second), (_m3, third) = apps
        service.decisions.approve(session, staff, first, Decimal("12000000"), "专家组排名第一")
        service.decisions.approve(session, staff, second, Decimal("9000000"), "专家组排名第二")
        service.decisions.decline(session, staff, third, "排名第三，本年度专项经费有限")
        service.decisions.publicize(session, staff, major)
        first.publicity_ends_on = today() - timedelta(days=20)  # its publicity is over
        session.flush()
        service.decisions.establish(
            session,
            staff,
            first,
            EstablishIn(
                task_goals="建成车载激光雷达光学系统中试线，完成整机车规认证，"
                "实现年产 10 万台的量产能力；申请发明专利 8 项。",
                midterm_due=today() + timedelta(days=150),
                final_due=today() + timedelta(days=700),
            ),
        )
        service.decisions.report_midterm(
            session,
            first_me,
            first,
            "已完成收发光学系统设计定型和耐候增透膜中试，整机样机通过高低温和振动试验，"
            "中试线设备安装完成 80%。",
        )

    for programme, title, cap in [
        ("intl_coop", "国际科技合作基地（园区）建设项目申报指南", "100万"),
        ("nsf_joint", "长春市自然科学联合基金项目申报指南", "50万"),
    ]:
        call = _call(
            session,
            staff,
            programme,
            f"{today().year + 1}年度{title}",
            max_amount=cap,
            org_types=[],
            summary="面向本市高校院所和企业。",
        )
        service.calls.publish(session, staff, call)
    _call(
        session,
        staff,
        "loan_interest",
        f"{today().year + 1}年度科技型中小企业贷款贴息项目申报指南",
        max_amount="30万",
        required_tags=["tech_sme"],
    )
    _sync_guides(session)
    progress(
        "项目管理：申报指南 5 项（1 项草稿），项目申报 6 项（草稿、待审核、评审、立项、执行中）"
    )
    return True
