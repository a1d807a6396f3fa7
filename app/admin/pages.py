from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from app.accounts import service as account_service
from app.accounts.schemas import RoleChange
from app.audit import service as audit_service
from app.audit.schemas import AuditFilters
from app.core.deps import ActorDep, CurrentUser, SessionDep, StaffUser
from app.core.errors import AppError
from app.core.pages import FormValues, act_and_redirect, list_url, page_router, redirect
from app.core.pagination import Pagination, PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.listings import service as listing_service
from app.models import Organization
from app.models.enums import OrgStatus, Role
from app.orgs import service as org_service
from app.search import service as search_service
from app.search import vocabulary

router = page_router()

# A refused decision is explained on the list it came from; only a lack of rights is an error page.
STILL_RAISED = frozenset({403})


@router.get("/admin")
def dashboard(request: Request, session: SessionDep, user: StaffUser, actor: ActorDep) -> Response:
    return render(
        request,
        "admin/dashboard.html",
        {
            "figures": org_service.key_figures(session),
            "users": account_service.count(session),
            "listings_pending": listing_service.review_queue(
                session, actor, Pagination(size=1)
            ).total,
        },
    )


@router.get("/admin/orgs")
def org_queue(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    pagination: PaginationDep,
    status: str = "pending",
    q: str = "",
) -> Response:
    state = OrgStatus.from_code(status)
    page = org_service.list_orgs(session, user, pagination, status=state, q=q)
    return render(
        request,
        "admin/orgs.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": OrgStatus.choices(),
            "base_url": list_url("/admin/orgs", {"status": status, "q": q}),
        },
    )


@router.post("/admin/orgs/{org_id}/{decision}")
def decide_org(
    org_id: int,
    decision: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    org = org_service.get(session, org_id, user)
    back = values.get("back", "/admin/orgs")
    reason = values.get("reason", "")
    decisions: dict[str, Callable[[], Organization]] = {
        "verify": lambda: org_service.verify(session, actor, org),
        "reject": lambda: org_service.reject(session, actor, org, reason),
        "suspend": lambda: org_service.suspend(session, actor, org, reason),
        "restore": lambda: org_service.restore(session, actor, org),
    }
    if decision not in decisions:
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        decisions[decision],
        back=back,
        done=lambda _: f"{org.name}：{org_service.org_workflow.label(decision)}完成",
        raise_statuses=STILL_RAISED,
    )


@router.get("/admin/users")
def users(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
    q: str = "",
    role: str = "",
) -> Response:
    role_filter = Role.from_code(role)
    page = account_service.list_users(session, actor, pagination, q=q, role=role_filter)
    return render(
        request,
        "admin/users.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "roles": Role.choices(),
            "regions": list(REGIONS.items()),
            "base_url": list_url("/admin/users", {"q": q, "role": role}),
        },
    )


@router.post("/admin/users/{user_id}/role")
def change_role(
    user_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    data, errors = parse_form(RoleChange, values)
    target = account_service.get(session, user_id)
    try:
        if data is None:
            raise AppError("；".join(errors.values()))
        account_service.change_role(session, actor, target, data)
    except AppError as exc:
        if exc.status_code == 403:
            raise
        flash(request, f"{target.name}：{exc.detail}", "error")
    else:
        flash(request, f"{target.name} 的角色已改为{target.role.label}")
    return redirect(values.get("back", "/admin/users"))


@router.post("/admin/users/{user_id}/active")
def set_active(
    user_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    target = account_service.get(session, user_id)
    return act_and_redirect(
        request,
        session,
        lambda: account_service.set_active(session, actor, target, values.get("active") == "1"),
        back=values.get("back", "/admin/users"),
        done=lambda _: f"账号 {target.email} 已{'启用' if target.is_active else '停用'}",
        raise_statuses=STILL_RAISED,
    )


@router.get("/admin/audit")
def audit_log(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
) -> Response:
    raw = {k: v for k, v in request.query_params.items() if k != "page" and v}
    filters, errors = parse_form(AuditFilters, raw)
    page = audit_service.list_events(session, actor, filters or AuditFilters(), pagination)
    return render(
        request,
        "admin/audit.html",
        {
            "page": page,
            "filters": raw,
            "errors": errors,
            "choices": audit_service.filter_choices(session),
            "base_url": list_url("/admin/audit", raw),
        },
    )


@router.get("/admin/search")
def search_admin(
    request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep
) -> Response:
    return _search_admin(request, session, actor)


def _search_admin(
    request: Request, session: SessionDep, actor: ActorDep, **extra: object
) -> Response:
    entries = vocabulary.list_terms(session, actor)
    context = {
        "entries": entries,
        "health": search_service.health(session),
        "errors": {},
        "values": {},
        **extra,
    }
    return render(request, "admin/search.html", context, 422 if context["errors"] else 200)


@router.post("/admin/search/{what}")
def search_admin_change(
    what: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    try:
        if what == "terms":
            rows = vocabulary.add_terms(session, actor, values.get("terms", ""))
            flash(request, f"已添加 {len(rows)} 个术语。重建索引后，已发布的内容也按新词典检索。")
        elif what == "synonyms":
            vocabulary.add_synonyms(session, actor, values.get("synonyms", ""))
            flash(request, "同义词组已添加，立即对搜索生效")
        elif what == "remove":
            vocabulary.remove(session, actor, int(values.get("id", "0")))
            flash(request, "词条已删除，服务重启后生效")
        elif what == "rebuild":
            vocabulary.schedule_rebuild(session, actor)
            flash(request, "已提交重建索引任务，完成前搜索照常可用")
    except AppError as exc:
        if exc.status_code == 403:
            raise
        errors = exc.field_errors(what)
        return _search_admin(request, session, actor, errors=errors, values=values)
    return redirect("/admin/search")
