from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.errors import AppError
from app.core.pages import FormValues, list_url, page_router, redirect
from app.core.pagination import PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.models import Organization
from app.models.enums import OrgTagKind, OrgType
from app.orgs import service
from app.orgs.schemas import OrgTagIn, OrgUpdate

router = page_router()


@router.get("/orgs")
def directory(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    q: str = "",
    org_type: str = "",
    region_code: str = "",
) -> Response:
    type_filter = OrgType.from_code(org_type)
    page = service.list_orgs(
        session, user, pagination, q=q, org_type=type_filter, region_code=region_code or None
    )
    filters = {"q": q, "org_type": org_type, "region_code": region_code}
    return render(
        request,
        "orgs/directory.html",
        {
            "page": page,
            "filters": filters,
            "base_url": list_url("/orgs", filters),
            "org_types": OrgType.choices(),
            "regions": list(REGIONS.items()),
        },
    )


@router.get("/orgs/{org_id}")
def detail(org_id: int, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    org = service.get(session, org_id, user)
    return render(request, "orgs/detail.html", {"org": org})


def _edit_page(
    request: Request, session: SessionDep, actor: ActorDep, org: Organization, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "org": org,
        "values": {
            k: getattr(org, k)
            for k in (
                "name",
                "region_code",
                "address",
                "website",
                "intro",
                "contact_name",
                "contact_phone",
            )
        }
        | {"org_type": org.org_type.value, "version": org.version},
        "errors": {},
        "members": service.members(session, actor, org),
        "org_types": OrgType.choices(),
        "regions": list(REGIONS.items()),
        "tag_kinds": OrgTagKind.choices(),
        **extra,
    }
    return render(request, "orgs/edit.html", context, status_code=422 if context["errors"] else 200)


def _editable(session: SessionDep, actor: ActorDep, org_id: int) -> Organization:
    return service.editable(session, actor.user, org_id)


@router.get("/orgs/{org_id}/edit")
def edit_form(
    org_id: int, request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep
) -> Response:
    return _edit_page(request, session, actor, _editable(session, actor, org_id))


@router.post("/orgs/{org_id}/edit")
def edit(
    org_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    org = _editable(session, actor, org_id)
    data, errors = parse_form(OrgUpdate, values)
    if data is not None:
        try:
            with session.begin_nested():
                service.update(session, actor, org, data)
        except AppError as exc:
            errors = exc.field_errors()
            if "current_version" in exc.extra:
                # Shown again with what was typed, now based on the latest version.
                values["version"] = str(exc.extra["current_version"])
    if errors:
        return _edit_page(request, session, actor, org, values=values, errors=errors)
    flash(request, "机构资料已保存")
    return redirect(f"/orgs/{org.id}/edit")


@router.post("/orgs/{org_id}/tags")
def set_tag(
    org_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    org = _editable(session, actor, org_id)
    data, errors = parse_form(OrgTagIn, values)
    if data is not None:
        try:
            service.set_tag(session, actor, org, data)
        except AppError as exc:
            errors = exc.field_errors("kind")
    if errors:
        return _edit_page(request, session, actor, org, tag_errors=errors, tag_values=values)
    flash(request, "资质标签已保存")
    return redirect(f"/orgs/{org.id}/edit#tags")


@router.post("/orgs/{org_id}/tags/{tag_id}/delete")
def remove_tag(
    org_id: int,
    tag_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
) -> Response:
    service.remove_tag(session, actor, _editable(session, actor, org_id), tag_id)
    flash(request, "资质标签已移除")
    return redirect(f"/orgs/{org_id}/edit#tags")


@router.post("/orgs/{org_id}/members/{user_id}/{decision}")
def decide_member(
    org_id: int,
    user_id: int,
    decision: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
) -> Response:
    if decision not in {"approve", "reject"}:
        return redirect(f"/orgs/{org_id}/edit#members")
    org = service.get(session, org_id, actor.user)
    member = service.decide_member(session, actor, org, user_id, decision)
    flash(request, f"已{'批准' if decision == 'approve' else '拒绝'} {member.name} 的加入申请")
    return redirect(f"/orgs/{org_id}/edit#members")
