from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from app.accounts import service
from app.accounts.schemas import (
    Affiliation,
    Credentials,
    PasswordChange,
    PasswordForgot,
    PasswordReset,
    ProfileUpdate,
    Registration,
    TokenCreate,
)
from app.core.deps import (
    SESSION_KEY,
    ActorDep,
    CurrentUser,
    OptionalUser,
    SessionDep,
    client_ip,
)
from app.core.errors import AppError
from app.core.pages import FormValues, nest, page_router, redirect, safe_next
from app.core.ratelimit import limit
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.models import User
from app.models.enums import OrgType

router = page_router()


def _login_session(request: Request, session: SessionDep, user: User) -> None:
    """A fresh session (server-side row, cookie key and CSRF token) on every sign-in."""
    key = service.start_session(
        session, user, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    request.session.clear()
    request.session[SESSION_KEY] = key


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: str = "/") -> Response:
    if user is not None:
        return redirect(safe_next(next))
    return render(request, "accounts/login.html", {"values": {}, "errors": {}, "next": next})


@router.post("/login", dependencies=[Depends(limit("login"))])
def login(request: Request, session: SessionDep, data: FormValues) -> Response:
    next_url = safe_next(data.get("next"))
    credentials, errors = parse_form(Credentials, data)
    error = ""
    status, headers = (400 if errors else 401), {}
    if credentials is not None:
        try:
            user = service.authenticate(
                session, credentials.email, credentials.password, client_ip(request)
            )
        except AppError as exc:
            error, status = exc.detail, exc.status_code
            if "retry_after" in exc.extra:
                headers["Retry-After"] = str(exc.extra["retry_after"])
        else:
            _login_session(request, session, user)
            flash(request, f"欢迎回来，{user.name}")
            return redirect(next_url)
    context = {"values": data, "errors": errors, "error": error, "next": next_url}
    response = render(request, "accounts/login.html", context, status_code=status)
    response.headers.update(headers)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    service.end_session(session, getattr(request.state, "login_session_id", None))
    request.session.clear()
    flash(request, "您已安全退出")
    return redirect("/")


def _registration_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "org_types": OrgType.choices(),
        "regions": list(REGIONS.items()),
    }


