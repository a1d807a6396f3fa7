"""The demo catalogue: a few hundred achievements and demands and a dozen challenges.

Built deterministically (one seeded random generator) from the hand-written topics in
``app.demo.data``: each topic gives an achievement from a university, institute or new R&D
institution, many give a second one (a test method, a manufacturing process …) and a demand
from the enterprise that would need it (written in that enterprise's voice by
``app.demo.demands``). Dates are relative to the day of seeding, so the
catalogue always looks current: most listings published over the past year, some about to
expire, a few waiting for review, returned, expired or closed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.indexing import index_later
from app.demo import achievement_text
from app.demo.achievement_text import WAN
from app.demo.data.angles import ANGLES, Angle
from app.demo.data.challenges import CHALLENGES, ChallengeText
from app.demo.data.enterprises import BY_KEY as ENTERPRISES
from app.demo.data.topics import FIT_HOLDERS, SECTORS, Sector, Topic
from app.demo.data.wording import (
    ACHIEVEMENT_TITLES,
    CLOSE_REASONS,
    GIVEN,
    PILOT_STATUS,
    PRICE_WAN,
    RETURN_REASONS,
    SUMMARY_OPENINGS,
    SURNAMES,
    TEAM_TITLE,
    TRL,
)
from app.demo.demands import DemandWriter
from app.demo.text import fitting, join_words, month_end, numbered, sentence
from app.models import Achievement, Challenge, Listing, Organization, User
from app.models.enums import (
    ListingStatus,
    MaturityStage,
    OrgRole,
    OrgType,
)

S = ListingStatus
SEED = 2026

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
    **{e.key: e.name for e in ENTERPRISES.values()},
}

# How many listings of each kind end in each state (the rest are published).
ACHIEVEMENT_STATES = {S.DRAFT: 12, S.SUBMITTED: 14, S.RETURNED: 10, S.EXPIRED: 10, S.CLOSED: 8}
DEMAND_STATES = {S.DRAFT: 6, S.SUBMITTED: 8, S.RETURNED: 6, S.EXPIRED: 5, S.CLOSED: 5}
ACHIEVEMENT_SECOND_VERSIONS = 133  # topics that get a second achievement (about 300 in all)
EXPIRING_SOON = {"achievement": 10, "demand": 6}


# -- helpers ----------------------------------------------------------------------------------


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
        text = pattern.format(all=join_words(picked), first=picked[0], rest=join_words(picked[1:]))
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

    def pick_holder(self, sector: Sector, topic: Topic) -> Holder:
        # Earlier holders are the sector's main players; enterprises publish the odd one.
        # An organisation without an administrator among the demo users holds nothing.
        fit = FIT_HOLDERS.get(topic.name, sector.holders)
        keys = [k for k in fit if k in self.holders]
        weights = [
            1 if self.holders[k].org.org_type == OrgType.ENTERPRISE else len(keys) - i + 1
            for i, k in enumerate(keys)
        ]
        return self.holders[self.rng.choices(keys, weights)[0]]

    def achievement(
        self, sector: Sector, topic: Topic, angle: Angle | None, state: tuple[ListingStatus, bool]
    ) -> Achievement | None:
        rng = self.rng
        holder = self.pick_holder(sector, topic)
        # Titles draw from a generator of their own, so rewording any text leaves them (and the
        # matching evaluation set that names them) as they are.
        naming = random.Random(f"{SEED}|{topic.name}|{angle.title if angle else ''}")
        if angle is None:
            patterns = list(ACHIEVEMENT_TITLES[topic.form])
            first = patterns[0] if naming.random() < 0.45 else naming.choice(patterns[1:])
            title = self.unique_title([p.format(n=topic.name) for p in [first, *patterns]])
            problem, method = topic.problem, topic.method
            effect = topic.effect
            extra: tuple[str, ...] = ()
        else:
            shapes = [angle.title, *angle.titles]
            naming.shuffle(shapes)
            title = self.unique_title([t.format(n=topic.name) for t in shapes])
            a = rng.randint(*angle.a)
            b = rng.randint(*angle.b)
            problem = angle.problem.format(n=topic.name)
            method = rng.choice(angle.methods)
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
            scenario=join_words(scenarios[:2]),
            advantage=advantages_pool[0],
        )
        pilot = rng.choice(PILOT_STATUS[maturity]).format(n=rng.randint(3, 30), m=rng.randint(1, 9))
        if angle is None and rng.random() < 0.5:
            summary += pilot
        if rng.random() < 0.5:
            advantages = "与现有主流方案相比：\n" + numbered([effect, *advantages_pool])
        else:
            advantages = f"{sentence(effect)}{advantages_pool[0]}；{sentence(advantages_pool[1])}"

        price: Decimal | None = None
        if rng.random() > 0.38:
            low, high = PRICE_WAN[maturity]
            step = 5 if high <= 200 else 10
            price = Decimal(rng.randrange(low, high + 1, step) * WAN)

        modes = achievement_text.transfer_modes(self.rng, maturity, holder)
        ip_items = achievement_text.ip_items(self.rng, topic, angle, maturity)
        economic = achievement_text.benefit(self.rng, topic.form, maturity)
        pool = fitting(sector.indicators, topic.form)
        indicators = [*effect.split("，"), *rng.sample(pool, min(len(pool), rng.randint(1, 2)))]
        description = achievement_text.achievement_description(
            self.rng,
            holder,
            sector,
            problem,
            method,
            indicators,
            pilot,
            modes,
            price,
            scenario_text,
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

    def challenge(self, text: ChallengeText, status: ListingStatus) -> Challenge:
        rng = self.rng
        holder = self.holders[text.holder]
        reward = Decimal(text.reward_wan * WAN)
        if status == S.CLOSED:
            deadline = self.today - timedelta(days=rng.randint(30, 90))
        else:
            deadline = month_end(self.today + timedelta(days=rng.randint(25, 80)))
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
            indicators=numbered(text.indicators),
            reward=reward,
            requirements=numbered(text.requirements),
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
        writer = DemandWriter(self)
        demand_specs = writer.specs()
        states = self.states(len(demand_specs), DEMAND_STATES, "demand")
        for (sector, topic, asker, angle), state in zip(demand_specs, states, strict=True):
            demand = writer.demand(sector, topic, asker, angle, state)
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
                demand = writer.demand(sector, topic, "bf", None, (S.DRAFT, False))
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
