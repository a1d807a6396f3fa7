"""The demo catalogue: a few hundred achievements and demands and a dozen challenges.

Built deterministically (one seeded random generator) from the hand-written topics in
``app.demo.data``: each topic gives an achievement from a university, institute or new R&D
institution, many give a second one (a test method, a manufacturing process …) and a demand
from the enterprise that would need it. Dates are relative to the day of seeding, so the
catalogue always looks current: most listings published over the past year, some about to
expire, a few waiting for review, returned, expired or closed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.indexing import index_later
from app.demo.data.challenges import CHALLENGES, ChallengeText
from app.demo.data.topics import SECTORS, Sector, Topic
from app.models import Achievement, Challenge, Demand, Listing, Organization, User
from app.models.enums import (
    ListingStatus,
    MaturityStage,
    OrgRole,
    OrgType,
    TransferMode,
)

S = ListingStatus
SEED = 2026
WAN = 10_000

# Keys used in the data modules -> demo organisation names (see ``app.demo.seed.ORGS``).
ORG_KEYS: dict[str, str] = {
    "jlu": "吉林大学",
    "cust": "长春理工大学",
    "ccut": "长春工业大学",
    "ciomp": "中国科学院长春光学精密机械与物理研究所",
    "ciac": "中国科学院长春应用化学研究所",
    "icv": "长春新区智能网联汽车创新研究院",
    "qm": "长春启明星汽车电子有限公司",
    "gg": "吉林省光谷精密光学有限公司",
    "hf": "长春禾丰农产品加工有限公司",
    "br": "长春博瑞生物医药科技有限公司",
    "bf": "长春北方新材料科技有限公司",
}

# How many listings of each kind end in each state (the rest are published).
ACHIEVEMENT_STATES = {S.DRAFT: 12, S.SUBMITTED: 14, S.RETURNED: 10, S.EXPIRED: 10, S.CLOSED: 8}
DEMAND_STATES = {S.DRAFT: 6, S.SUBMITTED: 8, S.RETURNED: 6, S.EXPIRED: 5, S.CLOSED: 5}
ACHIEVEMENT_SECOND_VERSIONS = 133  # topics that get a second achievement (about 300 in all)
DEMAND_TARGET = 150
EXPIRING_SOON = {"achievement": 10, "demand": 6}

# -- words ------------------------------------------------------------------------------------

ACHIEVEMENT_TITLES: dict[str, tuple[str, ...]] = {
    "mat": ("{n}", "{n}制备技术", "一种{n}及其制备方法", "{n}规模化制备工艺"),
    "dev": ("{n}", "{n}研制", "{n}关键技术及样机", "{n}设计与制造技术"),
    "proc": ("{n}技术", "{n}技术及应用", "{n}关键技术"),
    "sys": ("{n}", "{n}关键技术", "{n}研发与应用"),
    "sw": ("{n}", "{n}算法及软件", "{n}方法"),
    "drug": ("{n}", "{n}制备工艺", "{n}临床前研究成果"),
    "kit": ("{n}", "{n}及其制备方法", "{n}研制"),
    "food": ("{n}", "{n}加工技术", "{n}生产工艺", "{n}制备工艺及应用"),
    "var": ("{n}", "{n}及配套栽培技术"),
    "plat": ("{n}", "{n}研发与应用", "{n}及其应用"),
}

DEMAND_TITLES: dict[str, tuple[str, ...]] = {
    "mat": ("寻求{n}制备技术", "{n}国产化替代", "{n}性能提升技术需求"),
    "dev": ("{n}开发合作", "寻求{n}技术方案", "{n}性能提升需求"),
    "proc": ("寻求{n}技术", "{n}技术引进", "{n}工艺优化需求"),
    "sys": ("{n}开发需求", "寻求{n}合作开发", "{n}技术合作"),
    "sw": ("{n}软件开发", "寻求{n}算法合作", "{n}技术需求"),
    "drug": ("{n}工艺开发合作", "寻求{n}技术", "{n}委托研发"),
    "kit": ("{n}开发合作", "寻求{n}技术"),
    "food": ("寻求{n}生产技术", "{n}产品开发合作", "{n}加工工艺需求"),
    "var": ("{n}引进与示范",),
    "plat": ("{n}开发需求", "寻求{n}合作开发", "{n}定制开发"),
}


@dataclass(frozen=True)
class Angle:
    """A second achievement on a topic: its test method, its production process …"""

    title: str
    forms: frozenset[str]
    problem: str
    method: str
    effect: str  # may use {a} and {b}, drawn from the ranges below
    a: tuple[int, int]
    b: tuple[int, int]
    keywords: tuple[str, ...]
    patent: str  # title of the invention patent behind it


ANGLES: tuple[Angle, ...] = (
    Angle(
        "{n}性能测试与评价方法",
        frozenset({"dev", "mat", "kit"}),
        "{n}的关键性能缺少快速、统一的评价手段，来料检验和出厂检验周期长、结果可比性差",
        "梳理影响使用性能的关键参数，建立测试规范，研制配套测试工装和数据处理软件",
        "单件检测时间缩短{a}%，测试结果重复性偏差小于{b}%",
        (50, 75),
        (2, 5),
        ("性能测试", "评价方法"),
        "一种{n}的性能测试方法及装置",
    ),
    Angle(
        "{n}批量制造一致性控制技术",
        frozenset({"dev", "mat", "kit"}),
        "{n}由样件转入批量生产后性能波动大，良品率偏低",
        "对关键工序参数进行在线监测和统计过程控制，建立工艺窗口与质量追溯体系",
        "批量生产良品率由{a}%提升至{b}%，关键性能离散度降低一半",
        (78, 88),
        (96, 99),
        ("一致性控制", "良品率"),
        "一种{n}生产过程质量控制方法",
    ),
    Angle(
        "{n}可靠性评估与寿命预测",
        frozenset({"dev", "sys", "mat"}),
        "{n}在实际工况下的失效机理不清，寿命评估依赖长周期试验",
        "开展多应力加速老化试验和失效分析，建立物理模型与数据驱动相结合的寿命预测方法",
        "可靠性验证周期缩短约{a}%，寿命预测误差小于{b}%",
        (40, 60),
        (10, 20),
        ("可靠性", "寿命预测"),
        "一种{n}的寿命预测方法",
    ),
    Angle(
        "{n}低成本制造工艺",
        frozenset({"mat", "dev", "food", "kit"}),
        "现有{n}制造工艺流程长、原材料和能耗成本高，制约了推广应用",
        "简化工艺路线，以国产原材料替代进口原料，并优化关键工序参数",
        "综合制造成本降低{a}%，主要性能指标保持不变，单位产品能耗下降{b}%",
        (20, 40),
        (10, 25),
        ("低成本", "工艺优化"),
        "一种{n}的低成本制造方法",
    ),
    Angle(
        "{n}专用生产装备",
        frozenset({"mat", "food", "dev"}),
        "{n}生产依赖通用设备或进口装备，效率低、投资大",
        "研制集上料、加工、检测于一体的专用装备，配套自主开发的控制软件",
        "生产效率提高{a}倍，设备投资约为进口装备的{b}%",
        (2, 4),
        (35, 55),
        ("专用装备", "自动化生产"),
        "一种{n}生产装置",
    ),
    Angle(
        "{n}中试放大技术",
        frozenset({"proc", "mat", "drug", "food"}),
        "{n}的实验室工艺放大后传质传热条件变化，收率和产品质量难以复现",
        "通过过程模拟与分段放大试验确定关键工艺参数，完成中试装置设计与运行验证",
        "中试规模收率达到实验室水平的{a}%以上，连续{b}批次产品质量稳定",
        (92, 98),
        (3, 10),
        ("中试放大", "工艺包"),
        "一种{n}的连续化生产方法",
    ),
    Angle(
        "{n}过程在线监测与智能控制",
        frozenset({"proc"}),
        "{n}过程的关键参数依赖离线化验，工艺调整滞后、能耗偏高",
        "部署在线传感器与软测量模型，构建闭环优化控制系统",
        "关键指标波动降低{a}%，单位产品能耗下降{b}%",
        (30, 60),
        (5, 15),
        ("在线监测", "智能控制"),
        "一种{n}过程的在线监测方法",
    ),
    Angle(
        "{n}模型轻量化部署技术",
        frozenset({"sw"}),
        "{n}算法模型计算量大，难以在低成本嵌入式平台上实时运行",
        "采用模型剪枝、量化和算子融合，针对国产嵌入式芯片进行部署优化",
        "模型体积压缩至原来的{a}%，推理速度提高{b}倍，精度损失小于1个百分点",
        (15, 30),
        (2, 5),
        ("模型压缩", "嵌入式部署"),
        "一种{n}模型的压缩与部署方法",
    ),
    Angle(
        "{n}场景数据集与测试评价",
        frozenset({"sw"}),
        "{n}缺少贴近本地实际场景的标注数据和统一测试基准，算法效果难以客观评估",
        "采集并标注覆盖多季节、多工况的场景数据，制定评价指标和测试流程",
        "形成标注样本{a}万条，覆盖{b}类典型场景",
        (5, 50),
        (12, 40),
        ("数据集", "测试评价"),
        "一种{n}数据的自动标注方法",
    ),
    Angle(
        "{n}国产化适配与迁移",
        frozenset({"plat"}),
        "{n}原有版本依赖国外数据库和中间件，难以满足信息技术应用创新的要求",
        "完成对国产操作系统、数据库和中间件的适配改造，并进行性能调优",
        "在国产软硬件环境下性能达到原版本的{a}%以上，迁移周期缩短{b}%",
        (90, 98),
        (30, 60),
        ("信创", "国产化适配"),
        "一种{n}的数据迁移方法",
    ),
    Angle(
        "{n}质量研究与分析方法",
        frozenset({"drug", "kit"}),
        "{n}的杂质谱和关键质量属性尚不清楚，现有分析方法难以满足注册申报要求",
        "建立液相色谱、质谱与生物活性测定相结合的分析方法，并完成方法学验证",
        "可检出含量0.05%以上的相关杂质，方法精密度RSD小于{b}%，已完成{a}批样品检验",
        (3, 12),
        (2, 3),
        ("质量研究", "分析方法"),
        "一种{n}有关物质的检测方法",
    ),
)

# What an enterprise asks for besides the technology itself.
DEMAND_ANGLES = tuple(
    a
    for a in ANGLES
    if a.title.startswith(("{n}性能测试", "{n}专用生产", "{n}过程在线", "{n}低成本", "{n}中试"))
)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂柴焦"
)
GIVEN = [
    "建华",
    "志远",
    "晓东",
    "海涛",
    "丽萍",
    "文博",
    "雪松",
    "俊杰",
    "春雷",
    "玉洁",
    "宏伟",
    "明轩",
    "思琪",
    "国庆",
    "立新",
    "红梅",
    "振宇",
    "宇航",
    "欣然",
    "博文",
    "雅琴",
    "晨阳",
    "立军",
    "桂芳",
    "丹",
    "磊",
    "鹏",
    "静",
    "洋",
    "婷",
    "超",
    "勇",
    "敏",
    "颖",
    "军",
    "涛",
    "斌",
    "琳",
    "楠",
    "昊",
    "东升",
    "光明",
    "德林",
    "永刚",
    "秀兰",
    "淑珍",
    "佳慧",
    "子豪",
    "一鸣",
    "天宇",
    "梦瑶",
    "雨桐",
    "浩然",
    "嘉怡",
    "凤霞",
    "松涛",
    "万里",
    "铁军",
    "亚楠",
    "春燕",
    "晓光",
    "冬梅",
    "广辉",
    "学军",
    "金龙",
    "玉霞",
    "立华",
    "志刚",
    "海燕",
    "晓峰",
    "文静",
    "国华",
    "树森",
    "景和",
    "绍文",
    "庆丰",
    "云飞",
    "少华",
    "继红",
    "明辉",
    "晓宇",
    "瑞雪",
    "思远",
    "泽宇",
    "慧敏",
    "鹤鸣",
    "柏林",
]

TEAM_TITLE = {
    OrgType.UNIVERSITY: "教授团队",
    OrgType.INSTITUTE: "研究员团队",
    OrgType.NEW_RD: "高级工程师团队",
    OrgType.ENTERPRISE: "带领的公司研发团队",
}

SUMMARY_OPENINGS = (
    "{holder}{lead}{team}针对{problem}的问题，{method}，{effect}。",
    "{problem}。{holder}{lead}{team}{method}，{effect}。",
    "本成果面向{scenario}等应用，{method}。{effect}，{advantage}。",
    "本成果由{holder}研发，{method}，解决了{problem}的问题，{effect}。",
)

PILOT_STATUS: dict[MaturityStage, tuple[str, ...]] = {
    MaturityStage.LAB: (
        "已完成实验室原理验证，制备样品{n}批，关键性能经第三方检测机构测试。",
        "处于实验室研究阶段，已完成原理样机和关键性能测试，尚需中试验证。",
    ),
    MaturityStage.SMALL_PILOT: (
        "已完成小试，累计试制样品{n}批次，性能稳定，正在寻求中试合作方。",
        "小试工艺已定型，形成工艺规程草案，具备开展中试的条件。",
    ),
    MaturityStage.PILOT: (
        "已在合作企业完成中试，连续运行{n}天，工艺参数基本定型。",
        "已建成中试线并完成{n}批次中试验证，产品通过用户试用。",
    ),
    MaturityStage.INDUSTRIAL: (
        "已在{n}家企业实现产业化应用，产品批量供货。",
        "已形成批量生产能力，累计销售收入超过{m}千万元。",
    ),
}

TRL = {
    MaturityStage.LAB: (3, 4),
    MaturityStage.SMALL_PILOT: (5, 5),
    MaturityStage.PILOT: (6, 7),
    MaturityStage.INDUSTRIAL: (8, 9),
}
PRICE_WAN = {
    MaturityStage.LAB: (10, 80),
    MaturityStage.SMALL_PILOT: (30, 200),
    MaturityStage.PILOT: (50, 500),
    MaturityStage.INDUSTRIAL: (100, 1000),
}

# "forms|text" lines suit those forms only (see ``fitting``).
BENEFITS = (
    "mat food proc drug kit dev sys|成果转化后，预计可形成年产值约{rev}万元，新增利税约{tax}万元，带动就业{jobs}人。",
    "mat food proc drug kit dev|按建设{lines}条生产线测算，达产后年销售收入约{rev}万元，投资回收期约{years}年。",
    "mat food drug kit dev sys sw|国内相关市场规模约{market}亿元，若实现{share}%的市场占有率，年销售收入可达{market_rev}万元。",
    "proc sys sw plat|用户企业应用后，每年可节约生产和运维成本约{save}万元。",
    "dev sys|与进口产品相比价格降低{cut}%以上，按年销售{qty}台（套）计算，可为下游用户节约采购成本约{save}万元。",
    "mat food|按年产{tons}吨计算，年销售收入约{rev}万元，毛利率约{margin}%。",
    "sw plat|按每年推广{users}家用户计算，可实现软件销售和服务收入约{rev}万元。",
    "var|在适宜区域推广种植后，按每亩增收{per_mu}元计算，每年可为种植户增收{rev}万元以上。",
)

# Invention and utility-model titles per form; {n} the topic, {k} its first keyword.
PATENT_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mat": (
        ("一种{n}及其制备方法", "一种{n}的制备方法", "一种{k}的检测方法"),
        ("一种{k}生产装置",),
    ),
    "food": (
        ("一种{n}及其制备方法", "一种{n}的制备方法", "一种{k}的检测方法"),
        ("一种{k}生产装置",),
    ),
    "kit": (("一种{n}及其制备方法", "一种{k}的检测方法"), ()),
    "drug": (("一种{n}及其制备方法", "一种{n}的制备方法", "一种{k}的检测方法"), ()),
    "dev": (
        ("一种{n}", "一种{n}的控制方法", "一种{n}的制造方法"),
        ("一种{n}的安装结构", "一种用于{n}的测试装置"),
    ),
    "sys": (("一种{n}方法及系统", "一种{n}装置"), ("一种用于{n}的传感装置",)),
    "proc": (("一种{n}的方法", "一种{n}的工艺参数优化方法"), ("一种用于{n}的装置",)),
    "sw": (("一种{n}方法", "一种{n}方法、装置及存储介质"), ()),
    "plat": (("一种{n}的数据管理方法",), ()),
    "var": (("一种{n}的选育方法",), ()),
}

DEMAND_CONTEXT: dict[str, tuple[str, ...]] = {
    "qm": (
        "公司主要为一汽等整车企业配套车身域控制器、毫米波雷达和线控底盘电子产品",
        "公司是汽车电子零部件企业，产品覆盖车身控制、环境感知和底盘电子三大类",
    ),
    "gg": (
        "公司主要生产高精度光学镜头、红外光学元件和激光加工头",
        "公司是光学元件与光电组件制造企业，产品用于安防、车载激光雷达和工业检测",
    ),
    "hf": (
        "公司是以玉米深加工和杂粮食品为主的农业产业化龙头企业",
        "公司在德惠拥有玉米收储、深加工和杂粮食品生产基地",
    ),
    "br": (
        "公司从事重组蛋白药物和诊断试剂的研发生产，拥有GMP中试车间",
        "公司是生物医药创新企业，产品线包括重组蛋白、体外诊断试剂和医用生物材料",
    ),
    "bf": ("公司主要从事碳纤维复合材料制品的研发与生产",),
}

DEMAND_REASONS = (
    "随着下游客户对产品提出更高要求",
    "公司计划明年新上生产线",
    "为配合新产品开发",
    "在现有产品升级过程中",
    "根据客户反馈和质量分析",
    "结合公司未来三年技术发展规划",
)
DEMAND_PAIN = ("目前面临的问题是：", "主要问题在于：", "公司及下游客户反映：")
DEMAND_TRIED = (
    "公司曾尝试调整工艺参数和更换原材料供应商，效果有限。",
    "公司技术团队在该方向积累不足，希望借助高校院所的研究力量。",
    "目前国内可选供应商少，进口方案价格高、交货期长。",
    "此前与外地机构有过接触，但对方难以提供本地化的持续服务。",
    "",
)
DEMAND_EXPECTATIONS = (
    "合作方应在相关领域有持续的研究积累，有成功产业化案例者优先。",
    "希望合作方能派技术人员驻厂，配合完成工艺调试和人员培训。",
    "优先考虑本地高校院所，便于长期合作和现场服务。",
    "可先以技术服务方式开展小批量验证，效果达标后再签订技术开发或转让合同。",
)
DELIVERABLES = (
    "提供样件及第三方检测报告",
    "交付完整的工艺文件和技术资料，并培训公司技术人员",
    "完成在公司现有产线上的导入验证",
    "提交技术方案和阶段性研究报告",
)

RETURN_REASONS: dict[str, tuple[tuple[str, str], ...]] = {
    "achievement": (
        ("incomplete", "请补充主要技术指标和中试情况。"),
        ("no_advantage", "技术优势部分只描述了功能，请与现有主流方案对比说明。"),
        ("price", "标价与成熟度不匹配，请核实后修改或改为面议。"),
        ("ip_unclear", "专利权人与发布单位不一致，请补充权属说明或转让协议。"),
        ("unclear", "技术方案描述过于笼统，请说明关键工艺路线和核心参数。"),
        ("wrong_field", "请核对技术领域，建议选择更具体的二级领域。"),
    ),
    "demand": (
        ("incomplete", "请补充需要达到的技术指标和交付要求。"),
        ("price", "预算区间跨度过大，请细化预算。"),
        ("unclear", "需求描述不够具体，请说明现有工艺条件和具体问题。"),
        ("contact", "联系电话无法接通，请核实联系方式。"),
    ),
}
CLOSE_REASONS: dict[str, tuple[str, ...]] = {
    "achievement": (
        "已完成转化或签约：已与本地企业签订技术许可合同",
        "已完成转化或签约：以作价入股方式与企业合作成立项目公司",
        "主动撤回：团队正在进行技术升级，完成后重新发布",
    ),
    "demand": (
        "需求已解决：已与高校团队签订技术开发合同",
        "需求已解决：通过平台对接找到合作单位",
        "信息已过时：公司调整了产品规划",
    ),
    "challenge": ("需求已解决：已确定揭榜团队并签订合作协议",),
}

# -- helpers ----------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _numbered(lines: Sequence[str]) -> str:
    items = [line.strip().rstrip("。；;") for line in lines if line.strip()]
    return "\n".join(
        f"{i}. {line}{'。' if i == len(items) else '；'}" for i, line in enumerate(items, 1)
    )


def fitting(lines: Sequence[str], form: str) -> list[str]:
    """The lines that suit a topic's form ("dev sys|…" suits only devices and systems)."""
    fit = []
    for line in lines:
        forms, sep, text = line.rpartition("|")
        if not sep or form in forms.split():
            fit.append(text)
    return fit


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "和" + words[-1]


