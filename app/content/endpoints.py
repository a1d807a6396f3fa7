"""JSON routes for 信息发布 under /api/v1/content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.content import policy, service
from app.content.schemas import (
    ClauseOut,
    ContentCreate,
    ContentFields,
    ContentOut,
    ContentSummary,
    ReviewDecision,
    VersionOut,
)
from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.models import ContentItem
from app.models.enums import ContentKind, ContentStatus

router = APIRouter(prefix="/content", tags=["信息发布"])


def _summary(item: ContentItem) -> ContentSummary:
    data = {name: getattr(item, name) for name in ContentSummary.model_fields if name != "url"}
    return ContentSummary(**data, url=service.url(item))


def detail(item: ContentItem) -> ContentOut:
    data = {
        name: getattr(item, name)
        for name in ContentOut.model_fields
        if name not in {"url", "clauses"}
    }
    clauses = [
        ClauseOut(
            number=c.number,
            chapter=c.chapter,
            heading=c.heading,
            text=c.text,
            anchor=policy.anchor(c.number),
            url=f"{service.url(item)}#{policy.anchor(c.number)}",
        )
        for c in item.clauses
    ]
    return ContentOut(**data, url=service.url(item), clauses=clauses)


def _page(paged: object) -> Page[ContentSummary]:
    items = [_summary(i) for i in paged.items]  # type: ignore[attr-defined]
    return Page[ContentSummary](
        items=items,
        total=paged.total,  # type: ignore[attr-defined]
        page=paged.page,  # type: ignore[attr-defined]
        size=paged.size,  # type: ignore[attr-defined]
    )


@router.get("", response_model=Page[ContentSummary], summary="已发布的信息")
def list_published(
    session: SessionDep,
    pagination: PaginationDep,
    kind: ContentKind | None = None,
    topic: Annotated[str | None, Query(max_length=20)] = None,
    region: Annotated[str | None, Query(max_length=6)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> object:
    """新闻动态、政策文件、通知公告、申报指南和成果发布；置顶的在前，其余按发布时间倒序。"""
    return _page(
        service.public_page(session, kind, pagination, topic=topic, region_code=region, year=year)
    )


@router.get("/manage", response_model=Page[ContentSummary], summary="编辑和审核中的信息")
def list_for_staff(
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    kind: ContentKind | None = None,
    status: ContentStatus | None = None,
) -> object:
    """平台管理员看到全部；区县管理员看到本区县的信息。"""
    return _page(service.staff_page(session, user, pagination, kind=kind, status=status))


@router.get("/clauses/{number}", response_model=ClauseOut, summary="政策条款")
def clause(number: int, session: SessionDep) -> object:
    """已发布政策文件（长春市进一步加快科技创新发展的若干政策措施）的第 number 条。"""
    found = service.seed_clause(session, number)
    return ClauseOut(
        number=found.number,
        chapter=found.chapter,
        heading=found.heading,
        text=found.text,
        anchor=policy.anchor(number),
        url=f"/policies/{found.item_id}#{policy.anchor(number)}",
    )


@router.get("/{item_id}", response_model=ContentOut, summary="一条信息")
def get(item_id: int, session: SessionDep, user: OptionalUser) -> object:
    """已发布的信息人人可看；草稿和审核中的信息仅可编辑或审核它的管理员可看。"""
    return detail(service.get(session, user, item_id))


@router.post("", response_model=ContentOut, status_code=201, summary="新建草稿")
def create(data: ContentCreate, session: SessionDep, actor: ActorDep) -> object:
    """正文按白名单清理：不保留脚本、事件属性和 javascript: 链接，图片只能来自本平台。"""
    return detail(service.create(session, actor, data))


@router.patch("/{item_id}", response_model=ContentOut, summary="修改")
def update(item_id: int, data: ContentFields, session: SessionDep, actor: ActorDep) -> object:
    """已发布的信息修改后重新进入审核；version 已过期时返回 409。"""
    item = service.get(session, actor.user, item_id)
    return detail(service.update(session, actor, item, data))


@router.post("/{item_id}/submit", response_model=ContentOut, summary="提交审核")
def submit(item_id: int, session: SessionDep, actor: ActorDep) -> object:
    return detail(service.submit(session, actor, service.get(session, actor.user, item_id)))


@router.post("/{item_id}/approve", response_model=ContentOut, summary="审核通过")
def approve(item_id: int, data: ReviewDecision, session: SessionDep, actor: ActorDep) -> object:
    """设定了发布时间且尚未到时的，进入“定时发布”，到时自动发布。"""
    item = service.get(session, actor.user, item_id)
    return detail(service.approve(session, actor, item, data.note))


@router.post("/{item_id}/return", response_model=ContentOut, summary="退回修改")
def return_(item_id: int, data: ReviewDecision, session: SessionDep, actor: ActorDep) -> object:
    item = service.get(session, actor.user, item_id)
    return detail(service.return_for_changes(session, actor, item, data.note))


@router.post("/{item_id}/withdraw", response_model=ContentOut, summary="撤回")
def withdraw(item_id: int, data: ReviewDecision, session: SessionDep, actor: ActorDep) -> object:
    item = service.get(session, actor.user, item_id)
    return detail(service.withdraw(session, actor, item, data.note))


@router.get("/{item_id}/versions", response_model=Page[VersionOut], summary="历史版本")
def versions(
    item_id: int, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> object:
    """信息的历史版本，新的在前。"""
    return service.version_page(session, user, service.get(session, user, item_id), pagination)
