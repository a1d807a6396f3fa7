"""The statistics API's shapes: one table of figures, and pages of them."""

from __future__ import annotations

from pydantic import Field

from app.core.schemas import Schema

Cell = str | int | float | None


class StatTableOut(Schema):
    key: str = Field(description="表的稳定标识，也是 /api/v1/statistics/{key} 与导出地址的一部分")
    title: str
    columns: list[str] = Field(description="列名；第一列为分组（领域、区县、月份……）")
    kinds: list[str] = Field(
        description="每列的类型：空为文字或计数，money 为金额（元），percent 为比率"
    )
    rows: list[list[Cell]] = Field(description="金额为精确到分的字符串，比率为四位小数的字符串")
    note: str
    filters: dict[str, str | int | None] = Field(description="计算所依据的年度和区县筛选")
