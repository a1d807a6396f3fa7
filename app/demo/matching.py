"""Demo data of matching: expert profiles, the broker's service fields, broker proposals in
every pipeline stage and a saved subscription. Idempotent; called from ``app.demo.seed``.

Pairs are chosen from the seeded catalogue by shared keywords and field (the search index
is built later, by the worker), and their reasons come from the ranker's structured fit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.accounts import service as account_service
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.regions import REGIONS
from app.matching import ranker
from app.models import (
    Achievement,
    Demand,
    ExpertProfile,
    Listing,
    MatchPipeline,
    Subscription,
    User,
)
from app.models.enums import ListingStatus, PipelineStage, ResourceStatus, Role
from app.taxonomy import service as taxonomy

ACTOR = Actor(label="演示数据")
PASSWORD = "Demo12345"

# email, name, title, institution, fields, keywords, bio, region (孙立华 exists already)
EXPERTS: list[tuple[str, str, str, str, list[str], list[str], str, str]] = [
    (
        "expert@demo.kechuang.cn",
        "孙立华",
        "教授、博士生导师",
        "长春理工大学光电工程学院",
        ["F1101", "F1102", "F1103"],
        ["光学设计", "精密光学加工", "激光加工", "激光雷达", "红外成像", "光电检测"],
        "长期从事光学系统设计与先进光学制造研究，主持国家重点研发计划课题3项，为本地光电企业提供过多项镜头和激光装备技术咨询。",
        "220104",
    ),
    (
        "expert.auto@demo.kechuang.cn",
        "周明轩",
        "研究员",
        "吉林大学汽车仿真与控制国家重点实验室",
        ["F0502", "F0503", "F0504"],
        ["电驱动系统", "动力电池", "热管理", "线控底盘", "自动驾驶", "车身轻量化"],
        "研究方向为新能源汽车动力系统与智能底盘控制，参与多款自主品牌车型电驱和底盘开发。",
        "220104",
    ),
    (
        "expert.materials@demo.kechuang.cn",
        "王振华",
        "研究员",
        "中国科学院长春应用化学研究所",
        ["F0302", "F0305", "F0301"],
        ["高分子材料", "聚酰亚胺", "稀土催化", "特种工程塑料", "涂层", "催化剂"],
        "从事高性能高分子材料合成与加工研究，多项成果在省内化工企业完成中试放大。",
        "220105",
    ),
    (
        "expert.bio@demo.kechuang.cn",
        "赵婉清",
        "教授",
        "长春中医药大学",
        ["F0401", "F0402"],
        ["人参皂苷", "中药质量控制", "生物转化", "多肽", "体外诊断", "医疗器械评价"],
        "研究长白山道地药材的活性成分与质量控制，擅长从实验室工艺到GMP车间的放大评估。",
        "220102",
    ),
    (
        "expert.agri@demo.kechuang.cn",
        "刘雅静",
        "教授",
        "吉林农业大学",
        ["F1001", "F1002", "F0403", "F0703"],
        ["玉米深加工", "农产品保鲜", "秸秆还田", "畜禽粪污", "精准农业", "功能食品"],
        "从事东北粮食作物加工与农业废弃物资源化研究，为多家农产品加工企业提供技术服务。",
        "220102",
    ),
]
BROKER_FIELDS = ["F05", "F11", "F03", "F04"]

# Proposed pairs by stage (index into the best pairs found), with the note and history.
STAGES: list[tuple[PipelineStage, str, str]] = [
    (PipelineStage.PROPOSED, "成果已完成中试，报价在企业预算范围内，建议双方尽快沟通。", ""),
    (PipelineStage.PROPOSED, "技术指标与需求高度吻合，可先安排技术交流。", "demand"),
    (PipelineStage.CONFIRMED, "双方均有合作意向，拟安排实地考察。", ""),
    (PipelineStage.NEGOTIATING, "已组织两轮技术洽谈，正在商谈许可费用和付款方式。", ""),
    (PipelineStage.SIGNED, "已签订技术许可合同，待技术合同认定登记。", ""),
    (PipelineStage.CLOSED, "企业年度预算调整，合作暂缓。", ""),
]


def _words(listing: Listing) -> set[str]:
    return {k for k in listing.keywords or []} | {listing.field_code or ""}


def _pairs(session: Session, count: int) -> list[tuple[Demand, Achievement, int]]:
    """Demands with the achievement of another organisation sharing most keywords."""
    load = [selectinload(Listing.org)]
    demands = list(
        session.scalars(
            select(Demand)
            .where(Demand.status == ListingStatus.PUBLISHED)
            .options(*load)
            .order_by(Demand.id)
        )
    )
    achievements = list(
        session.scalars(
            select(Achievement)
            .where(Achievement.status == ListingStatus.PUBLISHED)
            .options(*load)
            .order_by(Achievement.id)
        )
    )
    best: list[tuple[Demand, Achievement, int]] = []
    for demand in demands:
        wanted = set(demand.keywords or [])
        scored = [
            (len(wanted & set(a.keywords or [])), a)
            for a in achievements
            if a.org_id != demand.org_id and a.field_code == demand.field_code
        ]
        scored = [(n, a) for n, a in scored if n >= 2]
        if scored:
            n, achievement = max(scored, key=lambda x: (x[0], -x[1].id))
            best.append((demand, achievement, n))
    best.sort(key=lambda x: (-x[2], x[0].id))
    chosen: list[tuple[Demand, Achievement, int]] = []
    used: set[int] = set()
    for demand, achievement, n in best:
        if demand.id in used or achievement.id in used:
            continue
        used |= {demand.id, achievement.id}
        chosen.append((demand, achievement, n))
        if len(chosen) == count:
            break
    return chosen


def seed_matching(session: Session, progress: Callable[[str], object] = lambda _m: None) -> bool:
    """Expert profiles, the broker's fields, proposals in each stage, a subscription."""
    if session.scalar(select(ExpertProfile.id).limit(1)) is not None:
        return False
    users = {u.email: u for u in session.scalars(select(User)).unique()}
    for email, name, title, institution, fields, keywords, bio, region in EXPERTS:
        user = users.get(email)
        if user is None:
            user = account_service.create_user(
                session,
                ACTOR,
                email=email,
                name=name,
                password=PASSWORD,
                role=Role.EXPERT,
                region_code=None,
            )
            users[email] = user
        profile = ExpertProfile(
            user_id=user.id,
            title=title,
            institution=institution,
            field_codes=fields,
            keywords=keywords,
            bio=bio,
            region_code=region,
            status=ResourceStatus.PUBLISHED,  # reviewed entries of the expert directory
        )
        profile.user = user
        session.add(profile)
    broker = users.get("broker@demo.kechuang.cn")
    if broker is not None:
        profile = ExpertProfile(
            user_id=broker.id,
            title="高级技术经纪人",
            institution="长春科技成果转化服务中心",
            field_codes=BROKER_FIELDS,
            keywords=["技术转移", "成果评价", "技术合同"],
            bio="从事技术转移服务八年，促成技术合同四十余项。",
        )
        profile.user = broker
        session.add(profile)
    session.flush()
    progress(f"专家档案 {len(EXPERTS)} 份，经纪人服务领域 1 份")

    if broker is not None:
        field_names = {
            t.code: t.name for t in taxonomy.terms(session, "field", include_inactive=True)
        }
        parents = {
            t.code: t.parent_code or t.code
            for t in taxonomy.terms(session, "field", include_inactive=True)
        }
        now = utcnow()
        pairs = _pairs(session, len(STAGES))
        for (stage, note, half), (demand, achievement, _n) in zip(STAGES, pairs, strict=False):
            fit = ranker.structured_fit(demand, achievement, field_names, parents, dict(REGIONS))
            shared = sorted(set(demand.keywords or []) & set(achievement.keywords or []))
            reasons = [f"共同关键词：{'、'.join(shared)}", *fit.reasons]
            started = now - timedelta(days=30)
            history = [
                {
                    "at": started.isoformat(),
                    "by": broker.name,
                    "stage": "proposed",
                    "what": "推荐",
                    "note": note,
                }
            ]
            entry = MatchPipeline(
                demand_listing_id=demand.id,
                supply_listing_id=achievement.id,
                demand_org_id=demand.org_id,
                supply_org_id=achievement.org_id,
                broker_id=broker.id,
                stage=stage,
                source="broker",
                score=ranker.combine(0.8, fit),
                reasons=reasons,
                note=note,
                history=history,
            )
            if half == "demand":
                entry.demand_confirmed_at = started + timedelta(days=2)
                history.append(
                    {
                        "at": entry.demand_confirmed_at.isoformat(),
                        "by": "需求方",
                        "stage": "proposed",
                        "what": "需求方确认",
                    }
                )
            if stage in (PipelineStage.CONFIRMED, PipelineStage.NEGOTIATING, PipelineStage.SIGNED):
                entry.demand_confirmed_at = entry.supply_confirmed_at = started + timedelta(days=3)
                history.append(
                    {
                        "at": entry.demand_confirmed_at.isoformat(),
                        "by": "供需双方",
                        "stage": "confirmed",
                        "what": "双方确认",
                    }
                )
            if stage in (PipelineStage.NEGOTIATING, PipelineStage.SIGNED):
                history.append(
                    {
                        "at": (started + timedelta(days=10)).isoformat(),
                        "by": broker.name,
                        "stage": "negotiating",
                        "what": "进入洽谈",
                    }
                )
            if stage == PipelineStage.SIGNED:
                history.append(
                    {
                        "at": (started + timedelta(days=25)).isoformat(),
                        "by": broker.name,
                        "stage": "signed",
                        "what": "签约",
                    }
                )
            if stage == PipelineStage.CLOSED:
                entry.close_reason = note
                history.append(
                    {
                        "at": (started + timedelta(days=8)).isoformat(),
                        "by": broker.name,
                        "stage": "closed",
                        "what": "关闭",
                        "note": note,
                    }
                )
            entry.history = history
            session.add(entry)
        progress(f"经纪人对接 {min(len(STAGES), len(pairs))} 项")

    buyer = users.get("qimingxing@demo.kechuang.cn")
    if buyer is not None:
        session.add(
            Subscription(
                user_id=buyer.id,
                name="激光雷达与毫米波雷达",
                query="激光雷达 毫米波雷达",
                kinds=["achievement"],
                checked_at=utcnow(),
            )
        )
    session.flush()
    return True
