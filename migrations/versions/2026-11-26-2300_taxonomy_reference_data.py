"""taxonomy reference data: technical fields, the city's industries, return and close reasons

Revision ID: 5e0c1a7d9f21
Revises: b14ccaef7327
Create Date: 2026-11-26 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e0c1a7d9f21"
down_revision: str | None = "b14ccaef7327"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 战略性新兴产业分类（2018）: the nine categories and the sub-fields listings use most.
FIELDS: list[tuple[str, str, str | None]] = [
    ("F01", "新一代信息技术", None),
    ("F0101", "下一代信息网络", "F01"),
    ("F0102", "电子核心产业（集成电路、传感器、光电子器件）", "F01"),
    ("F0103", "新兴软件和新型信息技术服务", "F01"),
    ("F0104", "互联网与云计算、大数据服务", "F01"),
    ("F0105", "人工智能", "F01"),
    ("F02", "高端装备制造", None),
    ("F0201", "智能制造装备", "F02"),
    ("F0202", "航空装备", "F02"),
    ("F0203", "卫星及应用", "F02"),
    ("F0204", "轨道交通装备", "F02"),
    ("F0205", "海洋工程装备", "F02"),
    ("F03", "新材料", None),
    ("F0301", "先进钢铁与有色金属材料", "F03"),
    ("F0302", "先进石化化工新材料", "F03"),
    ("F0303", "先进无机非金属材料", "F03"),
    ("F0304", "高性能纤维及制品和复合材料", "F03"),
    ("F0305", "前沿新材料", "F03"),
    ("F04", "生物", None),
    ("F0401", "生物医药", "F04"),
    ("F0402", "生物医学工程（医疗器械）", "F04"),
    ("F0403", "生物农业及相关产业", "F04"),
    ("F0404", "生物质能与生物制造", "F04"),
    ("F05", "新能源汽车", None),
    ("F0501", "新能源汽车整车", "F05"),
    ("F0502", "动力电池与电驱动系统", "F05"),
    ("F0503", "智能网联汽车", "F05"),
    ("F0504", "汽车关键零部件与轻量化", "F05"),
    ("F06", "新能源", None),
    ("F0601", "太阳能", "F06"),
    ("F0602", "风能", "F06"),
    ("F0603", "氢能与燃料电池", "F06"),
    ("F0604", "储能与智能电网", "F06"),
    ("F07", "节能环保", None),
    ("F0701", "高效节能", "F07"),
    ("F0702", "先进环保（污染治理）", "F07"),
    ("F0703", "资源循环利用", "F07"),
    ("F08", "数字创意", None),
    ("F09", "相关服务业（研发设计、检验检测、科技服务）", None),
    ("F10", "现代农业与食品", None),
    ("F1001", "农产品精深加工", "F10"),
    ("F1002", "智慧农业与农机装备", "F10"),
    ("F11", "光电信息", None),
    ("F1101", "精密光学与光学仪器", "F11"),
    ("F1102", "激光技术与装备", "F11"),
    ("F1103", "光电探测与成像", "F11"),
]

# The city's key industrial chains (the policy's focus), a second, coarser facet.
INDUSTRIES: list[tuple[str, str]] = [
    ("auto", "汽车产业"),
    ("optoelectronics", "光电信息产业"),
    ("health", "医药健康产业"),
    ("agrifood", "农产品加工产业"),
    ("materials", "新材料产业"),
    ("equipment", "高端装备制造产业"),
    ("digital", "数字经济与电子信息产业"),
    ("energy", "新能源与节能环保产业"),
    ("chemicals", "现代化工产业"),
    ("services", "现代服务业"),
]

RETURN_REASONS: list[tuple[str, str]] = [
    ("incomplete", "信息不完整，缺少必要内容"),
    ("unclear", "技术描述不清，无法判断技术内容"),
    ("wrong_field", "技术领域分类不准确"),
    ("no_advantage", "未说明相对现有技术的优势或预期效益"),
    ("price", "价格或预算明显不合理"),
    ("contact", "联系方式无效或与机构不符"),
    ("duplicate", "与已发布内容重复"),
    ("sensitive", "含涉密、敏感或不宜公开的内容"),
    ("out_of_scope", "不属于科技成果、技术需求或榜单范围"),
    ("ip_unclear", "知识产权权属不清"),
    ("other", "其他（见说明）"),
]

CLOSE_REASONS: list[tuple[str, str]] = [
    ("transferred", "已完成转化或签约"),
    ("solved", "需求已解决"),
    ("withdrawn", "主动撤回"),
    ("outdated", "信息已过时"),
    ("other", "其他"),
]

taxonomy = sa.table(
    "taxonomy_term",
    sa.column("scheme", sa.String),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("sort", sa.Integer),
    sa.column("active", sa.Boolean),
)


def _rows(scheme: str, entries: list[tuple[str, str, str | None]]) -> list[dict[str, object]]:
    return [
        {
            "scheme": scheme,
            "code": code,
            "name": name,
            "parent_code": parent,
            "sort": i,
            "active": True,
        }
        for i, (code, name, parent) in enumerate(entries)
    ]


def upgrade() -> None:
    op.bulk_insert(
        taxonomy,
        _rows("field", FIELDS)
        + _rows("industry", [(c, n, None) for c, n in INDUSTRIES])
        + _rows("return_reason", [(c, n, None) for c, n in RETURN_REASONS])
        + _rows("close_reason", [(c, n, None) for c, n in CLOSE_REASONS]),
    )


def downgrade() -> None:
    op.execute(
        taxonomy.delete().where(
            taxonomy.c.scheme.in_(["field", "industry", "return_reason", "close_reason"])
        )
    )
