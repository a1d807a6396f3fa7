"""HTML pages: the resource directories, an entry with its booking calendar, the
organisation's entries, the review desk and one's own bookings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.clock import LOCAL_TZ, local
from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep, SignedInActor
from app.core.pages import SubmittedForm, act_and_redirect, list_url, page_router, redirect
from app.core.pagination import PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.models import Resource, User
from app.models.enums import (
    BookingAccess,
    PilotService,
    ResourceKind,
    ResourceStatus,
    VoucherCategory,
)
from app.resources import bookings, service
from app.resources.schemas import (
    BookingCreate,
    BookingDecision,
    ResourceCreate,
    ResourceReview,
    UsageRecord,
)

router = page_router()
SERVICES = {
    ResourceKind.PILOT_PLATFORM: PilotService.choices(),
    ResourceKind.SERVICE_PROVIDER: VoucherCategory.choices(),
}


@router.get("/resources")
def directory(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    kind: str = "",
    region: str = "",
    service_code: str = "",
    q: str = "",
    filed: str = "",
) -> Response:
    chosen = ResourceKind.from_code(kind)
    service_code = request.query_params.get("service", service_code)
    values = {"kind": kind, "region": region, "service": service_code, "q": q[:100], "filed": filed}
    page = service.directory(
        session,
        pagination,
        kind=chosen,
        region_code=region or None,
        service=service_code or None,
        filed=True if filed == "true" else None,
        q=q[:100],
    )
    return render(
        request,
        "resources/directory.html",
        {
            "page": page,
            "kind": chosen,
            "kinds": ResourceKind.choices(),
            "regions": list(REGIONS.items()),
            "services": SERVICES.get(chosen, []) if chosen else [],
            "values": values,
            "base_url": list_url("/resources", values),
        },
    )


def _form(
    request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request,
        "resources/form.html",
        {
            "values": values,
            "errors": errors,
            "kinds": ResourceKind.choices(),
            "regions": list(REGIONS.items()),
            "accesses": BookingAccess.choices(),
            "service_choices": PilotService.choices() + VoucherCategory.choices(),
        },
        status_code=status,
    )


@router.get("/resources/new")
def new_form(request: Request, user: CurrentUser) -> Response:
    region = user.org.region_code if user.org else ""
    return _form(request, {"region_code": region, "booking_access": "public"}, {})


@router.post("/resources/new")
def create(
    request: Request, session: SessionDep, actor: ActorDep, user: CurrentUser, form: SubmittedForm
) -> Response:
    values: dict[str, Any] = {k: v for k, v in form.items() if k in ResourceCreate.model_fields}
    kind = ResourceKind.from_code(str(values.get("kind", "")))
    # One checkbox list serves both kinds; keep the codes that belong to the chosen one.
    allowed = {code for code, _ in SERVICES.get(kind, [])} if kind else set()
    values["services"] = [s for s in form.getlist("services") if s in allowed]
    values["accepts_vouchers"] = form.get("accepts_vouchers") == "true"
    if not values.get("fee_per_hour"):
        values["fee_per_hour"] = None
    data, errors = parse_form(ResourceCreate, values)
    if data is None:
        return _form(request, values, errors, 422)
    return act_and_redirect(
        request,
        session,
        lambda: service.create(session, actor, data),
        back=lambda r: f"/resources/{r.id}",
        refused_back="/resources/new",
        done="已保存草稿，请在“本机构资源”中提交审核",
    )


def _week(start: str) -> datetime:
    try:
        day = datetime.fromisoformat(start) if start else None
    except ValueError:
        day = None
    first = bookings.week_start(day)
    return first.replace(hour=0, minute=0, second=0, microsecond=0)


@router.get("/resources/{resource_id}")
def detail(
    resource_id: int, request: Request, session: SessionDep, user: OptionalUser, start: str = ""
) -> Response:
    resource = service.get(session, user, resource_id)
    context: dict[str, Any] = {
        "r": resource,
        "services": [dict(SERVICES.get(resource.kind, [])).get(s, s) for s in resource.services],
    }
    if resource.kind == ResourceKind.INSTRUMENT:
        first = _week(start)
        _r, calendar = bookings.calendar(session, user, resource.id, first, 7)
        context.update(
            calendar=calendar,
            keeper=bookings.may_decide(user, resource),
            week_label=f"{first:%Y-%m-%d} 起 7 天",
            previous_week=(first - timedelta(days=7)).date().isoformat(),
            next_week=(first + timedelta(days=7)).date().isoformat(),
        )
    return render(request, "resources/detail.html", context)


def _local(value: str) -> datetime | str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


@router.post("/resources/{resource_id}/bookings")
def request_booking(
    resource_id: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    back = f"/resources/{resource_id}"
    data, errors = parse_form(
        BookingCreate,
        {
            "starts_at": _local(str(form.get("starts_at", ""))),
            "ends_at": _local(str(form.get("ends_at", ""))),
            "purpose": form.get("purpose", ""),
        },
    )
    if data is None:
        flash(request, "；".join(errors.values()), "error")
        return redirect(back)
    week = local(data.starts_at).date().isoformat()
    return act_and_redirect(
        request,
        session,
        lambda: bookings.request(session, actor, resource_id, data),
        back=f"{back}?start={week}",
        done="预约申请已提交，仪器负责人审批后会通知您",
    )


def _org_actions(user: User | None) -> Callable[[Resource], list[tuple[str, str]]]:
    def actions(r: Resource) -> list[tuple[str, str]]:
        out = []
        if r.status in (ResourceStatus.DRAFT, ResourceStatus.REJECTED, ResourceStatus.WITHDRAWN):
            out.append(("submit", "提交审核"))
        if r.status in (ResourceStatus.PENDING, ResourceStatus.PUBLISHED):
            out.append(("withdraw", "撤回"))
        return out if service.may_edit(user, r) else []

    return actions


@router.get("/me/resources")
def mine(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    return render(
        request,
        "resources/mine.html",
        {
            "heading": "本机构资源",
            "page": service.of_org(session, user, pagination),
            "actions": _org_actions(user),
            "review": False,
            "empty": "本机构还没有登记资源。",
            "base_url": "/me/resources",
        },
    )


@router.get("/admin/resources")
def review_desk(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    return render(
        request,
        "resources/mine.html",
        {
            "heading": "资源审核",
            "page": service.review_queue(session, user, pagination),
            "actions": lambda r: [("approve", "审核通过"), ("reject", "退回修改")],
            "review": True,
            "empty": "暂无待审核的资源。",
            "base_url": "/admin/resources",
        },
    )


@router.post("/resources/{resource_id}/{action}")
def move(
    resource_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user: CurrentUser,
    form: SubmittedForm,
) -> Response:
    note = str(form.get("note", ""))[:500]
    runs = {
        "submit": (
            lambda: service.submit(session, actor, resource_id),
            "已提交审核",
            "/me/resources",
        ),
        "withdraw": (
            lambda: service.withdraw(session, actor, resource_id),
            "已撤回",
            "/me/resources",
        ),
        "approve": (
            lambda: service.approve(session, actor, resource_id, ResourceReview(note=note)),
            "已审核通过并发布",
            "/admin/resources",
        ),
        "reject": (
            lambda: service.reject(session, actor, resource_id, ResourceReview(note=note)),
            "已退回修改",
            "/admin/resources",
        ),
    }
    if action not in runs:
        flash(request, "不支持的操作", "error")
        return redirect("/resources")
    run, done, back = runs[action]
    return act_and_redirect(request, session, run, back=back, done=done)


@router.get("/me/bookings")
def my_bookings(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    return render(
        request, "resources/bookings.html", {"page": bookings.mine(session, user, pagination)}
    )


@router.post("/bookings/{booking_id}/{action}")
def decide(
    booking_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user: CurrentUser,
    form: SubmittedForm,
) -> Response:
    booking = bookings.get(session, user, booking_id)
    back = f"/resources/{booking.resource_id}?start={local(booking.starts_at).date().isoformat()}"
    note = str(form.get("note", ""))[:500]
    if action == "usage":
        data, errors = parse_form(
            UsageRecord,
            {"used_hours": form.get("used_hours", ""), "payment": form.get("payment", "unpaid")},
        )
        if data is None:
            flash(request, "；".join(errors.values()), "error")
            return redirect(back)
        usage = data
        return act_and_redirect(
            request,
            session,
            lambda: bookings.record_usage(session, actor, booking_id, usage),
            back=back,
            done="已登记使用",
        )
    runs = {
        "approve": (bookings.approve, "已批准预约"),
        "reject": (bookings.reject, "已不予批准"),
        "cancel": (bookings.cancel, "已取消预约"),
    }
    if action not in runs:
        flash(request, "不支持的操作", "error")
        return redirect(back)
    fn, done = runs[action]
    if action == "cancel" and booking.requester_id == user.id:
        back = "/me/bookings"
    return act_and_redirect(
        request,
        session,
        lambda: fn(session, actor, booking_id, BookingDecision(note=note)),
        back=back,
        done=done,
    )
