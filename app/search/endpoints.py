from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.core.deps import ActorDep, SessionDep
from app.core.pagination import ListParams, Paged, PaginationDep, list_params
from app.core.schemas import Page
from app.search import service, vocabulary
from app.search.schemas import (
    SearchResponse,
    SearchSort,
    Suggestions,
    SynonymsIn,
    TermsIn,
    VocabularyEntry,
)

router = APIRouter(tags=["搜索"])

_RESERVED = {"q", "type", "page", "size", "sort"}
#: Page, order (relevance first) and the facet filters: every other query parameter.
SearchList = Annotated[
    ListParams[SearchSort],
    Depends(list_params(SearchSort, accept=lambda name: name not in _RESERVED)),
]


@router.get("/search", response_model=SearchResponse)
def search(
    session: SessionDep,
    params: SearchList,
    q: Annotated[
        str, Query(max_length=200, description='关键词；支持多个词、"短语"、-排除词')
    ] = "",
    type: Annotated[list[str], Query(description="结果类型，可多选")] = [],  # noqa: B006
) -> SearchResponse:
    """全站搜索。其余查询参数按分面筛选，例如 region=长春新区&org_type=企业（同名可多选）。"""
    return service.search(
        session,
        q,
        types=type,
        filters=params.filters,
        page=params.pagination.page,
        size=params.pagination.size,
        sort=params.sort,
        meaning=True,
    )


@router.get("/search/suggest", response_model=Suggestions)
def suggest(
    q: Annotated[str, Query(max_length=50, description="已输入的前缀")] = "",
    type: Annotated[list[str], Query()] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Suggestions:
    """搜索联想：以输入开头的标题和关键词。"""
    return Suggestions(suggestions=service.suggest(q, types=type, limit=limit))


@router.get("/search/vocabulary", response_model=Page[VocabularyEntry])
def vocabulary_list(session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    """管理员添加的搜索术语和同义词组（平台管理员）。"""
    return Paged.of(vocabulary.list_terms(session, actor), pagination)


@router.post("/search/vocabulary/terms", response_model=list[VocabularyEntry], status_code=201)
def vocabulary_add_terms(data: TermsIn, session: SessionDep, actor: ActorDep) -> object:
    """添加领域术语，使其切词时保持完整（平台管理员）。已有文档需重建索引后生效。"""
    return vocabulary.add_terms(session, actor, data.terms)


@router.post("/search/vocabulary/synonyms", response_model=VocabularyEntry, status_code=201)
def vocabulary_add_synonyms(data: SynonymsIn, session: SessionDep, actor: ActorDep) -> object:
    """添加一组同义词，搜索其中任一词时也能找到其他词（平台管理员）。"""
    return vocabulary.add_synonyms(session, actor, data.words)


@router.delete("/search/vocabulary/{entry_id}", status_code=204)
def vocabulary_remove(entry_id: int, session: SessionDep, actor: ActorDep) -> None:
    """删除词条；在各服务进程重启后生效（平台管理员）。"""
    vocabulary.remove(session, actor, entry_id)


@router.post("/search/rebuild", status_code=202)
def rebuild(session: SessionDep, actor: ActorDep) -> dict[str, str]:
    """申请重建搜索索引，由后台任务执行，期间搜索照常可用（平台管理员）。"""
    vocabulary.schedule_rebuild(session, actor)
    return {"detail": "已提交重建任务，完成后新词典对全部内容生效"}
