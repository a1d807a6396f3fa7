from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.core.pagination import MAX_PAGE_SIZE
from app.search import service
from app.search.schemas import SearchResponse, Suggestions

router = APIRouter(tags=["搜索"])

_RESERVED = {"q", "type", "page", "size", "sort"}


@router.get("/search", response_model=SearchResponse)
def search(
    request: Request,
    q: Annotated[
        str, Query(max_length=200, description='关键词；支持多个词、"短语"、-排除词')
    ] = "",
    type: Annotated[list[str], Query(description="结果类型，可多选")] = [],  # noqa: B006
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    sort: Annotated[
        str, Query(pattern="^(relevance|newest)$", description="relevance 或 newest")
    ] = "relevance",
) -> SearchResponse:
    """全站搜索。其余查询参数按分面筛选，例如 region=长春新区&org_type=企业（同名可多选）。"""
    filters: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name not in _RESERVED and value:
            filters.setdefault(name, []).append(value)
    return service.search(q, types=type, filters=filters, page=page, size=size, sort=sort)


@router.get("/search/suggest", response_model=Suggestions)
def suggest(
    q: Annotated[str, Query(max_length=50, description="已输入的前缀")] = "",
    type: Annotated[list[str], Query()] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Suggestions:
    """搜索联想：以输入开头的标题和关键词。"""
    return Suggestions(suggestions=service.suggest(q, types=type, limit=limit))
