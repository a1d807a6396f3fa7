"""HTML pages of 揭榜挂帅 for the solver: the application, its files and milestones (the
reviewers' pages are in ``review_pages``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.challenges import service
from app.challenges.schemas import (
    FIELD_LABELS,
    ApplicationFields,
)
from app.core.deps import ActorDep, CurrentUser, SessionDep
from app.core.errors import AppError, PermissionDenied
from app.core.money import format_yuan
from app.core.pages import SubmittedForm, act_and_redirect, page_router, redirect, uploaded_file
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.models import Challenge, ChallengeApplication, User
from app.models.enums import ApplicationStatus

router = page_router()

# A refused button here (403 included) is explained on the page it came from; only sign-in and
# missing records become error pages.
STILL_RAISED = frozenset({401, 404})

FIELDS = ["title", "team", "plan", "budget", "schedule", "contact_name", "contact_phone"]
LABELS = FIELD_LABELS


def _url(challenge: Challenge, application: ChallengeApplication | None = None) -> str:
    base = f"/challenges/{challenge.id}"
    return f"{base}/applications/{application.id}" if application else base


def form_fields(form: FormData) -> dict[str, str]:
    """The submitted text fields, trimmed (empty ones kept)."""
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def _parse(values: dict[str, str]) -> tuple[ApplicationFields | None, dict[str, str]]:
    data: dict[str, Any] = {name: values.get(name, "") for name in FIELDS}
    data["meets_requirements"] = values.get("meets_requirements") == "on"
    if values.get("version"):
        data["version"] = values["version"]
    return parse_form(ApplicationFields, data)


# -- the solver ---------------------------------------------------------------------------------


def _application_page(
    request: Request,
    session: SessionDep,
    user: User,
    challenge: Challenge,
    application: ChallengeApplication | None,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    editable = service.accepting(challenge) and (
        application is None
        or (
            service.may_edit(user, application)
            and application.status
            in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
        )
    )
    if values is None:
        values = {}
        if application is not None:
            values = {name: getattr(application, name) or "" for name in FIELDS}
            values["budget"] = str(application.budget) if application.budget is not None else ""
            values["meets_requirements"] = application.meets_requirements
            values["version"] = application.version
        else:
            values = {"contact_name": user.name, "contact_phone": user.phone}
    context: dict[str, Any] = {
        "challenge": challenge,
        "application": application,
        "values": values,
        "errors": errors or {},
        "labels": LABELS,
        "editable": editable,
        "accepting": service.accepting(challenge),
        "reward": format_yuan(challenge.reward),
        "format_yuan": format_yuan,
        "is_member": application is not None and service.may_edit(user, application),
    }
    if application is not None:
        context["attachments"] = service.application_attachments(session, application)
        context["feedback"] = service.feedback(session, challenge, application)
        panel = service.panel_of(session, challenge)
        context["milestones"] = (
            service.milestones(session, panel)
            if panel is not None and panel.winner_id == application.id
            else []
        )
        context["contract_id"] = (
            panel.contract_id if panel is not None and panel.winner_id == application.id else None
        )
        context["missing"] = (
            service.missing_for_submit(challenge, application)
            if application.status == ApplicationStatus.DRAFT
            else {}
        )
    return render(request, "challenges/application.html", context, status_code=status_code)


@router.get("/challenges/{challenge_id}/apply")
def apply_form(
    challenge_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    own = service.own_application(session, user, challenge)
    if own is not None:
        return redirect(_url(challenge, own))
    service.check_may_apply(user, challenge)
    return _application_page(request, session, user, challenge, None)


@router.post("/challenges/{challenge_id}/apply")
def apply(
    challenge_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    own = service.own_application(session, user, challenge)
    if own is not None:  # a draft saved by an earlier attempt: this is its update
        return update_application(challenge_id, own.id, request, session, user, actor, form)
    values = form_fields(form)
    data, errors = _parse(values)
    if data is None:
        return _application_page(
            request, session, user, challenge, None, values=values, errors=errors, status_code=422
        )
    try:
        with session.begin_nested():
            application = service.create_application(session, actor, challenge, data)
    except PermissionDenied:
        raise
    except AppError as exc:
        return _application_page(
            request,
            session,
            user,
            challenge,
            None,
            values=values,
            errors=exc.field_errors(),
            status_code=exc.status_code,
        )
    return _after_save(request, session, user, actor, challenge, application, values)


def _after_save(
    request: Request,
    session: SessionDep,
    user: User,
    actor: Any,
    challenge: Challenge,
    application: ChallengeApplication,
    values: dict[str, str],
) -> Response:
    if values.get("action") != "submit":
        flash(request, "申请已保存为草稿；内容完整后请在截止日期前提交")
        return redirect(_url(challenge, application))
    if application.status == ApplicationStatus.SUBMITTED:
        flash(request, "修改已保存，申请保持已提交状态")
        return redirect(_url(challenge, application))
    try:
        with session.begin_nested():
            service.submit_application(session, actor, challenge, application)
    except AppError as exc:
        flash(request, "草稿已保存，但还不能提交：" + exc.detail, "error")
        return _application_page(
            request,
            session,
            user,
            challenge,
            application,
            values=values,
            errors=exc.field_errors(),
            status_code=exc.status_code,
        )
    flash(request, "揭榜申请已提交。截止后平台将组织专家评审，结果会通知您")
    return redirect(_url(challenge, application))


@router.get("/challenges/{challenge_id}/applications/{application_id}")
def application_page(
    challenge_id: int,
    application_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    return _application_page(request, session, user, challenge, application)


@router.post("/challenges/{challenge_id}/applications/{application_id}")
def update_application(
    challenge_id: int,
    application_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    values = form_fields(form)
    data, errors = _parse(values)
    if data is None:
        return _application_page(
            request,
            session,
            user,
            challenge,
            application,
            values=values,
            errors=errors,
            status_code=422,
        )
    try:
        with session.begin_nested():
            service.update_application(session, actor, challenge, application, data)
    except PermissionDenied:
        raise
    except AppError as exc:
        session.refresh(application)
        if "current_version" in exc.extra:
            # Shown again with what was typed, now based on the latest version.
            values["version"] = str(exc.extra["current_version"])
        return _application_page(
            request,
            session,
            user,
            challenge,
            application,
            values=values,
            errors=exc.field_errors(),
            status_code=exc.status_code,
        )
    return _after_save(request, session, user, actor, challenge, application, values)


@router.post("/challenges/{challenge_id}/applications/{application_id}/withdraw")
def withdraw(
    challenge_id: int,
    application_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.withdraw_application(session, actor, challenge, application),
        back=_url(challenge, application),
        done="申请已撤回；截止日期前可以修改后重新提交",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/applications/{application_id}/attachments")
def upload(
    challenge_id: int,
    application_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    chosen = uploaded_file(form)
    if chosen is None:
        flash(request, "请选择要上传的文件", "error")
        return redirect(_url(challenge, application))
    name, data = chosen
    return act_and_redirect(
        request,
        session,
        lambda: service.add_attachment(
            session, actor, challenge, application, filename=name, data=data
        ),
        back=_url(challenge, application),
        done=f"已上传“{name}”",
        raise_statuses=STILL_RAISED,
    )


@router.post(
    "/challenges/{challenge_id}/applications/{application_id}/attachments/{attachment_id}/delete"
)
def delete_attachment(
    challenge_id: int,
    application_id: int,
    attachment_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.remove_attachment(session, actor, challenge, application, attachment_id),
        back=_url(challenge, application),
        done="附件已删除",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/milestones/{seq}/submit")
def submit_milestone(
    challenge_id: int,
    seq: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    values = form_fields(form)
    back = values.get("back") or _url(challenge)
    if not back.startswith(f"/challenges/{challenge.id}/"):
        back = _url(challenge)
    report = values.get("report", "")
    if len(report) < 4:
        flash(request, "请填写阶段工作报告（至少 4 个字）", "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: service.submit_milestone(session, actor, challenge, seq, report),
        back=back,
        done="阶段报告已提交，等待管理员验收",
        raise_statuses=STILL_RAISED,
    )


@router.get("/me/challenge-applications")
def my_applications(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    apps = service.mine(session, user)
    challenges = service.challenges_by_id(session, [a.challenge_id for a in apps])
    return render(
        request,
        "challenges/mine.html",
        {"rows": [(challenges[a.challenge_id], a) for a in apps], "has_org": bool(user.org_id)},
    )
