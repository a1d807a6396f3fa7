"""JSON routes for /api/v1/achievements, /demands and /challenges, built once for each kind."""

from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import (
    APIRouter,
    Body,
    Depends,
    File,
    Form,
    Header,
    Query,
    Response,
    UploadFile,
    status,
)
from pydantic import BaseModel, Field

from app.core.deps import ActorDep, OptionalUser, SessionDep, writes_late
from app.core.openapi import file_download
from app.core.pagination import ListParams, Paged, PaginationDep, list_params
from app.core.schemas import Page
from app.core.versioning import expected_version, set_etag
from app.listings import service
from app.listings.schemas import (
    FIELDS_BY_KIND,
    AccessRequest,
    AttachmentOut,
    CloseDecision,
    ListingOut,
    ReturnDecision,
)
from app.models.enums import ListingKind, ListingStatus
from app.search.schemas import FacetCount, SearchSort

router = APIRouter()

_RESERVED = {"q", "page", "size", "sort"}
#: A catalogue list: page, order (newest first) and the facet filters.
BrowseList = Annotated[
    ListParams[SearchSort],
    Depends(
        list_params(
            SearchSort, default=SearchSort.NEWEST, accept=lambda name: name not in _RESERVED
        )
    ),
]


class AccessDecision(StrEnum):
    grant = "grant"
    deny = "deny"


class ListingPage(BaseModel):
    total: int
    items: list[ListingOut]
    facets: dict[str, list[FacetCount]]
    page: int
    size: int
    degraded: bool
    approximate: bool = Field(
        default=False, description="命中数极多时为 true：total 与分面计数为估算值"
    )


class VersionOut(BaseModel):
    model_config = {"from_attributes": True}

    version: int
    status: str
    note: str
    changed_by_id: int | None
    created_at: Any
    snapshot: dict[str, Any]


