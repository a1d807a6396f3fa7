"""JSON routes for /api/v1/statistics: every public statistics table, one or all."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.core.deps import OptionalUser, SessionDep
from app.core.pagination import Paged, PaginationDep
from app.core.schemas import Page
from app.statistics import service
from app.statistics.service import Filters

router = APIRouter(prefix="/statistics", tags=["数据统计"])

Year = Annotated[int | None, Query(ge=2000, le=2100, description="年度（北京时间）")]
Region = Annotated[str | None, Query(max_length=6, description="区县行政区划代码")]


@router.get("", response_model=Page[dict[str, Any]], summary="全部统计表")
def all_tables(
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    year: Year = None,
    region: Region = None,
) -> object:
    """每张表为 {key, title, columns, rows, note}；管理员另见奖补预算执行和创新券服务。"""
    f = Filters.of(year, region)
    staff = user is not None and user.is_staff
    tables = service.tables(session, f, user=user, staff=staff)
    return Paged.of(tables, pagination, lambda t: t.as_json())


@router.get("/{key}", summary="一张统计表")
def one_table(
    key: str, session: SessionDep, user: OptionalUser, year: Year = None, region: Region = None
) -> dict[str, Any]:
    return service.table(session, key, Filters.of(year, region), user=user).as_json()