def patent_check_digit(digits12: str) -> str:
    """The check character of a 12-digit Chinese patent application number."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits12, weights, strict=True)) % 11
    return "X" if total == 10 else str(total)


def patent_number(rng: random.Random, kind: int, year: int) -> str:
    serial = f"{rng.randint(0, 1_999_999):07d}"
    body = f"{year}{kind}{serial}"
    return f"ZL{year} {kind} {serial}.{patent_check_digit(body)}"


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _at(rng: random.Random, when: datetime) -> datetime:
    """The same day during office hours."""
    return when.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0)


class Names:
    """Invented personal names, never the same twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def one(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name

    def some(self, low: int, high: int) -> list[str]:
        return [self.one() for _ in range(self.rng.randint(low, high))]


@dataclass
class Holder:
    key: str
    org: Organization
    owner: User
    phone: str


# -- building listings --------------------------------------------------------------------------


class Builder:
    def __init__(self, session: Session, holders: dict[str, Holder], now: datetime) -> None:
        self.session = session
        self.holders = holders
        self.now = now
        self.today = now.date()
        self.rng = random.Random(SEED)
        self.names = Names(self.rng)
        self.titles: set[str] = set()
        self.valid_days = get_settings().listing_valid_days

    # shared ---------------------------------------------------------------------------------

    def unique_title(self, candidates: Sequence[str]) -> str | None:
        for title in candidates:
            if title not in self.titles and 4 <= len(title) <= 120:
                self.titles.add(title)
                return title
        return None

    def contact(self, holder: Holder) -> dict[str, str]:
        return {
            "contact_name": holder.owner.name,
            "contact_phone": holder.phone,
            "contact_email": holder.owner.email,
        }

    def keywords(self, topic: Topic, extra: Sequence[str] = ()) -> list[str]:
        words = list(dict.fromkeys([*topic.keywords.split(), *extra]))
        return words[:8]

    def scenario_text(self, sector: Sector) -> tuple[list[str], str]:
        picked = self.rng.sample(list(sector.scenarios), self.rng.randint(2, 4))
        pattern = self.rng.choice(
            (
                "可应用于{all}等领域。",
                "主要面向{first}，也可推广应用于{rest}。",
                "适用于{all}，市场需求明确。",
            )
        )
        text = pattern.format(all=_join(picked), first=picked[0], rest=_join(picked[1:]))
        return picked, text

    def lifecycle(self, listing: Listing, status: ListingStatus, kind: str, soon: bool) -> None:
        """Dates, review outcome and closing note for a listing in ``status``."""
        rng = self.rng
        listing.status = status
        if status == S.DRAFT:
            listing.created_at = _at(rng, self.now - timedelta(days=rng.randint(1, 40)))
            listing.updated_at = listing.created_at + timedelta(hours=rng.randint(1, 72))
            listing.updated_at = min(listing.updated_at, self.now)
            return
        if status in (S.SUBMITTED, S.RETURNED):
            submitted = _at(rng, self.now - timedelta(days=rng.randint(0, 8)))
            submitted = min(submitted, self.now - timedelta(minutes=rng.randint(5, 600)))
            listing.submitted_at = submitted
            listing.created_at = submitted - timedelta(days=rng.randint(1, 15))
            listing.updated_at = submitted
            if status == S.RETURNED:
                code, text = rng.choice(RETURN_REASONS.get(kind, RETURN_REASONS["demand"]))
                listing.return_reason_code = code
                listing.return_reason_text = text
                listing.updated_at = min(submitted + timedelta(days=1), self.now)
            return
        if status == S.EXPIRED:
            days_ago = rng.randint(self.valid_days + 3, self.valid_days + 150)
        elif status == S.CLOSED:
            days_ago = rng.randint(60, 330)
        elif soon:
            days_ago = self.valid_days - rng.randint(1, 13)
        else:
            days_ago = rng.randint(1, self.valid_days - 20)
        published = _at(rng, self.now - timedelta(days=days_ago))
        published = min(published, self.now - timedelta(hours=1))
        listing.published_at = published
        listing.expires_at = published + timedelta(days=self.valid_days)
        listing.submitted_at = published - timedelta(
            days=rng.randint(1, 5), hours=rng.randint(0, 6)
        )
        listing.created_at = listing.submitted_at - timedelta(days=rng.randint(0, 20))
        listing.updated_at = published
        if status == S.EXPIRED:
            listing.updated_at = listing.expires_at
        elif status == S.CLOSED:
            listing.close_reason = rng.choice(CLOSE_REASONS[kind])
            listing.updated_at = published + (self.now - published) * rng.uniform(0.3, 0.9)

    def states(
        self, total: int, planned: dict[ListingStatus, int], kind: str
    ) -> list[tuple[ListingStatus, bool]]:
        plan: list[tuple[ListingStatus, bool]] = []
        for status, count in planned.items():
            plan += [(status, False)] * count
        published = total - len(plan)
        soon = EXPIRING_SOON[kind]
        plan += [(S.PUBLISHED, True)] * soon + [(S.PUBLISHED, False)] * (published - soon)
        self.rng.shuffle(plan)
        return plan

    # achievements -----------------------------------------------------------------------------

    def achievement_specs(self) -> list[tuple[Sector, Topic, Angle | None]]:
        rng = self.rng
        specs: list[tuple[Sector, Topic, Angle | None]] = []
        seconds: list[tuple[Sector, Topic, Angle]] = []
        for sector in SECTORS:
            for topic in sector.topics:
                specs.append((sector, topic, None))
                angles = [a for a in ANGLES if topic.form in a.forms]
                if angles:
                    seconds.append((sector, topic, rng.choice(angles)))
        specs += rng.sample(seconds, min(ACHIEVEMENT_SECOND_VERSIONS, len(seconds)))
        return specs

    def pick_holder(self, sector: Sector) -> Holder:
        # Earlier holders are the sector's main players; enterprises publish the odd one.
        # An organisation without an administrator among the demo users holds nothing.
        keys = [k for k in sector.holders if k in self.holders]
        weights = [
            1 if self.holders[k].org.org_type == OrgType.ENTERPRISE else len(keys) - i + 1
            for i, k in enumerate(keys)
        ]
        return self.holders[self.rng.choices(keys, weights)[0]]

    def achievement(
        self, sector: Sector, topic: Topic, angle: Angle | None, state: tuple[ListingStatus, bool]
    ) -> Achievement | None:
        rng = self.rng
        holder = self.pick_holder(sector)
        if angle is None:
            patterns = list(ACHIEVEMENT_TITLES[topic.form])
            first = patterns[0] if rng.random() < 0.55 else rng.choice(patterns[1:] or patterns)
            title = self.unique_title([p.format(n=topic.name) for p in [first, *patterns]])
            problem, method = topic.problem, topic.method
            effect = topic.effect
            extra: tuple[str, ...] = ()
        else:
            title = self.unique_title([angle.title.format(n=topic.name)])
            a = rng.randint(*angle.a)
            b = rng.randint(*angle.b)
            problem = angle.problem.format(n=topic.name)
            method = angle.method
            effect = angle.effect.format(a=a, b=b)
            extra = angle.keywords
        if title is None:
            return None

        maturity = rng.choices(list(MaturityStage), (20, 30, 30, 20))[0]
        if angle is not None and maturity == MaturityStage.INDUSTRIAL:
            maturity = MaturityStage.PILOT
        trl = rng.randint(*TRL[maturity])
        inventors = self.names.some(2, 7)
        lead = inventors[0]
        team = TEAM_TITLE.get(holder.org.org_type, "团队")
        scenarios, scenario_text = self.scenario_text(sector)
        advantages_pool = rng.sample(list(sector.advantages), 2)

        summary = rng.choice(SUMMARY_OPENINGS).format(
            holder=holder.org.name,
            lead=lead,
            team=team,
            problem=problem,
            method=method,
            effect=effect,
            scenario=_join(scenarios[:2]),
            advantage=advantages_pool[0],
        )
        pilot = rng.choice(PILOT_STATUS[maturity]).format(n=rng.randint(3, 30), m=rng.randint(1, 9))
        if angle is None and rng.random() < 0.5:
            summary += pilot
        if rng.random() < 0.5:
            advantages = "与现有主流方案相比：\n" + _numbered([effect, *advantages_pool])
        else:
            advantages = f"{_sentence(effect)}{advantages_pool[0]}；{_sentence(advantages_pool[1])}"

        price: Decimal | None = None
        if rng.random() > 0.38:
            low, high = PRICE_WAN[maturity]
            step = 5 if high <= 200 else 10
            price = Decimal(rng.randrange(low, high + 1, step) * WAN)

        modes = self.transfer_modes(maturity, holder)
        ip_items = self.ip_items(topic, angle, maturity)
        economic = self.benefit(topic.form, maturity)
        pool = fitting(sector.indicators, topic.form)
        indicators = [*effect.split("，"), *rng.sample(pool, min(len(pool), rng.randint(1, 2)))]
        description = self.achievement_description(
            sector, problem, method, indicators, pilot, modes, price, scenario_text
        )
        confidential: list[str] = []
        if rng.random() < 0.14:
            confidential = rng.choice(
                (
                    ["economic_benefit"],
                    ["ip_items"],
                    ["economic_benefit", "ip_items"],
                    ["inventors"],
                    ["description"],
                )
            )
        listing = Achievement(
            title=title,
            summary=summary,
            description=description,
            field_code=topic.field,
            industry_code=topic.industry or sector.industry,
            keywords=self.keywords(topic, extra),
            region_code=holder.org.region_code,
            org_id=holder.org.id,
            owner_id=holder.owner.id,
            confidential=confidential,
            trl=trl,
            maturity=maturity,
            pilot_status=pilot,
            ip_items=ip_items,
            transfer_modes=modes,
            price=price,
            inventors=inventors,
            advantages=advantages,
            economic_benefit=economic,
            application_scenarios=scenario_text,
            **self.contact(holder),
        )
        self.lifecycle(listing, state[0], "achievement", state[1])
        return listing

    def transfer_modes(self, maturity: MaturityStage, holder: Holder) -> list[str]:
        rng = self.rng
        pool = [
            (TransferMode.LICENSE, 5),
            (TransferMode.ASSIGNMENT, 4),
            (
                TransferMode.JOINT_DEVELOPMENT,
                4 if maturity in (MaturityStage.LAB, MaturityStage.SMALL_PILOT) else 2,
            ),
            (
                TransferMode.EQUITY,
                3 if maturity in (MaturityStage.PILOT, MaturityStage.INDUSTRIAL) else 1,
            ),
            (TransferMode.TECH_SERVICE, 2),
        ]
        if holder.org.org_type == OrgType.ENTERPRISE:
            pool = [(m, w) for m, w in pool if m != TransferMode.EQUITY]
        chosen: list[TransferMode] = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            mode = rng.choices([m for m, _ in pool], [w for _, w in pool])[0]
            if mode not in chosen:
                chosen.append(mode)
        order = list(TransferMode)
        return [m.value for m in sorted(chosen, key=order.index)]

    def ip_items(
        self, topic: Topic, angle: Angle | None, maturity: MaturityStage
    ) -> list[dict[str, Any]]:
        rng = self.rng
        first_year = 2017 if maturity == MaturityStage.INDUSTRIAL else 2019
        name, form = topic.name, topic.form
        k0 = topic.keywords.split()[0]
        software = f"{name}V{{v}}.0" if name.endswith("系统") else f"{name}软件V{{v}}.0"
        inventions, utilities = PATENT_TITLES[form]
        if angle is not None:
            inventions = (angle.patent, inventions[0])
            count = rng.choices((0, 1, 2), (1, 4, 2))[0]
        elif form == "var":
            count = rng.randint(0, 1)
        else:
            count = rng.choices((0, 1, 2, 3, 4), (1, 4, 4, 3, 2))[0]
        items: list[dict[str, Any]] = []
        for i in range(count):
            year = rng.randint(first_year, 2025)
            copyright_ = form in ("sw", "plat") and (i > 0 or form == "plat") and rng.random() < 0.7
            if copyright_:
                items.append(
                    {
                        "type": "software_copyright",
                        "number": f"{year}SR{rng.randint(100_000, 1_999_999):07d}",
                        "title": software.format(v=rng.randint(1, 3)),
                    }
                )
                continue
            utility = bool(utilities) and i > 0 and rng.random() < 0.4
            titles = utilities if utility else inventions
            items.append(
                {
                    "type": "patent",
                    "number": patent_number(rng, 2 if utility else 1, year),
                    "title": titles[i % len(titles)].format(n=name, k=k0),
                }
            )
        if form == "var":
            items.append(
                {
                    "type": "other",
                    "number": f"吉审玉{rng.randint(2021, 2025)}00{rng.randint(10, 99)}",
                    "title": f"{name}品种审定证书",
                }
            )
        return items

    def benefit(self, form: str, maturity: MaturityStage) -> str:
        rng = self.rng
        scale = {"lab": 1, "small_pilot": 2, "pilot": 3, "industrial": 5}[maturity.value]
        rev = rng.randrange(500, 3000, 100) * scale
        market, share = rng.choice((8, 15, 20, 30, 50, 80, 120)), rng.choice((1, 2, 3, 5))
        values = {
            "rev": rev,
            "tax": round(rev * rng.uniform(0.12, 0.25) / 10) * 10,
            "jobs": rng.randrange(20, 150, 5),
            "lines": rng.randint(1, 3),
            "years": rng.choice(("2", "2.5", "3", "3.5", "4")),
            "market": market,
            "share": share,
            "market_rev": market * share * 100,
            "save": rng.randrange(30, 600, 10),
            "cut": rng.choice((20, 30, 40, 50)),
            "qty": rng.choice((50, 100, 200, 500, 1000)),
            "tons": rng.choice((500, 1000, 2000, 5000, 10000)),
            "margin": rng.randrange(20, 42, 2),
            "users": rng.randrange(20, 200, 10),
            "per_mu": rng.randrange(60, 160, 10),
        }
        pool = fitting(BENEFITS, form)
        picked = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        return "".join(p.format(**values) for p in picked)

    def achievement_description(
        self,
        sector: Sector,
        problem: str,
        method: str,
        indicators: list[str],
        pilot: str,
        modes: list[str],
        price: Decimal | None,
        scenario_text: str,
    ) -> str:
        rng = self.rng
        mode_text = _join([TransferMode(m).label for m in modes])
        price_text = (
            "价格面议" if price is None else f"参考价格{int(price / WAN)}万元，可根据合作方式协商"
        )
        parts = [
            f"【技术背景】\n{rng.choice(sector.background)}{_sentence(problem)}",
            f"【技术方案】\n本成果{_sentence(method)}",
            f"【主要技术指标】\n{_numbered(indicators)}",
        ]
        if rng.random() < 0.6:
            parts.append(f"【应用前景】\n{scenario_text}")
        parts.append(f"【成熟度】\n{pilot}")
        parts.append(f"【合作方式】\n拟以{mode_text}方式转化，{price_text}。")
        return "\n\n".join(parts)

    # demands ----------------------------------------------------------------------------------

    def demand_specs(self) -> list[tuple[Sector, Topic, str, Angle | None]]:
        """One demand per topic an enterprise would ask for; a test method, production
        equipment … for some topics besides, up to the target."""
        rng = self.rng
        specs: list[tuple[Sector, Topic, str, Angle | None]] = []
        extras: list[tuple[Sector, Topic, str, Angle | None]] = []
        for sector in SECTORS:
            for topic in sector.topics:
                askers = sector.askers if topic.ask is None else tuple(topic.ask.split())
                askers = tuple(a for a in askers if a in self.holders)
                if not askers:
                    continue
                specs.append((sector, topic, rng.choice(askers), None))
                angles = [a for a in DEMAND_ANGLES if topic.form in a.forms]
                if angles:
                    extras.append((sector, topic, rng.choice(askers), rng.choice(angles)))
        if len(specs) > DEMAND_TARGET:
            return rng.sample(specs, DEMAND_TARGET)
        return specs + rng.sample(extras, min(DEMAND_TARGET - len(specs), len(extras)))

    def demand(
        self,
        sector: Sector,
        topic: Topic,
        asker: str,
        angle: Angle | None,
        state: tuple[ListingStatus, bool],
    ) -> Demand | None:
        rng = self.rng
        holder = self.holders[asker]
        if angle is None:
            patterns = list(DEMAND_TITLES[topic.form])
            rng.shuffle(patterns)
            title = self.unique_title([p.format(n=topic.name) for p in patterns])
            subject, pain, effect = topic.name, topic.problem, topic.effect
            extra: tuple[str, ...] = ()
        else:
            subject = angle.title.format(n=topic.name)
            title = self.unique_title([f"寻求{subject}", f"{subject}合作开发"])
            pain = angle.problem.format(n=topic.name)
            effect = angle.effect.format(a=rng.randint(*angle.a), b=rng.randint(*angle.b))
            extra = angle.keywords
        if title is None:
            return None
        context = rng.choice(DEMAND_CONTEXT[asker])
        reason = rng.choice(DEMAND_REASONS)
        modes = self.cooperation_modes()
        mode_text = _join([TransferMode(m).label for m in modes])
        summary = (
            # The company's introduction stays in the description: in the summary it would
            # make every one of its demands match the words describing its products.
            f"{reason}，{rng.choice(DEMAND_PAIN)}{_sentence(pain)}"
            f"现面向高校院所和科技企业征集{subject}相关技术，拟以{mode_text}方式合作。"
        )
        tried = rng.choice(DEMAND_TRIED)
        problem = _sentence(pain) + tried
        pool = fitting(sector.indicators, topic.form)
        targets = [*effect.split("，"), *rng.sample(pool, min(len(pool), rng.randint(1, 2)))]
        targets.append(rng.choice(DELIVERABLES))
        indicators = _numbered(targets)
        low, high = self.budget()
        deadline = self.deadline(state[0])
        if high is None:
            budget_text = "预算面议"
        elif low is None:
            budget_text = f"预算不超过{int(high / WAN)}万元"
        else:
            budget_text = f"预算{int(low / WAN)}万～{int(high / WAN)}万元"
        when = (
            f"，希望在{deadline.year}年{deadline.month}月{deadline.day}日前确定合作方。"
            if deadline
            else "，需求长期有效。"
        )
        description = "\n\n".join(
            [
                f"【需求背景】\n{rng.choice(sector.background)}{context}。{reason}，需要在{subject}方面取得突破。",
                f"【需求内容】\n{problem}希望以{mode_text}方式，获得{subject}相关技术，达到本需求所列技术指标。",
                f"【对合作方的期望】\n{rng.choice(DEMAND_EXPECTATIONS)}",
                f"【其他说明】\n{budget_text}{when}",
            ]
        )
        confidential: list[str] = []
        if rng.random() < 0.12:
            confidential = rng.choice((["indicators"], ["problem"], ["indicators", "description"]))
        listing = Demand(
            title=title,
            summary=summary,
            description=description,
            field_code=topic.field,
            industry_code=topic.industry or sector.industry,
            keywords=self.keywords(topic, extra),
            region_code=holder.org.region_code,
            org_id=holder.org.id,
            owner_id=holder.owner.id,
            confidential=confidential,
            problem=problem,
            indicators=indicators,
            budget_min=low,
            budget_max=high,
            deadline=deadline,
            cooperation_modes=modes,
            **self.contact(holder),
        )
        self.lifecycle(listing, state[0], "demand", state[1])
        return listing

    def cooperation_modes(self) -> list[str]:
        rng = self.rng
        pool = [
            (TransferMode.JOINT_DEVELOPMENT, 6),
            (TransferMode.LICENSE, 2),
            (TransferMode.ASSIGNMENT, 2),
            (TransferMode.TECH_SERVICE, 3),
        ]
        chosen: list[TransferMode] = []
        for _ in range(rng.choice((1, 1, 2))):
            mode = rng.choices([m for m, _ in pool], [w for _, w in pool])[0]
            if mode not in chosen:
                chosen.append(mode)
        order = list(TransferMode)
        return [m.value for m in sorted(chosen, key=order.index)]

    def budget(self) -> tuple[Decimal | None, Decimal | None]:
        rng = self.rng
        if rng.random() < 0.3:
            return None, None
        high = rng.choice((20, 30, 50, 50, 80, 100, 100, 150, 200, 300, 500))
        if rng.random() < 0.25:
            return None, Decimal(high * WAN)
        low = max(5, int(high * rng.choice((0.3, 0.5, 0.6)) / 5) * 5)
        return Decimal(low * WAN), Decimal(high * WAN)

    def deadline(self, status: ListingStatus) -> date | None:
        rng = self.rng
        if rng.random() < 0.15:
            return None
        if status in (S.EXPIRED, S.CLOSED):
            return _month_end(self.today - timedelta(days=rng.randint(20, 200)))
        day = _month_end(self.today + timedelta(days=rng.randint(30, 300)))
        return day if rng.random() < 0.7 else day.replace(day=15)

    # challenges ----------------------------------------------------------------------------------

    def challenge(self, text: ChallengeText, status: ListingStatus) -> Challenge:
        rng = self.rng
        holder = self.holders[text.holder]
        reward = Decimal(text.reward_wan * WAN)
        if status == S.CLOSED:
            deadline = self.today - timedelta(days=rng.randint(30, 90))
        else:
            deadline = _month_end(self.today + timedelta(days=rng.randint(25, 80)))
        first, second, third = round(text.reward_wan * 0.3), round(text.reward_wan * 0.3), 0
        third = text.reward_wan - first - second
        description = "\n\n".join(
            [
                f"【榜单背景】\n{text.background}",
                f"【揭榜任务】\n{text.problem}揭榜方需在签订协议后{text.months}个月内完成研发并通过发榜方组织的验收。",
                f"【榜单奖励与支付方式】\n榜单奖励{text.reward_wan}万元，按里程碑分期支付：签订协议后支付{first}万元，"
                f"中期考核通过后支付{second}万元，验收通过后支付{third}万元。"
                "符合条件的项目可按政策申请市级“揭榜挂帅”补助。",
                f"【揭榜截止】\n{deadline.year}年{deadline.month}月{deadline.day}日",
            ]
        )
        listing = Challenge(
            title=text.title,
            summary=text.summary,
            description=description,
            field_code=text.field,
            industry_code=text.industry,
            keywords=text.keywords.split(),
            region_code=holder.org.region_code,
            org_id=holder.org.id,
            owner_id=holder.owner.id,
            confidential=[],
            problem=text.problem,
            indicators=_numbered(text.indicators),
            reward=reward,
            requirements=_numbered(text.requirements),
            application_deadline=deadline,
            criteria=[{"name": name, "weight": weight} for name, weight in text.criteria],
            **self.contact(holder),
        )
        self.titles.add(text.title)
        self.lifecycle(listing, status, "challenge", False)
        if status == S.PUBLISHED:
            # A challenge stays up until its deadline has passed, not a full year.
            assert listing.published_at is not None
            listing.published_at = min(
                listing.published_at, self.now - timedelta(days=rng.randint(3, 40))
            )
            listing.submitted_at = listing.published_at - timedelta(days=2)
            listing.created_at = listing.submitted_at - timedelta(days=5)
            listing.updated_at = listing.published_at
            listing.expires_at = listing.published_at + timedelta(days=self.valid_days)
        return listing

    # everything --------------------------------------------------------------------------------

    def build(self) -> Iterator[Listing]:
        specs = self.achievement_specs()
        states = self.states(len(specs), ACHIEVEMENT_STATES, "achievement")
        for (sector, topic, angle), state in zip(specs, states, strict=True):
            achievement = self.achievement(sector, topic, angle, state)
            if achievement is not None:
                yield achievement
        demand_specs = self.demand_specs()
        states = self.states(len(demand_specs), DEMAND_STATES, "demand")
        for (sector, topic, asker, angle), state in zip(demand_specs, states, strict=True):
            demand = self.demand(sector, topic, asker, angle, state)
            if demand is not None:
                yield demand
        # The organisation still awaiting verification has drafted its first needs.
        if "bf" in self.holders:
            materials = next(s for s in SECTORS if s.key == "inorganic")
            parts = next(s for s in SECTORS if s.key == "auto_parts")
            for sector, name in (
                (materials, "低成本大丝束碳纤维"),
                (parts, "碳纤维增强复合材料板簧"),
            ):
                topic = next(t for t in sector.topics if t.name == name)
                demand = self.demand(sector, topic, "bf", None, (S.DRAFT, False))
                if demand is not None:
                    yield demand
        challenge_states = [S.PUBLISHED] * len(CHALLENGES)
        challenge_states[3], challenge_states[6], challenge_states[11] = (
            S.CLOSED,
            S.SUBMITTED,
            S.DRAFT,
        )
        for text, status in zip(CHALLENGES, challenge_states, strict=True):
            yield self.challenge(text, status)


def _holders(session: Session) -> dict[str, Holder]:
    by_name = {name: key for key, name in ORG_KEYS.items()}
    orgs = session.scalars(select(Organization).where(Organization.name.in_(by_name))).all()
    rng = random.Random(SEED + 1)
    holders: dict[str, Holder] = {}
    for org in orgs:
        owner = session.scalar(
            select(User)
            .where(User.org_id == org.id, User.org_role == OrgRole.ADMIN)
            .order_by(User.id)
            .limit(1)
        )
        if owner is None:
            continue
        phone = org.contact_phone or ""
        if "x" in phone:
            phone = phone.replace("xxxx", f"{rng.randint(0, 9999):04d}")
        elif not any(ch.isdigit() for ch in phone):
            phone = f"0431-8{rng.randint(0, 9_999_999):07d}"
        holders[by_name[org.name]] = Holder(by_name[org.name], org, owner, phone)
    return holders


def load_catalogue(
    session: Session, progress: Callable[[str], object] = lambda _m: None
) -> dict[str, int]:
    """Add the demo catalogue once; returns how many listings of each kind were added."""
    holders = _holders(session)
    if not holders:
        return {}
    org_ids = [h.org.id for h in holders.values()]
    if session.scalar(select(Listing.id).where(Listing.org_id.in_(org_ids)).limit(1)) is not None:
        return {}
    builder = Builder(session, holders, utcnow())
    listings = list(builder.build())
    session.add_all(listings)
    session.flush()
    counts: dict[str, int] = {}
    for listing in listings:
        counts[listing.kind.value] = counts.get(listing.kind.value, 0) + 1
        if listing.status == S.PUBLISHED:
            index_later(session, listing.kind.value, listing.id)
    session.flush()
    progress(
        f"科技成果 {counts.get('achievement', 0)} 项、技术需求 {counts.get('demand', 0)} 项、"
        f"揭榜挂帅榜单 {counts.get('challenge', 0)} 项"
    )
    return counts