def _affiliation_form(values: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {**values}
    if values.get("org_mode", "new") == "new":
        payload["org"] = nest(values, "org")
    return payload


def _affiliation_errors(exc: AppError) -> dict[str, str]:
    """A refused organisation's errors under the form's own field names."""
    return {
        f"org.{k}" if k in {"name", "credit_code"} else k: v
        for k, v in exc.extra.get("errors", {}).items()
    } or {"form": exc.detail}


@router.get("/register")
def register_form(request: Request) -> Response:
    return render(request, "accounts/register.html", _registration_context({"org_mode": "new"}, {}))


@router.post("/register", dependencies=[Depends(limit("register"))])
def register(
    request: Request, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    if values.get("password") != values.get("password_confirm"):
        errors = {"password_confirm": "两次输入的密码不一致"}
        return render(request, "accounts/register.html", _registration_context(values, errors), 422)
    registration, errors = parse_form(Registration, _affiliation_form(values))
    if registration is None:
        return render(request, "accounts/register.html", _registration_context(values, errors), 422)
    try:
        user = service.register(session, actor, registration)
    except AppError as exc:
        errors = _affiliation_errors(exc)
        return render(
            request,
            "accounts/register.html",
            _registration_context(values, errors),
            exc.status_code,
        )
    _login_session(request, session, user)
    if registration.org_mode == "new":
        flash(request, "注册成功。机构资料已提交审核，认证通过后即可发布信息。")
    else:
        flash(request, "注册成功。加入机构的申请已提交，请等待该机构管理员批准。")
    return redirect("/me")


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return render(request, "accounts/password_forgot.html", {"values": {}, "errors": {}})


@router.post("/password/forgot", dependencies=[Depends(limit("password_reset"))])
def forgot(request: Request, session: SessionDep, values: FormValues) -> Response:
    data, errors = parse_form(PasswordForgot, values)
    if data is None:
        return render(
            request, "accounts/password_forgot.html", {"values": values, "errors": errors}, 422
        )
    service.request_password_reset(session, data.email, client_ip(request))
    flash(request, "如果该邮箱已注册，重置密码的链接已发送，请在1小时内查收邮件并完成重置")
    return redirect("/login")


@router.get("/password/reset")
def reset_form(request: Request, token: str = "") -> Response:
    return render(request, "accounts/password_reset.html", {"token": token, "errors": {}})


@router.post("/password/reset", dependencies=[Depends(limit("password_reset"))])
def reset(request: Request, session: SessionDep, values: FormValues) -> Response:
    token = values.get("token", "")
    if values.get("password") != values.get("password_confirm"):
        return render(
            request,
            "accounts/password_reset.html",
            {"token": token, "errors": {"password_confirm": "两次输入的密码不一致"}},
            422,
        )
    data, errors = parse_form(PasswordReset, values)
    if data is not None:
        try:
            service.reset_password(session, data.token, data.password, client_ip(request))
        except AppError as exc:
            errors = exc.field_errors("token")
    if errors:
        return render(
            request, "accounts/password_reset.html", {"token": token, "errors": errors}, 422
        )
    flash(request, "密码已重置，请使用新密码登录")
    return redirect("/login")


def _profile(request: Request, session: SessionDep, user: CurrentUser, **extra: Any) -> Response:
    context = {
        "tokens": service.list_tokens(session, user),
        "login_sessions": service.list_sessions(session, user),
        "current_session_id": getattr(request.state, "login_session_id", None),
        "org": service.org_of(session, user),
        "org_types": OrgType.choices(),
        "regions": list(REGIONS.items()),
        "affiliation": {"org_mode": "new"},
        "errors": {},
        "values": {"name": user.name, "phone": user.phone, "version": user.version},
        **extra,
    }
    return render(
        request, "accounts/profile.html", context, status_code=422 if context["errors"] else 200
    )


@router.get("/me")
def profile(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _profile(request, session, user)


@router.post("/me/profile")
def update_profile(
    request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep, values: FormValues
) -> Response:
    data, errors = parse_form(ProfileUpdate, values)
    if data is None:
        return _profile(request, session, user, errors=errors, values=values)
    try:
        with session.begin_nested():
            service.update_profile(session, actor, user, data)
    except AppError as exc:
        if "current_version" in exc.extra:
            # Shown again with what was typed, now based on the latest version.
            values["version"] = str(exc.extra["current_version"])
        return _profile(request, session, user, errors=exc.field_errors("profile"), values=values)
    flash(request, "个人资料已保存")
    return redirect("/me")


@router.post("/me/org")
def affiliate(
    request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep, values: FormValues
) -> Response:
    data, errors = parse_form(Affiliation, _affiliation_form(values))
    if data is not None:
        try:
            service.affiliate(session, actor, user, data)
        except AppError as exc:
            errors = _affiliation_errors(exc)
    if errors:
        return _profile(request, session, user, errors=errors, affiliation=values)
    if data is not None and data.org_mode == "new":
        flash(request, "机构资料已提交审核，认证通过后即可发布信息。")
    else:
        flash(request, "加入机构的申请已提交，请等待该机构管理员批准。")
    return redirect("/me")


@router.post("/me/password")
def change_password(
    request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep, values: FormValues
) -> Response:
    data, errors = parse_form(PasswordChange, values)
    if data is not None:
        try:
            service.change_password(session, actor, user, data)
        except AppError as exc:
            errors = exc.field_errors("current_password")
    if errors:
        return _profile(request, session, user, errors=errors)
    _login_session(request, session, user)
    flash(request, "密码已修改，其他设备上的登录已失效")
    return redirect("/me")


@router.post("/me/tokens")
def create_token(
    request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep, values: FormValues
) -> Response:
    if values.get("expires_in_days") == "never":
        values["expires_in_days"] = None
    data, errors = parse_form(TokenCreate, values)
    if data is None:
        return _profile(request, session, user, errors={f"token_{k}": v for k, v in errors.items()})
    token, raw = service.create_token(session, actor, user, data)
    return _profile(request, session, user, new_token=raw, new_token_name=token.name)


@router.post("/me/tokens/{token_id}/revoke")
def revoke_token(
    token_id: int, request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep
) -> Response:
    token = service.revoke_token(session, actor, user, token_id)
    flash(request, f"令牌“{token.name}”已撤销")
    return redirect("/me")


@router.post("/me/sessions/{session_id}/revoke")
def revoke_session(
    session_id: int, request: Request, session: SessionDep, user: CurrentUser, actor: ActorDep
) -> Response:
    service.revoke_session(session, actor, user, session_id)
    flash(request, "该登录会话已结束，对应设备需要重新登录")
    return redirect("/me")
