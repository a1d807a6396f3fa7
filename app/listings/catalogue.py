"""The open-data catalogue of published listings: its columns (the data dictionary) and rows.

Only what every visitor sees of a listing goes in (no contacts, no detail sections).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.clock import local_date
from app.core.regions import region_name
from app.listings import repository
from app.models import Achievement, Challenge, Demand, Listing
from app.taxonomy import service as taxonomy

#: key, column header, whether it is an amount in yuan, meaning (the data dictionary page).
DICTIONARY: list[tuple[str, str, bool, str]] = [
    ("id", "编号", False, "信息编号，页面地址为 /achievements|demands|challenges/{id}"),
    ("kind", "类别代码", False, "achievement 科技成果、demand 技术需求、challenge 揭榜挂帅榜单"),
    ("kind_label", "类别", False, "类别名称"),
    ("title", "名称", False, "成果、需求或榜单的名称"),
    ("summary", "摘要", False, "公开摘要"),
    ("field_code", "技术领域代码", False, "技术领域分类代码"),
    ("field_name", "技术领域", False, "技术领域名称"),
    ("keywords", "关键词", False, "多个以“、”分隔"),
    ("org_name", "发布机构", False, "发布该信息的机构"),
    ("region_code", "区县代码", False, "所在区县的行政区划代码"),
    ("region_name", "区县", False, "所在区县名称"),
    ("maturity", "成熟度", False, "科技成果的成熟度阶段；需求和榜单为空"),
    ("price", "转让参考价（元）", True, "科技成果的参考价格，空表示面议或不适用"),
    ("budget_max", "需求预算上限（元）", True, "技术需求的预算上限，空表示面议或不适用"),
    ("reward", "榜单奖金（元）", True, "揭榜挂帅榜单的奖金"),
    ("deadline", "截止日期", False, "需求的截止日期或榜单的揭榜截止日期"),
    ("published_at", "发布日期", False, "审核通过发布的日期（北京时间）"),
]


def _row(listing: Listing, fields: dict[str, str]) -> list[object]:
    price: Decimal | None = None
    budget: Decimal | None = None
    reward: Decimal | None = None
    deadline: object = ""
    maturity = ""
    if isinstance(listing, Achievement):
        price = listing.price
        maturity = listing.maturity.label if listing.maturity else ""
    elif isinstance(listing, Demand):
        budget = listing.budget_max
        deadline = listing.deadline or ""
    elif isinstance(listing, Challenge):
        reward = listing.reward
        deadline = listing.application_deadline
    values: dict[str, object] = {
        "id": listing.id,
        "kind": listing.kind.value,
        "kind_label": listing.kind.label,
        "title": listing.title,
        "summary": listing.summary,
        "field_code": listing.field_code or "",
        "field_name": fields.get(listing.field_code or "", ""),
        "keywords": "、".join(listing.keywords or []),
        "org_name": listing.org.name,
        "region_code": listing.region_code,
        "region_name": region_name(listing.region_code),
        "maturity": maturity,
        "price": price,
        "budget_max": budget,
        "reward": reward,
        "deadline": deadline,
        "published_at": local_date(listing.published_at) if listing.published_at else "",
    }
    return [values[key] for key, _h, _m, _d in DICTIONARY]


def rows(session: Session) -> list[list[object]]:
    """Every published listing, newest first, in the dictionary's column order."""
    fields = taxonomy.names(session, "field")
    return [_row(listing, fields) for listing in session.scalars(repository.published())]
