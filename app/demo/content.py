"""Demo 信息发布: the bureau's policy as clauses, and news, notices, calls for applications and
success stories written for this platform (not copied from anywhere).

Published items are written as published rows with their dates spread over the past weeks; one
district article waits in review and one notice is approved for publication next week, so the
staff desk and the scheduler have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content import service
from app.content.sanitize import clean
from app.content.schemas import ContentCreate
from app.core.audit import Actor
from app.core.clock import LOCAL_TZ, today
from app.core.db import utcnow
from app.core.indexing import index_later
from app.models import ContentItem, ContentVersion, Deal, TechContract, User
from app.models.enums import ContentKind, ContentStatus, ContractStatus

BUREAU = "长春市科学技术局"

# (kind, days ago, title, summary, body paragraphs, topics, region, pinned)
Article = tuple[ContentKind, int, str, str, list[str], list[str], str | None, bool]

ARTICLES: list[Article] = [
    (
        ContentKind.NEWS,
        2,
        "“科创一网通”云平台上线试运行",
        "平台汇集可转化科技成果、企业技术需求和揭榜挂帅榜单，实现成果展示、技术交易和政策奖补测算一网通办。",
        [
            "近日，由市科技局牵头建设的长春市“科创一网通”云平台上线试运行。平台围绕政策措施第十三条提出的信息发布、资源整合、数据集中、项目管理、互动交流、成果展示、专利查新、技术交易、企业办事九大功能，首批汇集在长高校院所可转化科技成果和重点企业技术需求。",
            "试运行期间，高校院所、企业和技术转移机构可注册认证后发布成果与需求，平台依据技术领域、成熟度和区域为供需双方推荐对接对象，并可按技术合同金额在线测算第十五条、第十六条等奖补额度。",
            "市科技局有关负责同志表示，平台将持续完善功能，欢迎各类创新主体提出意见建议。",
        ],
        ["平台建设", "科技成果转化"],
        None,
        True,
    ),
    (
        ContentKind.NEWS,
        9,
        "吉林大学与长春汽车经开区企业签约三项技术许可合同",
        "三项合同涉及车载激光雷达点云处理、轻量化铝合金焊接和电池热管理，合同总额逾千万元。",
        [
            "在汽车经开区举办的“双走进”活动中，吉林大学与区内三家汽车零部件企业现场签订技术许可合同，内容涉及车载激光雷达点云处理算法、轻量化铝合金焊接变形控制和动力电池热管理。",
            "活动由市科技局、汽车经开区管委会联合主办，二十余家企业技术负责人走进吉林大学实验室，与科研团队面对面交流。签约项目完成技术合同认定登记后，可按政策申请成果输出单位奖励和企业转化项目补助。",
        ],
        ["双走进", "汽车"],
        "220174",
        False,
    ),
    (
        ContentKind.NEWS,
        16,
        "三长联动·光电信息产业专场对接会在高新区举行",
        "市领导、高校院所负责人与企业董事长围绕光电信息产业链共话合作，现场达成合作意向十二项。",
        [
            "市长、校（院、所）长、董事长“三长”联动光电信息产业专场对接会在长春高新区举行。长春理工大学、中科院长春光机所等单位发布激光加工、精密光学检测等成果二十余项。",
            "会上，八家光电企业发布技术需求，与会专家逐项点评。会后，平台将持续跟踪意向项目进展，推动签订技术合同。",
        ],
        ["三长联动", "光电信息"],
        "220173",
        False,
    ),
    (
        ContentKind.NEWS,
        30,
        "我市首批市级备案技术转移机构名单公布",
        "十家技术转移机构纳入市级备案，促进技术交易并成功登记的，可按成交额享受补助。",
        [
            "经机构申报、材料审查和专家评审，长春科技成果转化服务中心等十家机构纳入首批市级备案技术转移机构。",
            "依据政策措施第九条，备案机构促进技术交易并成功登记的，按技术合同成交额给予补助，每年最高100万元。",
        ],
        ["技术转移", "政策奖补"],
        None,
        False,
    ),
    (
        ContentKind.NOTICE,
        4,
        "关于开展2026年度技术合同认定登记集中服务的通知",
        "各县（市）区、开发区科技主管部门，各有关单位：为做好年度技术合同认定登记工作，现将集中服务安排通知如下。",
        [
            "一、服务时间：即日起至12月25日，工作日9:00—16:30。",
            "二、办理方式：技术合同当事人通过“科创一网通”平台在线提交合同文本和相关材料，认定登记机构在十个工作日内完成审核。",
            "三、联系方式：市科技局成果转化处，0431-88776655。",
        ],
        ["技术合同", "认定登记"],
        None,
        True,
    ),
    (
        ContentKind.NOTICE,
        12,
        "关于征集2027年度企业技术需求的通知",
        "为精准对接高校院所科技成果，现面向全市企业征集2027年度技术需求。",
        [
            "请各企业结合自身发展，梳理在关键核心技术、产品迭代和工艺改进方面的技术需求，通过平台“技术需求”栏目填报，截止时间为2027年1月15日。",
            "征集的需求经审核后向在长高校院所推送，优先纳入“揭榜挂帅”榜单。",
        ],
        ["技术需求", "揭榜挂帅"],
        None,
        False,
    ),
    (
        ContentKind.NOTICE,
        20,
        "长春新区2026年科技企业孵化器绩效评价结果公示",
        "经评价，五家孵化器评价结果为优秀，现予以公示，公示期五个工作日。",
        [
            "公示期间如有异议，请以书面形式向长春新区科技创新局反映。",
        ],
        ["孵化器"],
        "220191",
        False,
    ),
    (
        ContentKind.CALL,
        6,
        "2026年度长春市科技成果转化项目申报指南",
        "支持企业转化域内外高校院所科技成果，技术合同金额超过50万元的，按合同金额15%给予补助，最高100万元。",
        [
            "一、支持对象：在我市注册、具有独立法人资格的企业。",
            "二、支持条件：以技术开发、技术转让、技术许可合同或技术入股协议转化高校院所科技成果，技术合同已完成认定登记且金额超过50万元。",
            "三、申报方式：通过平台“企业办事”在线申报，上传技术合同、登记证明和付款凭证。",
        ],
        ["科技成果转化", "政策奖补"],
        None,
        True,
    ),
    (
        ContentKind.CALL,
        10,
        "2026年度“揭榜挂帅”科技攻关项目榜单申报指南",
        "面向全国有实力的创新主体张榜招贤，单个项目最高补助100万元。",
        [
            "本年度榜单聚焦汽车电子、光电信息、生物医药和新材料四个领域，发榜企业须先行投入研发经费。",
            "揭榜方可为高校院所、新型研发机构或企业，通过平台“揭榜挂帅”栏目在线提交攻关方案。",
        ],
        ["揭榜挂帅"],
        None,
        False,
    ),
    (
        ContentKind.CALL,
        40,
        "2026年度市级科技企业孵化器认定申报指南",
        "对当年通过认定的市级科技企业孵化器给予10万元奖补。",
        ["申报单位应具有独立法人资格，孵化场地面积不低于3000平方米，在孵企业不少于20家。"],
        ["孵化器"],
        None,
        False,
    ),
    (
        ContentKind.STORY,
        7,
        "从实验室到生产线：激光测距模组光学系统实现本地量产",
        "长春理工大学光学设计成果以技术许可方式在本地企业转化，产品已配套多家整车企业。",
        [
            "长春理工大学科研团队研发的激光测距模组光学系统设计技术，经平台对接后以技术许可方式转化给本地光电企业。",
            "企业在团队指导下完成中试验证，今年实现批量生产。技术合同完成认定登记后，成果输出单位按合同金额3%获得奖励。",
        ],
        ["光电信息", "技术许可"],
        "220173",
        False,
    ),
]

# (days from now, title, summary, body) — a notice approved to go on view next week
SCHEDULED = (
    5,
    "关于2027年元旦期间平台服务安排的通知",
    "元旦期间平台正常运行，在线审核事项顺延至节后第一个工作日办理。",
    ["节日期间如遇问题，请拨打服务电话 0431-88776655。"],
)

IN_REVIEW = (
    "长春新区举办科技成果转化政策宣讲会",
    "新区科技创新局面向园区企业解读科技成果转化奖补政策，百余家企业参加。",
    "<p>宣讲会围绕政策措施第十五条、第十六条逐条讲解申报条件和办理流程，并现场演示平台奖补测算功能。</p>",
)


def _body(paragraphs: list[str]) -> str:
    return clean("".join(f"<p>{p}</p>" for p in paragraphs))


def _published(
    session: Session, article: Article, now: datetime, author_id: int | None
) -> ContentItem:
    kind, days, title, summary, paragraphs, topics, region, pinned = article
    published = now - timedelta(days=days, hours=days % 5)
    item = ContentItem(
        kind=kind,
        status=ContentStatus.PUBLISHED,
        title=title,
        summary=summary,
        body_html=_body(paragraphs),
        issuer="长春新区科技创新局" if region == "220191" else BUREAU,
        region_code=region,
        topics=topics,
        pinned=pinned,
        published_at=published,
        author_id=author_id,
        created_at=published - timedelta(days=1),
    )
    if kind == ContentKind.CALL:
        item.opens_on = published.astimezone(LOCAL_TZ).date()
        item.closes_on = today() + timedelta(days=60 - days)
    session.add(item)
    session.flush()
    session.add(
        ContentVersion(
            item_id=item.id,
            version=1,
            title=title,
            summary=summary,
            body_html=item.body_html,
            status=item.status.value,
            note="发布",
            editor_id=author_id,
            created_at=published,
        )
    )
    index_later(session, kind.value, item.id)
    return item


def call_guide(
    session: Session, title: str, summary: str, paragraphs: list[str], topics: list[str]
) -> ContentItem:
    """The 申报指南 article of a demo programme call (``app/demo/projects.py``), published by the
    bureau three days ago; the call's dates are set by the caller."""
    admin = session.scalars(select(User).where(User.email == "admin@demo.kechuang.cn")).first()
    article: Article = (ContentKind.CALL, 3, title, summary, paragraphs, topics, None, False)
    return _published(session, article, utcnow(), admin.id if admin else None)


