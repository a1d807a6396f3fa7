"""The columns of an import or export file, their Chinese headers and formats."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import InvalidInput
from app.models.enums import (
    ListingKind,
)
from search.analysis import normalize

KINDS = (ListingKind.ACHIEVEMENT, ListingKind.DEMAND)
MAX_ROWS = 20_000
Progress = Callable[[str, int, int], None]


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        return {
            Format.CSV: "text/csv; charset=utf-8",
            Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format.JSONL: "application/x-ndjson; charset=utf-8",
        }[self]


# -- the columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the English name: JSON Lines key, also accepted as a CSV/Excel header
    header: str  # the Chinese header shown on the forms
    fmt: str
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()


_COMMON_HEAD = [
    Column("external_id", "外部编号", "文本，≤64字；来源系统中的编号，用于去重", "CG-2024-0012"),
]
_COMMON_TAIL = [
    Column(
        "keywords",
        "关键词",
        "以逗号、顿号、分号或空格分隔，最多10个，每个≤20字",
        "激光焊接、电池托盘",
    ),
    Column(
        "field",
        "技术领域",
        "分类代码或名称；可为空，平台按内容推荐领域，由发布方确认",
        "激光技术与装备",
        aliases=("领域",),
    ),
    Column("industry", "所属产业", "产业代码或名称，可为空", "汽车产业", aliases=("产业",)),
    Column(
        "region",
        "所在区域",
        "行政区划代码或名称；为空时取机构所在区域",
        "长春高新技术产业开发区",
        aliases=("区域",),
    ),
    Column("contact_name", "联系人", "文本，≤50字", "王工"),
    Column("contact_phone", "联系电话", "文本，≤30字", "0431-88888888"),
    Column("contact_email", "联系邮箱", "邮箱地址", "wang@example.cn", aliases=("邮箱",)),
    Column(
        "confidential",
        "保密部分",
        "设为保密的部分：字段英文名或中文名，以顿号分隔",
        "详细介绍、完成人",
    ),
    Column(
        "org",
        "所属机构",
        "已认证机构的全称或统一社会信用代码；平台管理员导入时必填，机构用户导入时可为空",
        "长春光电技术研究院",
        aliases=("机构", "机构名称", "统一社会信用代码"),
    ),
]

COLUMNS: dict[ListingKind, list[Column]] = {
    ListingKind.ACHIEVEMENT: [
        *_COMMON_HEAD,
        Column("title", "成果名称", "文本，4–120字", "高功率光纤激光焊接头", True, ("名称",)),
        Column(
            "summary",
            "成果简介",
            "文本，10–1000字",
            "面向电池托盘的高功率光纤激光焊接头……",
            True,
            ("简介",),
        ),
        Column("description", "详细介绍", "文本，≤20000字", "采用双光束摆动焊接……"),
        Column(
            "maturity",
            "成熟度",
            "实验室/小试/中试/产业化，或代码 lab/small_pilot/pilot/industrial",
            "中试",
        ),
        Column("trl", "技术就绪度", "整数 1–9", "6", aliases=("TRL",)),
        Column("pilot_status", "中试情况", "文本，≤200字", "已完成中试，良率98%"),
        Column(
            "transfer_modes",
            "转化方式",
            "转让/许可/作价入股/合作开发/技术服务（或代码），可多选，以顿号分隔",
            "转让、许可",
        ),
        Column(
            "price",
            "价格",
            "元；可写 50万、1.2亿、800000；“面议”或为空表示面议",
            "50万",
            aliases=("价格（元）", "转让价格"),
        ),
        Column("advantages", "技术优势", "文本，≤5000字", "焊接速度提高30%"),
        Column("economic_benefit", "预期经济效益", "文本，≤5000字", "年节约成本约200万元"),
        Column("application_scenarios", "应用场景", "文本，≤5000字", "新能源汽车电池托盘焊接"),
        Column(
            "ip_items",
            "知识产权明细",
            "每项一行或以分号分隔：[专利/软件著作权/其他：]号码 名称",
            "专利：ZL202010000000.1 一种激光焊接头",
        ),
        Column("inventors", "完成人", "以顿号分隔", "张三、李四"),
        *_COMMON_TAIL,
    ],
    ListingKind.DEMAND: [
        *_COMMON_HEAD,
        Column("title", "需求名称", "文本，4–120字", "电池托盘焊接变形控制", True, ("名称",)),
        Column(
            "summary",
            "需求简介",
            "文本，10–1000字",
            "需要解决6系铝合金电池托盘焊接变形超差的问题",
            True,
            ("简介",),
        ),
        Column("description", "需求详情", "文本，≤20000字", "现有工艺……"),
        Column("problem", "待解决的问题", "文本，≤5000字", "焊后平面度超过1.5mm"),
        Column("indicators", "技术指标", "文本，≤5000字", "平面度≤0.5mm"),
        Column("budget_min", "预算下限", "元；可写 20万；为空表示面议", "20万"),
        Column("budget_max", "预算上限", "元；不低于预算下限", "50万"),
        Column("deadline", "截止日期", "日期，如 2026-12-31，不早于今天", "2026-12-31"),
        Column(
            "cooperation_modes",
            "合作方式",
            "转让/许可/作价入股/合作开发/技术服务（或代码），可多选",
            "合作开发",
        ),
        *_COMMON_TAIL,
    ],
}

# Column key → attribute of the listing / field of the schema, where they differ.
_ATTRIBUTE = {"field": "field_code", "industry": "industry_code", "region": "region_code"}
_KEY_OF_ATTRIBUTE = {v: k for k, v in _ATTRIBUTE.items()}
_LIST_COLUMNS = {"keywords", "inventors", "transfer_modes", "cooperation_modes", "confidential"}
_DATE_COLUMNS = {"deadline"}
_MONEY_COLUMNS = {"price", "budget_min", "budget_max"}
_IP_TYPES = {"patent": "专利", "software_copyright": "软件著作权", "other": "其他"}


def columns(kind: ListingKind) -> list[Column]:
    if kind not in COLUMNS:
        raise InvalidInput(f"只支持导入导出科技成果和技术需求，不支持{kind.label}")
    return COLUMNS[kind]


def _header_key(text: str) -> str:
    text = normalize(text).strip().lstrip("*＊").rstrip("*＊").strip()
    return re.sub(r"\s+", "", text)


def _header_index(kind: ListingKind) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns(kind):
        for name in (column.key, column.header, *column.aliases):
            index.setdefault(_header_key(name), column.key)
    return index
