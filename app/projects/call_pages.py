"""The bureau's correction of a published call (申报指南): the form and its refusals, beside
the call page. Same service call and schema as ``PATCH /api/v1/projects/calls/{id}``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import CurrentUser, SessionDep, SignedInActor
from app.core.errors import AppError
from app.core.pages import SubmittedForm, page_router, redirect
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.projects import service
from app.projects.schemas import CallRevise

router = page_router()

TEXTS = ("title", "summary", "eligibility", "opens_on", "closes_on", "budget")


def _values(call: Any) -> dict[str, str]:
    return {
        "title": call.title,
        "summary": call.summary,
        "eligibility": call.eligibility,
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        "budget": str(call.budget),
        "criteria_text": "\n".join(f"{c['name']} {c['weight']}" for c in call.criteria),
    }


def _form(
    request: Request,
    call: Any,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "projects/call_edit.html",
        {"call": call, "values": values, "errors": errors},
        status_code=status_code,
    )


@router.get("/projects/calls/{call_id}/edit")
def edit_call(request: Request, call_id: int, session: SessionDep, user: CurrentUser) -> Response:
    call = service.calls.revisable(session, user, call_id)
    return _form(request, call, _values(call), {})


@router.post("/projects/calls/{call_id}/edit")
def revise_call(
    request: Request,
    call_id: int,
    session: SessionDep,
    user: CurrentUser,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    call = service.calls.revisable(session, user, call_id)
    values = {k: str(form.get(k, "")) for k in (*TEXTS, "criteria_text")}
    try:
        data_in: dict[str, Any] = {k: values[k] for k in TEXTS if values[k].strip()}
        data_in["criteria"] = service.forms.criteria_lines(values["criteria_text"]) or None
    except AppError as exc:
        return _form(request, call, values, exc.field_errors(), 422)
    data, errors = parse_form(CallRevise, data_in)
    if data is None:
        return _form(request, call, values, errors, 422)
    try:
        with session.begin_nested():
            service.calls.revise(session, actor, call, data)
    except AppError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.refresh(call)
        return _form(request, call, values, exc.field_errors(), exc.status_code)
    flash(request, "申报指南已更正，已通知有草稿的申报人")
    return redirect(f"/projects/calls/{call_id}")
