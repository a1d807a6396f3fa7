"""JSON routes for /api/v1/resources: the directories and the instrument bookings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.pagination import Paged, PaginationDep
from app.core.schemas import Page
from app.models.enums import ResourceKind
from app.resources import bookings, service
from app.resources.bookings import week_start
from app.resources.schemas import (
    BookingCreate,
    BookingDecision,
    BookingOut,
    ResourceCreate,
    ResourceOut,
    ResourceReview,
    UsageRecord,
)

router = APIRouter(tags=["资源整合"])


@router.get("/resources", response_model=Page[ResourceOut], summary="资源目录")
def directory(
    session: SessionDep,
    pagination: PaginationDep,
    kind: ResourceKind | None = None,
    region: Annotated[str | None, Query(max_length=6)] = None,
    service_code: Annotated[str | None, Query(alias="service", max_length=40)] = None,
    field: Annotated[str | None, Query(max_length=40)] = None,
    filed: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> object:
    """已发布的资源：重点实验室与平台、大型仪器、中试平台、孵化载体、技术转移机构、创新券服务机构。
    可按类别、区县、服务类别、技术领域、是否市级备案和关键词筛选。"""
    return service.directory(
        session,
        pagination,
        kind=kind,
        region_code=region,
        service=service_code,
        field_code=field,
        filed=filed,
        q=q,
    )


@router.post("/resources", response_model=ResourceOut, status_code=201, summary="登记资源")
def create(data: ResourceCreate, session: SessionDep, actor: ActorDep) -> object:
    """以本机构名义登记一条资源（草稿），提交审核通过后发布。"""
    return service.create(session, actor, data)


@router.get("/resources/mine", response_model=Page[ResourceOut], summary="本机构的资源")
def mine(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    return service.of_org(session, user, pagination)


@router.get("/resources/review", response_model=Page[ResourceOut], summary="待审核的资源")
def review_queue(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    return service.review_queue(session, user, pagination)


@router.get("/resources/{resource_id}", response_model=ResourceOut, summary="一条资源")
def detail(resource_id: int, session: SessionDep, user: OptionalUser) -> object:
    return service.get(session, user, resource_id)


@router.put("/resources/{resource_id}", response_model=ResourceOut, summary="修改资源")
def update(resource_id: int, data: ResourceCreate, session: SessionDep, actor: ActorDep) -> object:
    """已发布的资源修改后重新进入审核。"""
    return service.update(session, actor, resource_id, data)


@router.post("/resources/{resource_id}/submit", response_model=ResourceOut, summary="提交审核")
def submit(resource_id: int, session: SessionDep, actor: ActorDep) -> object:
    return service.submit(session, actor, resource_id)


@router.post("/resources/{resource_id}/approve", response_model=ResourceOut, summary="审核通过")
def approve(resource_id: int, data: ResourceReview, session: SessionDep, actor: ActorDep) -> object:
    return service.approve(session, actor, resource_id, data)


@router.post("/resources/{resource_id}/reject", response_model=ResourceOut, summary="退回修改")
def reject(resource_id: int, data: ResourceReview, session: SessionDep, actor: ActorDep) -> object:
    return service.reject(session, actor, resource_id, data)


@router.post("/resources/{resource_id}/withdraw", response_model=ResourceOut, summary="撤回")
def withdraw(resource_id: int, session: SessionDep, actor: ActorDep) -> object:
    return service.withdraw(session, actor, resource_id)


@router.get(
    "/resources/{resource_id}/bookings", response_model=Page[BookingOut], summary="仪器预约日历"
)
def calendar(
    resource_id: int,
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    start: datetime | None = None,
    days: Annotated[int, Query(ge=1, le=62)] = 7,
) -> object:
    """从 start（默认今天）起 days 天内待审批和已批准的预约时段。"""
    _resource, items = bookings.calendar(session, user, resource_id, week_start(start), days)
    return Paged.of(items, pagination)


@router.post(
    "/resources/{resource_id}/bookings",
    response_model=BookingOut,
    status_code=201,
    summary="申请预约",
)
def request_booking(
    resource_id: int, data: BookingCreate, session: SessionDep, actor: ActorDep
) -> object:
    """申请使用仪器的时段，由仪器负责人审批；与已批准的预约重叠时拒绝。"""
    return bookings.request(session, actor, resource_id, data)


@router.get("/bookings/mine", response_model=Page[BookingOut], summary="我的预约")
def my_bookings(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    return bookings.mine(session, user, pagination)


@router.get("/bookings/incoming", response_model=Page[BookingOut], summary="本机构仪器的预约")
def incoming(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    return bookings.to_decide(session, user, pagination)


@router.get("/bookings/{booking_id}", response_model=BookingOut, summary="一项预约")
def booking(booking_id: int, session: SessionDep, user: CurrentUser) -> object:
    return bookings.get(session, user, booking_id)


@router.post("/bookings/{booking_id}/approve", response_model=BookingOut, summary="批准预约")
def approve_booking(
    booking_id: int, data: BookingDecision, session: SessionDep, actor: ActorDep
) -> object:
    """同一仪器已批准的预约时段不会重叠；并发批准时后到者得到 409。"""
    return bookings.approve(session, actor, booking_id, data)


@router.post("/bookings/{booking_id}/reject", response_model=BookingOut, summary="不予批准")
def reject_booking(
    booking_id: int, data: BookingDecision, session: SessionDep, actor: ActorDep
) -> object:
    return bookings.reject(session, actor, booking_id, data)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingOut, summary="取消预约")
def cancel_booking(
    booking_id: int, data: BookingDecision, session: SessionDep, actor: ActorDep
) -> object:
    """预约人可随时取消待审批的申请，已批准的须在开始前 24 小时取消；仪器负责人取消须填写原因。"""
    return bookings.cancel(session, actor, booking_id, data)


@router.post("/bookings/{booking_id}/usage", response_model=BookingOut, summary="登记使用")
def record_usage(
    booking_id: int, data: UsageRecord, session: SessionDep, actor: ActorDep
) -> object:
    """登记实际使用机时和费用；可标记为待创新券结算。"""
    return bookings.record_usage(session, actor, booking_id, data)