class AccessOut(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    org_id: int
    message: str
    status: str


class ContactViewOut(BaseModel):
    model_config = {"from_attributes": True}

    viewer_id: int
    viewer_org_id: int | None
    viewed_at: Any


def _kind_router(kind: ListingKind) -> APIRouter:
    label = kind.label
    fields = FIELDS_BY_KIND[kind]
    r = APIRouter(prefix=f"/{kind.value}s", tags=[label])

    @r.get("", response_model=ListingPage, summary=f"已发布的{label}")
    def browse(
        session: SessionDep,
        user: OptionalUser,
        params: BrowseList,
        q: Annotated[str, Query(max_length=200)] = "",
    ) -> object:
        """分面筛选：field、industry、maturity、transfer_mode、region、price_band、org_type（同名可多选）。"""
        return service.browse(
            session,
            user,
            kind,
            q=q,
            filters=params.filters,
            page=params.pagination.page,
            size=params.pagination.size,
            sort=params.sort,
        )

    @r.post(
        "",
        response_model=ListingOut,
        status_code=status.HTTP_201_CREATED,
        summary=f"新建{label}草稿",
    )
    def create(
        data: Annotated[fields, Body()],  # type: ignore[valid-type]
        session: SessionDep,
        actor: ActorDep,
    ) -> object:
        listing = service.create(session, actor, kind, data)
        return service.view(session, listing, actor.user, log_contact=False)

    @r.get("/mine", response_model=Page[ListingOut], summary=f"本机构的{label}（全部状态）")
    def mine(
        session: SessionDep,
        actor: ActorDep,
        pagination: PaginationDep,
        status: ListingStatus | None = None,
    ) -> object:
        paged = service.mine(session, actor, pagination, kind=kind, status=status)
        return {
            "items": service.views(session, paged.items, actor.user),
            "total": paged.total,
            "page": paged.page,
            "size": paged.size,
        }

    @r.get("/review-queue", response_model=Page[ListingOut], summary=f"待审核的{label}")
    def queue(session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
        paged = service.review_queue(session, actor, pagination, kind)
        return {
            "items": service.views(session, paged.items, actor.user),
            "total": paged.total,
            "page": paged.page,
            "size": paged.size,
        }

    @r.get(
        "/{listing_id}",
        response_model=ListingOut,
        summary=f"{label}详情",
    )
    @writes_late  # logs who saw the contacts, taking the write lock only then
    def detail(
        listing_id: int, response: Response, session: SessionDep, user: OptionalUser
    ) -> object:
        """公众可见摘要；已认证机构用户可见详情和联系方式（查看记录对发布方可见）；保密部分需授权。

        响应头 ETag 为当前版本号，修改时原样放入 If-Match。"""
        listing = service.get(session, listing_id, user, kind)
        set_etag(response, listing.version)
        return service.view(session, listing, user)

    @r.patch(
        "/{listing_id}",
        response_model=ListingOut,
        summary=f"修改{label}",
        responses={409: {"description": "所依据的版本已被他人修改"}},
    )
    def update(
        listing_id: int,
        data: Annotated[fields, Body()],  # type: ignore[valid-type]
        response: Response,
        session: SessionDep,
        actor: ActorDep,
        if_match: Annotated[str | None, Header(description='所依据的版本，如 "3"')] = None,
    ) -> object:
        """带 If-Match（或请求体 version）时，若该版本已被他人修改则返回 409，不覆盖；
        不带版本的修改仍被接受。"""
        listing = service.update(
            session,
            actor,
            service.get(session, listing_id, actor.user, kind),
            data,
            expected_version=expected_version(if_match, data.version),  # type: ignore[attr-defined]
        )
        set_etag(response, listing.version)
        return service.view(session, listing, actor.user, log_contact=False)

    def _act(listing_id: int, session: SessionDep, actor: ActorDep) -> Any:
        return service.get(session, listing_id, actor.user, kind)

    @r.post("/{listing_id}/submit", response_model=ListingOut, summary="提交审核")
    def submit(listing_id: int, session: SessionDep, actor: ActorDep) -> object:
        listing = service.submit(session, actor, _act(listing_id, session, actor))
        return service.view(session, listing, actor.user, log_contact=False)

    @r.post("/{listing_id}/publish", response_model=ListingOut, summary="审核通过并发布")
    def publish(listing_id: int, session: SessionDep, actor: ActorDep) -> object:
        listing = service.publish(session, actor, _act(listing_id, session, actor))
        return service.view(session, listing, actor.user, log_contact=False)

    @r.post("/{listing_id}/return", response_model=ListingOut, summary="退回修改")
    def return_(
        listing_id: int, data: ReturnDecision, session: SessionDep, actor: ActorDep
    ) -> object:
        listing = service.return_(
            session, actor, _act(listing_id, session, actor), data.reason_code, data.reason_text
        )
        return service.view(session, listing, actor.user, log_contact=False)

    @r.post("/{listing_id}/close", response_model=ListingOut, summary="关闭")
    def close(listing_id: int, data: CloseDecision, session: SessionDep, actor: ActorDep) -> object:
        listing = service.close(
            session, actor, _act(listing_id, session, actor), data.reason_code, data.reason_text
        )
        return service.view(session, listing, actor.user, log_contact=False)

    @r.post("/{listing_id}/renew", response_model=ListingOut, summary="续期")
    def renew(listing_id: int, session: SessionDep, actor: ActorDep) -> object:
        listing = service.renew(session, actor, _act(listing_id, session, actor))
        return service.view(session, listing, actor.user, log_contact=False)

    @r.get("/{listing_id}/versions", response_model=Page[VersionOut], summary="历史版本")
    def versions(
        listing_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
    ) -> object:
        listing = _act(listing_id, session, actor)
        return Paged.of(service.versions(session, actor, listing), pagination)

    @r.put("/{listing_id}/favourite", status_code=status.HTTP_204_NO_CONTENT, summary="收藏")
    def favourite(listing_id: int, session: SessionDep, actor: ActorDep) -> None:
        service.set_favourite(session, actor, _act(listing_id, session, actor), True)

    @r.delete("/{listing_id}/favourite", status_code=status.HTTP_204_NO_CONTENT, summary="取消收藏")
    def unfavourite(listing_id: int, session: SessionDep, actor: ActorDep) -> None:
        """取消收藏；信息此后已下架或过期也可以取消。"""
        service.set_favourite(session, actor, service.starred(session, listing_id, kind), False)

    @r.post(
        "/{listing_id}/access-requests",
        response_model=AccessOut,
        status_code=201,
        summary="申请查看保密内容",
    )
    def request_access(
        listing_id: int, data: AccessRequest, session: SessionDep, actor: ActorDep
    ) -> object:
        return service.request_access(
            session, actor, _act(listing_id, session, actor), data.message
        )

    @r.get(
        "/{listing_id}/access-requests",
        response_model=Page[AccessOut],
        summary="保密内容查看申请（发布方）",
    )
    def access_requests(
        listing_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
    ) -> object:
        listing = _act(listing_id, session, actor)
        return Paged.of(service.access_requests(session, actor, listing), pagination)

    @r.post(
        "/{listing_id}/access-requests/{access_id}/{decision}",
        response_model=AccessOut,
        summary="授权或拒绝",
    )
    def decide(
        listing_id: int,
        access_id: int,
        decision: AccessDecision,
        session: SessionDep,
        actor: ActorDep,
    ) -> object:
        grant = decision == AccessDecision.grant
        return service.decide_access(
            session, actor, _act(listing_id, session, actor), access_id, grant
        )

    @r.get(
        "/{listing_id}/contact-views",
        response_model=Page[ContactViewOut],
        summary="联系方式查看记录（发布方）",
    )
    def contact_views(
        listing_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
    ) -> object:
        listing = _act(listing_id, session, actor)
        return Paged.of(service.contact_views(session, actor, listing), pagination)

    @r.post(
        "/{listing_id}/attachments",
        response_model=AttachmentOut,
        status_code=201,
        summary="上传图片或附件",
    )
    def upload(
        listing_id: int,
        session: SessionDep,
        actor: ActorDep,
        file: Annotated[
            UploadFile, File(description="PNG/JPG/WEBP 图片（≤5MB）或 PDF/Office 文档（≤20MB）")
        ],
        category: Annotated[str, Form(pattern="^(image|document)$")] = "document",
    ) -> object:
        data = file.file.read()
        row = service.add_attachment(
            session,
            actor,
            _act(listing_id, session, actor),
            category=category,
            filename=file.filename or "file",
            data=data,
        )
        return AttachmentOut(
            id=row.id,
            category=row.category,
            filename=row.filename,
            size=row.size,
            content_type=row.content_type,
            url=f"/api/v1/{kind.value}s/{listing_id}/attachments/{row.id}",
        )

    @r.get(
        "/{listing_id}/attachments/{attachment_id}",
        summary="下载图片或附件",
        response_class=Response,
        responses=file_download("附件文件"),
    )
    def download(
        listing_id: int, attachment_id: int, session: SessionDep, user: OptionalUser
    ) -> Response:
        listing = service.get(session, listing_id, user, kind)
        row, data = service.attachment(session, listing, user, attachment_id)
        disposition = "inline" if row.category == "image" else "attachment"
        return Response(
            data,
            media_type=row.content_type,
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(row.filename)}",
                "Cache-Control": "private, max-age=3600",
            },
        )

    @r.delete(
        "/{listing_id}/attachments/{attachment_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary="删除图片或附件",
    )
    def delete_attachment(
        listing_id: int, attachment_id: int, session: SessionDep, actor: ActorDep
    ) -> None:
        service.remove_attachment(session, actor, _act(listing_id, session, actor), attachment_id)

    return r


@router.get("/me/favourites", response_model=Page[ListingOut], tags=["收藏"], summary="我的收藏")
def my_favourites(session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    """我收藏的成果、需求和榜单，与“我的收藏”页面相同（最近收藏在前）。"""
    paged = service.favourites(session, actor, pagination)
    return Paged(
        service.views(session, paged.items, actor.user), paged.total, paged.page, paged.size
    )


for _kind in ListingKind:
    router.include_router(_kind_router(_kind))