def _link_story(session: Session) -> None:
    """Point the success story at a registered contract and its listing, when there is one."""
    story = session.scalars(
        select(ContentItem).where(ContentItem.kind == ContentKind.STORY)
    ).first()
    contract = session.scalars(
        select(TechContract)
        .where(TechContract.status == ContractStatus.REGISTERED)
        .order_by(TechContract.id)
    ).first()
    if story is None or contract is None:
        return
    story.contract_id = contract.id
    if contract.deal_id is not None:
        deal = session.get(Deal, contract.deal_id)
        story.listing_id = deal.listing_id if deal is not None else None


def load_content(session: Session, progress: Callable[[str], object] = lambda _m: None) -> int:
    """Add the demo articles once (the policy too); returns how many were added."""
    if session.scalar(select(ContentItem.id).where(ContentItem.title == ARTICLES[0][2])):
        return 0
    admin = session.scalars(select(User).where(User.email == "admin@demo.kechuang.cn")).first()
    district = session.scalars(
        select(User).where(User.email == "xinqu.admin@demo.kechuang.cn")
    ).first()
    if admin is None or district is None:
        return 0
    admin_actor = Actor(user=admin, label="演示数据")
    policy = service.load_seed_policy(session, admin_actor)
    now = utcnow()
    for article in ARTICLES:
        _published(session, article, now, admin.id)
    _link_story(session)
    district_actor = Actor(user=district, label="演示数据")
    # A notice written by the district, approved by the bureau to go on view in a few days.
    days, title, summary, paragraphs = SCHEDULED
    notice = service.create(
        session,
        district_actor,
        ContentCreate(
            kind=ContentKind.NOTICE,
            title=title,
            summary=summary,
            body_html=_body(paragraphs),
            issuer="长春新区科技创新局",
            publish_at=now + timedelta(days=days),
        ),
    )
    service.submit(session, district_actor, notice)
    service.approve(session, admin_actor, notice, "同意按期发布")
    title, summary, body = IN_REVIEW
    news = service.create(
        session,
        district_actor,
        ContentCreate(
            kind=ContentKind.NEWS,
            title=title,
            summary=summary,
            body_html=body,
            issuer="长春新区科技创新局",
            topics=["政策宣讲"],
        ),
    )
    service.submit(session, district_actor, news)
    progress(
        f"信息发布 {len(ARTICLES) + 3} 条（政策文件《{policy.title}》按条款发布，"
        "一条定时发布，一条待审核）"
    )
    return len(ARTICLES) + 3
