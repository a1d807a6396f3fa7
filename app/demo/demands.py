"""Technical demands of the demo catalogue, each written the way its enterprise writes.

Every demand comes from a topic (``app.demo.data.topics``) so it shares vocabulary with the
achievements that could answer it; who asks, and in which voice, comes from
``app.demo.data.enterprises``. A voice is a whole way of writing — its own summary shapes,
section layout (or none), numbering, budget and deadline phrasing — not a heading set over
one sentence pattern.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from app.demo.data.angles import DEMAND_ANGLES, Angle
from app.demo.data.enterprises import BY_KEY, Enterprise
from app.demo.data.topics import SECTORS, Sector, Topic
from app.demo.text import fitting, join_words, month_end, numbered, sentence
from app.models import Demand
from app.models.enums import ListingStatus, TransferMode

if TYPE_CHECKING:
    from app.demo.catalogue import Builder

S = ListingStatus
WAN = 10_000
DEMAND_TARGET = 150
ANGLED_DEMANDS = 22  # demands for a topic's test method, production equipment …

Spec = tuple[Sector, Topic, str, Angle | None]

# Title shapes per voice; "dev mat|…" suits those topic forms only (see ``fitting``).
TITLES: dict[str, tuple[str, ...]] = {
    "formal": (
        "{s}技术开发",
        "关于{s}的技术合作需求",
        "{s}项目技术攻关",
        "mat dev drug kit food|{s}产业化技术引进",
    ),
    "sections": ("{s}", "proc mat food|{s}工艺改进", "寻求{s}技术", "{s}合作开发"),
    "plain": ("求{s}技术", "找做{s}的团队", "{s}", "{s}技术咨询"),
    "engineer": (
        "{s}开发",
        "{s}方案设计与验证",
        "dev mat kit|{s}样件开发",
        "dev sys proc sw|{s}性能提升",
    ),
    "brief": ("{s}", "招募{s}合作伙伴", "{s}联合开发", "sw plat sys|{s}外包开发"),
    "problem": (
        "{s}难题求解",
        "proc mat food drug|{s}工艺问题攻关",
        "解决{s}中的技术难题",
        "dev mat kit|{s}国产化替代",
    ),
}

TRIED: dict[str, tuple[str, ...]] = {
    "formal": (
        "前期{me}曾组织技术人员开展攻关，但受试验条件限制，未取得实质性进展。",
        "目前同类产品主要依赖进口，采购周期长、价格高，且售后技术服务不及时。",
        "",
    ),
    "sections": (
        "{me}已对工艺参数做过多轮调整，改善幅度有限。",
        "曾试用两家国内供应商的方案，稳定性均达不到要求。",
        "",
    ),
    "plain": (
        "我们自己的技术员琢磨过一阵，也请外地的师傅来看过，效果都不理想。",
        "买过现成的设备和配方，用起来跟我们的原料不太对路。",
        "这方面我们没有专门的技术人员，只能找外面帮忙。",
    ),
    "engineer": (
        "已做工作：完成了问题复现和失效分析，初步判断主要原因在设计和工艺两方面。",
        "已做工作：对标了两家国外供应商的方案，性能可以满足，但成本高出约40%。",
        "已做工作：内部完成了方案预研，缺少关键算法和试验验证能力。",
    ),
    "brief": (
        "试过开源方案，离量产要求差得比较远。",
        "团队在这块没有积累，不想从零开始。",
        "",
    ),
    "problem": (
        "先后更换过原材料批次和调整过设备参数，问题仍反复出现。",
        "委托外部检测机构做过分析，只给出了现象描述，没有解决方案。",
        "目前靠增加人工检验和返修来维持交付，成本压力很大。",
    ),
}

REASONS = (
    "下游客户对产品提出了更高要求",
    "公司计划明年新上一条生产线",
    "新产品开发进入样机阶段",
    "现有产品面临升级换代",
    "近两年客户投诉集中在这一问题上",
    "公司未来三年的技术规划把它列为重点",
)

DELIVERABLES = (
    "提供样件及第三方检测报告",
    "交付完整的工艺文件和技术资料，并培训我方技术人员",
    "完成在现有产线上的导入验证",
    "提交技术方案和阶段性研究报告",
    "交付可运行的样机或软件及使用说明",
)


@dataclass(frozen=True)
class Facts:
    """What one demand says, before a voice words it."""

    who: Enterprise
    subject: str
    pain: str
    context: str
    background: str
    reason: str
    tried: str
    targets: list[str]
    deliverable: str
    expectation: str
    modes: str
    low: int | None
    high: int | None
    deadline: date | None


@dataclass(frozen=True)
class Written:
    summary: str
    problem: str
    indicators: str
    description: str


def _budget(f: Facts, unset: str, upper: str, span: str) -> str:
    if f.high is None:
        return unset
    if f.low is None:
        return upper.format(high=f.high)
    return span.format(low=f.low, high=f.high)


def _when(f: Facts, dated: str, open_ended: str) -> str:
    day = f.deadline
    if day is None:
        return open_ended
    return dated.format(y=day.year, m=day.month, d=day.day)


def _formal(rng: random.Random, f: Facts) -> Written:
    me = f.who.short
    budget = _budget(
        f, "经费预算面议", "经费预算不超过{high}万元", "项目经费预算{low}万～{high}万元"
    )
    when = _when(f, "拟于{y}年{m}月{d}日前确定合作单位。", "本需求长期有效。")
    plan = rng.choice(("“十五五”技术改造规划", "年度技术创新计划", "新产品开发计划"))
    summary = rng.choice(
        (
            f"{me}拟就{f.subject}开展对外技术合作。{sentence(f.pain)}现公开征集合作单位，合作方式为{f.modes}。",
            f"为解决{f.pain}的问题，{me}面向社会征集{f.subject}技术，拟采用{f.modes}方式合作，{budget}。",
            f"{f.subject}列入{me}{plan}。{sentence(f.pain)}{budget}，{when}",
            f"鉴于{f.reason}，{me}需在{f.subject}方面实现突破，重点指标为{f.targets[0]}。",
        )
    )
    indicators = numbered([*f.targets, f.deliverable], "（1）")
    chapter_two = rng.choice(("二、需求背景及存在的问题", "二、技术需求内容"))
    parts = [
        f"一、企业基本情况\n{sentence(f.context)}",
        f"{chapter_two}\n{f.background}{sentence(f.pain)}{f.tried}",
        f"三、主要技术指标\n{indicators}",
        f"四、合作方式及经费\n拟采用{f.modes}方式，{budget}。{when}",
    ]
    if rng.random() < 0.7:
        parts.append(f"五、对合作单位的要求\n{sentence(f.expectation)}")
    return Written(summary, sentence(f.pain) + f.tried, indicators, "\n\n".join(parts))


def _sections(rng: random.Random, f: Facts) -> Written:
    me = f.who.short
    budget = _budget(f, "预算面议", "预算上限{high}万元", "预算{low}万～{high}万元")
    when = _when(f, "希望{y}年{m}月前确定合作方。", "需求长期有效。")
    summary = rng.choice(
        (
            f"{sentence(f.pain)}{me}希望在{f.subject}方面与高校院所合作，要求{f.targets[0]}。",
            f"征集{f.subject}技术：{'，'.join(f.targets[:2])}；合作方式{f.modes}。",
            f"因{f.reason}，{me}需要引进{f.subject}相关技术，{budget}。",
            f"{me}现就{f.subject}征求技术方案。{sentence(f.pain)}",
        )
    )
    indicators = numbered(f.targets, "1.")
    description = "\n\n".join(
        [
            f"【企业简介】\n{sentence(f.context)}",
            f"【现状与问题】\n{sentence(f.pain)}{f.tried}",
            f"【技术指标】\n{indicators}",
            f"【合作方式】\n{f.modes}。{budget}，{when}",
            f"【其他要求】\n{sentence(f.expectation)}{sentence(f.deliverable)}",
        ]
    )
    return Written(summary, sentence(f.pain) + f.tried, indicators, description)


def _plain(rng: random.Random, f: Facts) -> Written:
    budget = _budget(
        f, "费用可以当面谈", "费用{high}万以内都好商量", "费用大概能拿出{low}万到{high}万"
    )
    when = _when(f, "最好{y}年{m}月之前能定下来。", "时间上不着急。")
    summary = rng.choice(
        (
            f"{f.context}。现在碰到的问题是{f.pain}，想找能解决这个问题的老师或团队。",
            f"我们想上{f.subject}，但{f.pain}，自己解决不了，希望有成熟技术的单位联系我们。",
            f"求{f.subject}技术。{sentence(f.pain)}{budget}，{f.modes}都可以。",
            f"{f.reason}，我们急需{f.subject}方面的技术。主要是{f.pain}。",
        )
    )
    indicators = numbered(f.targets, "1.")
    description = "\n\n".join(
        [
            f"{f.context}。{f.reason}，所以想在{f.subject}上找外面的技术力量帮一把。",
            f"现在的情况是：{sentence(f.pain)}{f.tried}",
            f"希望做到：{'，'.join(f.targets)}。{sentence(f.deliverable)}",
            f"合作可以是{f.modes}，别的方式也能商量，{budget}。{sentence(f.expectation)}{when}",
        ]
    )
    return Written(summary, sentence(f.pain) + f.tried, indicators, description)


def _engineer(rng: random.Random, f: Facts) -> Written:
    budget = _budget(f, "预算：待方案评估后确定", "预算：≤{high}万元", "预算：{low}–{high}万元")
    when = _when(f, "节点：{y}年{m}月{d}日前完成方案评审", "节点：不限")
    second = f"，{f.targets[1]}" if len(f.targets) > 1 else ""
    summary = rng.choice(
        (
            f"{f.subject}：{f.pain}。指标要求：{f.targets[0]}{second}。",
            f"针对{f.pain}的问题，技术中心计划开展{f.subject}开发，寻求{f.modes}合作伙伴。",
            f"{f.reason}，需要{f.subject}方案，要求{f.targets[0]}。",
            f"现状：{f.pain}。需求：{f.subject}，{f.modes}。",
        )
    )
    indicators = numbered([*f.targets, f.deliverable], "1)")
    description = "\n\n".join(
        [
            f"背景：\n{f.background}{sentence(f.context)}",
            f"现状：\n{sentence(f.pain)}{f.tried}",
            f"目标：\n{indicators}",
            f"边界条件：\n{sentence(f.expectation)}",
            f"合作与预算：\n{f.modes}；{budget}；{when}。",
        ]
    )
    return Written(summary, sentence(f.pain) + f.tried, indicators, description)


def _brief(rng: random.Random, f: Facts) -> Written:
    budget = _budget(f, "预算看方案", "预算{high}万以内", "预算{low}-{high}万")
    when = _when(f, "{y}年{m}月前想看到原型。", "不设截止时间。")
    summary = rng.choice(
        (
            f"一句话需求：{f.subject}，{f.targets[0]}。",
            f"我们在找{f.subject}方向的合作伙伴。{sentence(f.pain)}",
            f"{sentence(f.pain)}想找团队一起把{f.subject}做出来，{budget}。",
            f"{f.subject}，{f.modes}，{budget}。痛点：{f.pain}。",
        )
    )
    indicators = numbered(f.targets, "·")
    description = "\n\n".join(
        [
            sentence(f.context),
            f"遇到的问题：{sentence(f.pain)}{f.tried}",
            f"我们需要：\n{indicators}",
            f"怎么合作：{f.modes}。{budget}，{when}{sentence(f.expectation)}",
        ]
    )
    return Written(summary, sentence(f.pain) + f.tried, indicators, description)


def _problem(rng: random.Random, f: Facts) -> Written:
    me = f.who.short
    budget = _budget(f, "费用根据方案商定", "费用不超过{high}万元", "费用预算{low}万至{high}万元")
    when = _when(f, "请于{y}年{m}月{d}日前联系。", "长期征集。")
    summary = rng.choice(
        (
            f"问题：{f.pain}。期望：{f.targets[0]}。",
            f"{me}在生产中遇到{f.pain}的问题，现寻求{f.subject}方面的技术支持。",
            f"寻求{f.subject}解决方案，合作方式为{f.modes}，{budget}。",
            f"{f.pain}，这是{me}当前最突出的技术问题，希望通过{f.modes}加以解决。",
        )
    )
    indicators = numbered([*f.targets, f.deliverable], "（1）")
    description = "\n\n".join(
        [
            f"问题描述\n{f.background}{sentence(f.pain)}",
            f"已做工作\n{f.tried or '尚未采取系统性的解决措施。'}",
            f"解决标准\n{indicators}",
            f"企业情况\n{sentence(f.context)}",
            f"合作与费用\n{f.modes}，{budget}。{when}{sentence(f.expectation)}",
        ]
    )
    return Written(summary, sentence(f.pain) + f.tried, indicators, description)


VOICES: dict[str, Callable[[random.Random, Facts], Written]] = {
    "formal": _formal,
    "sections": _sections,
    "plain": _plain,
    "engineer": _engineer,
    "brief": _brief,
    "problem": _problem,
}


ROUND_WAN = (5, 10, 15, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800)


def _round_wan(amount: float) -> int:
    """The round figure (in 万元) a company would write nearest to ``amount``."""
    return min(ROUND_WAN, key=lambda figure: abs(figure - amount))


def _tidy(text: str) -> str:
    """Undo the doubled words a subject ending in "技术" leaves in a sentence shape."""
    return text.replace("技术技术", "技术").replace("技术方面的技术", "技术")


class DemandWriter:
    """Builds the demo demands with the catalogue builder's generator, names and dates."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.rng = builder.rng

    def specs(self) -> list[Spec]:
        """Demands on topics an enterprise would ask about, plus some asking for a topic's
        test method or production equipment; each goes to the least busy of its askers."""
        rng = self.rng
        holders = self.builder.holders
        plain: list[tuple[Sector, Topic, list[str], Angle | None]] = []
        angled: list[tuple[Sector, Topic, list[str], Angle | None]] = []
        for sector in SECTORS:
            for topic in sector.topics:
                usual = sector.askers if topic.ask is None else tuple(topic.ask.split())
                naming = [e.key for e in BY_KEY.values() if topic.name in e.topics]
                askers = [
                    key
                    for key in dict.fromkeys([*usual, *naming])
                    if key in holders and key in BY_KEY
                ]
                if not askers:
                    continue
                plain.append((sector, topic, askers, None))
                angles = [a for a in DEMAND_ANGLES if topic.form in a.forms]
                if angles:
                    angled.append((sector, topic, askers, rng.choice(angles)))
        chosen = rng.sample(plain, min(len(plain), DEMAND_TARGET - ANGLED_DEMANDS))
        chosen += rng.sample(angled, min(len(angled), DEMAND_TARGET - len(chosen)))
        load: Counter[str] = Counter()
        specs: list[Spec] = []
        for sector, topic, askers, angle in chosen:
            fewest = min(load[key] for key in askers)
            key = rng.choice([k for k in askers if load[k] == fewest])
            load[key] += 1
            specs.append((sector, topic, key, angle))
        return specs

    def demand(
        self,
        sector: Sector,
        topic: Topic,
        key: str,
        angle: Angle | None,
        state: tuple[ListingStatus, bool],
    ) -> Demand | None:
        rng, builder = self.rng, self.builder
        who, holder = BY_KEY[key], builder.holders[key]
        if angle is None:
            subject, pain, effect = topic.name, topic.problem, topic.effect
            extra: tuple[str, ...] = ()
        else:
            subject = angle.title.format(n=topic.name)
            pain = angle.problem.format(n=topic.name)
            effect = angle.effect.format(a=rng.randint(*angle.a), b=rng.randint(*angle.b))
            extra = angle.keywords
        shapes = fitting(TITLES[who.voice], topic.form)
        rng.shuffle(shapes)
        candidates = [s.format(s=subject) for s in shapes]
        candidates = [_tidy(c) for c in candidates]
        title = builder.unique_title([*candidates, f"{subject}技术需求（{who.name[2:6]}）"])
        if title is None:
            return None
        modes = self.cooperation_modes(who)
        low, high = self.budget(who)
        deadline = self.deadline(state[0])
        pool = fitting(sector.indicators, topic.form)
        targets = [*effect.split("，"), *rng.sample(pool, min(len(pool), rng.randint(1, 2)))]
        facts = Facts(
            who=who,
            subject=subject,
            pain=pain,
            context=rng.choice(who.context),
            background=rng.choice(sector.background) if rng.random() < 0.6 else "",
            reason=rng.choice(REASONS),
            tried=rng.choice(TRIED[who.voice]).format(me=who.short),
            targets=targets,
            deliverable=rng.choice(DELIVERABLES),
            expectation=rng.choice(who.expectations),
            modes=join_words([TransferMode(m).label for m in modes]),
            low=None if low is None else int(low / WAN),
            high=None if high is None else int(high / WAN),
            deadline=deadline,
        )
        written = Written(*(_tidy(text) for text in astuple(VOICES[who.voice](rng, facts))))
        confidential: list[str] = []
        if rng.random() < 0.12:
            confidential = rng.choice((["indicators"], ["problem"], ["indicators", "description"]))
        listing = Demand(
            title=title,
            summary=written.summary,
            description=written.description,
            field_code=topic.field,
            industry_code=topic.industry or sector.industry,
            keywords=builder.keywords(topic, extra),
            region_code=holder.org.region_code,
            org_id=holder.org.id,
            owner_id=holder.owner.id,
            confidential=confidential,
            problem=written.problem,
            indicators=written.indicators,
            budget_min=low,
            budget_max=high,
            deadline=deadline,
            cooperation_modes=modes,
            **builder.contact(holder),
        )
        builder.lifecycle(listing, state[0], "demand", state[1])
        return listing

    def cooperation_modes(self, who: Enterprise) -> list[str]:
        rng = self.rng
        weights = [4, 2, 1][: len(who.modes)]
        chosen: list[str] = []
        for _ in range(rng.choice((1, 1, 2))):
            mode = rng.choices(who.modes, weights)[0]
            if mode not in chosen:
                chosen.append(mode)
        order = [m.value for m in TransferMode]
        return sorted(chosen, key=order.index)

    def budget(self, who: Enterprise) -> tuple[Decimal | None, Decimal | None]:
        rng = self.rng
        if rng.random() < 0.3:
            return None, None
        base = rng.choice((20, 30, 50, 50, 80, 100, 100, 150, 200, 300, 500))
        high = _round_wan(base * who.budget)
        if rng.random() < 0.25:
            return None, Decimal(high * WAN)
        low = _round_wan(high * rng.choice((0.3, 0.5, 0.6)))
        return Decimal(low * WAN), Decimal(high * WAN)

    def deadline(self, status: ListingStatus) -> date | None:
        rng, today = self.rng, self.builder.today
        if rng.random() < 0.15:
            return None
        if status in (S.EXPIRED, S.CLOSED):
            return month_end(today - timedelta(days=rng.randint(20, 200)))
        day = month_end(today + timedelta(days=rng.randint(30, 300)))
        return day if rng.random() < 0.7 else day.replace(day=15)
