"""JSON routes for /api/v1/statistics: every public statistics table, a page of them or one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.core.deps import OptionalUser, SessionDep
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.statistics import service
from app.statistics.schemas import StatTableOut
from app.statistics.service import Filters

router = APIRouter(prefix="/statistics", tags=["数据统计"])

Year = Annotated[int | None, Query(ge=2000, le=2100, description="年度（北京时间）")]
Region = Annotated[str | None, Query(max_length=6, description="区县行政区划代码")]


@router.get("", summary="全部统计表", response_model=Page[StatTableOut])
def all_tables(
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    year: Year = None,
    region: Region = None,
) -> Any:
    """每张表为 {key, title, columns, kinds, rows, note, filters}；管理员另见奖补预算执行和创新券服务。"""
    return service.table_page(session, Filters.of(year, region), pagination, user=user)


@router.get("/{key}", summary="一张统计表", response_model=StatTableOut)
def one_table(
    key: str, session: SessionDep, user: OptionalUser, year: Year = None, region: Region = None
) -> Any:
    """一张统计表；奖补预算执行（rewards）和创新券服务（vouchers）仅管理员可见。"""
    f = Filters.of(year, region)
    return service.table(session, key, f, user=user).as_json(f)
