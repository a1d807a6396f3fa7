"""The catalogue of 事项 shipped with the platform, each with its 办事指南 as data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ServiceItem
from app.models.enums import CaseStatus

VOUCHER = "innovation_voucher"
GENERAL = "general"

ASK = "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言"

WINDOW = "市科技局政务服务窗口"


def _guide(
    conditions: list[str],
    materials: list[tuple[str, str]],
    office: str,
    last: tuple[str, int],
    review_days: int = 5,
) -> dict[str, Any]:
    """A guide whose steps are 形式审查 and 受理 at the window, then 审核 and the last step at
    ``office``; the days are each step's legal time limit."""
    return {
        "conditions": conditions,
        "materials": [{"name": name, "types": types} for name, types in materials],
        "steps": [
            {
                "name": "形式审查",
                "status": CaseStatus.SUBMITTED.value,
                "department": WINDOW,
                "days": 2,
            },
            {
                "name": "受理",
                "status": CaseStatus.FORMAL_REVIEW.value,
                "department": WINDOW,
                "days": 3,
            },
            {
                "name": "审核",
                "status": CaseStatus.ACCEPTED.value,
                "department": office,
                "days": review_days,
            },
            {
                "name": last[0],
                "status": CaseStatus.PROCESSING.value,
                "department": office,
                "days": last[1],
            },
        ],
        "fees": "不收费",
        "contact": ASK,
        "visits": 0,
    }


_VOUCHER_GUIDE = _guide(
    [
        "在长春市注册、具有独立法人资格的企业",
        "经认定的高新技术企业或入库的科技型中小企业（以平台机构资质为准，并在有效期内）",
        "购买的服务与企业科技创新活动直接相关：研究开发、检验检测、科技评估评价、科技咨询或综合科技服务",
    ],
    [
        ("创新券申领表（加盖公章）", "PDF"),
        ("高新技术企业证书或科技型中小企业入库登记编号", "PDF、JPG、PNG"),
        ("拟购买科技服务的说明", "PDF、DOCX"),
    ],
    "市科技局成果转化处",
    ("核定额度", 10),
)

_HIGH_TECH_GUIDE = _guide(
    ["当年通过高新技术企业认定的长春市企业"],
    [("高新技术企业证书", "PDF、JPG、PNG"), ("认定补贴申请表（加盖公章）", "PDF")],
    "市科技局高新技术处",
    ("办结", 10),
    review_days=10,
)

CATALOGUE: list[dict[str, Any]] = [
    {
        "code": "KJCXQ",
        "kind": VOUCHER,
        "title": "科技创新券申领",
        "item_no": 23,
        "department": "市科技局成果转化处",
        "summary": "每年投放3000万元科技创新券，支持高新技术企业、科技型中小企业购买研究开发、检验检测、"
        "科技评估评价、科技咨询等专业科技服务和综合科技服务。",
        "guide": _VOUCHER_GUIDE,
    },
    {
        "code": "GQRDBT",
        "kind": GENERAL,
        "title": "高新技术企业认定补贴",
        "item_no": 20,
        "department": "市科技局高新技术处",
        "summary": "对通过高新技术企业认定的企业，市以创新券方式最高给予3万元认定补贴；县（市）区、开发区以后补助方式给予10万元奖励。",
        "guide": _HIGH_TECH_GUIDE,
    },
]


def ensure_catalogue(session: Session) -> list[ServiceItem]:
    """Add the shipped items that are missing; items already there are left as staff keep them."""
    known = {i.code: i for i in session.scalars(select(ServiceItem))}
    for data in CATALOGUE:
        if data["code"] not in known:
            item = ServiceItem(**data)
            session.add(item)
            known[item.code] = item
    session.flush()
    return sorted(known.values(), key=lambda i: i.item_no)


def step_for(item: ServiceItem, status: CaseStatus) -> dict[str, Any] | None:
    """The guide's step that a case entering ``status`` now waits on, with its time limit."""
    for step in item.guide.get("steps", []):
        if step.get("status") == status.value:
            return dict(step)
    return None
