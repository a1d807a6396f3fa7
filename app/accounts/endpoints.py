from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from app.accounts import service
from app.accounts.schemas import (
    Affiliation,
    LoginSessionOut,
    PasswordChange,
    PasswordForgot,
    PasswordReset,
    ProfileUpdate,
    Registration,
    RoleChange,
    Token,
    TokenCreate,
    TokenCreated,
    TokenRequest,
    UserOut,
)
from app.core.audit import Actor
from app.core.deps import ActorDep, CurrentUser, SessionDep, client_ip
from app.core.pagination import Paged, PaginationDep
from app.core.ratelimit import limit
from app.core.schemas import Page
from app.core.versioning import expected_version, set_etag
from app.models.enums import Role

router = APIRouter(tags=["账号"])


@router.post(
    "/auth/register",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit("register"))],
)
def register(data: Registration, session: SessionDep, actor: ActorDep) -> object:
    """注册个人账号，同时注册新机构或申请加入已有机构。"""
    return service.register(session, actor, data)


@router.post(
    "/auth/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit("login"))],
    responses={401: {"description": "邮箱或密码不正确，或账号已停用"}},
)
def token_with_password(data: TokenRequest, session: SessionDep, request: Request) -> object:
    """用邮箱和密码换取一个 API 令牌（供脚本和系统对接使用）。"""
    user = service.authenticate(session, data.email, data.password, client_ip(request))
    token, raw = service.create_token(session, Actor(user=user, ip=client_ip(request)), user, data)
    return {**Token.model_validate(token).model_dump(), "token": raw}


@router.post(
    "/auth/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(limit("password_reset"))],
)
def password_forgot(data: PasswordForgot, session: SessionDep, request: Request) -> dict[str, str]:
    """发送重置密码邮件；无论邮箱是否注册都返回相同结果。"""
    service.request_password_reset(session, data.email, client_ip(request))
    return {"detail": "如果该邮箱已注册，重置密码的链接已发送，请查收邮件"}


@router.post("/auth/password/reset", dependencies=[Depends(limit("password_reset"))])
def password_reset(data: PasswordReset, session: SessionDep, request: Request) -> dict[str, str]:
    """用邮件中的一次性令牌设置新密码。"""
    service.reset_password(session, data.token, data.password, client_ip(request))
    return {"detail": "密码已重置，请使用新密码登录"}


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser, response: Response) -> object:
    """当前登录用户（响应头 ETag 为个人资料版本）。"""
    set_etag(response, user.version)
    return user


@router.patch(
    "/me", response_model=UserOut, responses={409: {"description": "所依据的版本已被修改"}}
)
def update_me(
    data: ProfileUpdate,
    user: CurrentUser,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    if_match: Annotated[str | None, Header(description='所依据的版本，如 "3"')] = None,
) -> object:
    """修改个人资料；带 If-Match（或请求体 version）时，若该版本已被修改则返回 409，不覆盖。"""
    updated = service.update_profile(
        session, actor, user, data, expected_version=expected_version(if_match, data.version)
    )
    set_etag(response, updated.version)
    return updated


@router.post("/me/org", response_model=UserOut, responses={409: {"description": "已属于机构"}})
def affiliate(data: Affiliation, user: CurrentUser, session: SessionDep, actor: ActorDep) -> object:
    """尚未属于机构的用户注册新机构（成为机构管理员）或申请加入已有机构。"""
    return service.affiliate(session, actor, user, data)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    data: PasswordChange, user: CurrentUser, session: SessionDep, actor: ActorDep
) -> None:
    """修改密码；该账号所有已登录的浏览器会话随之失效（API 令牌不受影响）。"""
    service.change_password(session, actor, user, data)


@router.get("/me/sessions", response_model=Page[LoginSessionOut])
def list_sessions(user: CurrentUser, session: SessionDep, pagination: PaginationDep) -> object:
    """我仍然有效的浏览器登录会话。"""
    return Paged.of(service.list_sessions(session, user), pagination)


@router.delete("/me/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_session(
    session_id: int, user: CurrentUser, session: SessionDep, actor: ActorDep
) -> None:
    """结束一个浏览器登录会话，该浏览器需重新登录。"""
    service.revoke_session(session, actor, user, session_id)


@router.get("/me/tokens", response_model=Page[Token])
def list_tokens(user: CurrentUser, session: SessionDep, pagination: PaginationDep) -> object:
    """我的 API 令牌（不含令牌明文）。"""
    return Paged.of(service.list_tokens(session, user), pagination)


@router.post("/me/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(
    data: TokenCreate, user: CurrentUser, session: SessionDep, actor: ActorDep
) -> object:
    """创建 API 令牌；完整令牌只在此响应中出现一次。"""
    token, raw = service.create_token(session, actor, user, data)
    return {**Token.model_validate(token).model_dump(), "token": raw}


@router.delete("/me/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: int, user: CurrentUser, session: SessionDep, actor: ActorDep) -> None:
    """撤销 API 令牌，立即失效。"""
    service.revoke_token(session, actor, user, token_id)


@router.get("/users", response_model=Page[UserOut])
def list_users(
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    q: Annotated[str, Query(max_length=100, description="姓名或邮箱")] = "",
    role: Role | None = None,
) -> object:
    """用户列表（平台管理员）。"""
    return service.list_users(session, actor, pagination, q=q, role=role)


@router.post("/users/{user_id}/role", response_model=UserOut)
def change_role(user_id: int, data: RoleChange, session: SessionDep, actor: ActorDep) -> object:
    """设置用户的平台角色（平台管理员）。"""
    return service.change_role(session, actor, service.get(session, user_id), data)


@router.post("/users/{user_id}/deactivate", response_model=UserOut)
def deactivate(user_id: int, session: SessionDep, actor: ActorDep) -> object:
    """停用账号（平台管理员）。"""
    return service.set_active(session, actor, service.get(session, user_id), False)


@router.post("/users/{user_id}/activate", response_model=UserOut)
def activate(user_id: int, session: SessionDep, actor: ActorDep) -> object:
    """重新启用账号（平台管理员）。"""
    return service.set_active(session, actor, service.get(session, user_id), True)
