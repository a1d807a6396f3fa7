"""People: registration, login with throttling, page sessions, API tokens, password reset, roles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.accounts import repository, throttle
from app.accounts.schemas import (
    Affiliation,
    PasswordChange,
    ProfileUpdate,
    Registration,
    RoleChange,
    TokenCreate,
)
from app.core import audit, versioning
from app.core.audit import Actor
from app.core.config import get_settings
from app.core.db import RowGone, lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from app.core.mail import send_mail
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize
from app.core.ratelimit import wait_text
from app.core.regions import REGIONS
from app.core.security import (
    hash_password,
    needs_rehash,
    new_token,
    password_problem,
    token_digest,
    verify_password,
)
from app.core.templating import templates
from app.models import ApiToken, LoginSession, Organization, PasswordResetToken, User
from app.models.enums import Role
from app.orgs import service as org_service
from app.orgs.credit_code import normalise

TOKEN_PREFIX = "kc_"


def get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def register(session: Session, actor: Actor, data: Registration) -> User:
    """Create a person with a new organisation (as its admin) or a request to join one.

    All or nothing: a refused organisation leaves no account behind, so the person can
    correct the form and register with the same e-mail address.
    """
    if repository.get_by_email(session, data.email) is not None:
        raise Conflict("该邮箱已注册，请直接登录或找回密码", errors={"email": "该邮箱已注册"})
    with session.begin_nested():
        user = User(
            email=data.email.lower(),
            name=data.name,
            phone=data.phone.strip(),
            password_hash=hash_password(data.password),
            role=Role.USER,
        )
        session.add(user)
        session.flush()
        actor = Actor(user=user, ip=actor.ip)
        _attach_to_org(session, actor, user, data)
        audit.record(
            session,
            actor,
            "user.register",
            user,
            summary=f"注册账号 {user.email}",
            after=audit.snapshot(
                user, ["email", "name", "org_id", "org_role", "membership_status"]
            ),
        )
    return user


def affiliate(session: Session, actor: Actor, user: User, data: Affiliation) -> User:
    """Let a person without an organisation register a new one or ask to join one."""
    with session.begin_nested():
        try:
            lock_row(user)
        except RowGone:
            raise NotFound("用户不存在") from None
        if user.org_id is not None:
            raise Conflict("您已属于一个机构（或加入申请正在审批中），不能再加入其他机构")
        org = _attach_to_org(session, actor, user, data)
        audit.record(
            session,
            actor,
            "user.affiliate",
            user,
            summary=f"{user.name} {'注册机构' if data.org_mode == 'new' else '申请加入'} {org.name}",
            after=audit.snapshot(user, ["org_id", "org_role", "membership_status"]),
        )
    return user


def _attach_to_org(session: Session, actor: Actor, user: User, data: Affiliation) -> Organization:
    if data.org_mode == "new":
        assert data.org is not None
        org = org_service.create(session, actor, data.org)
        org_service.join(session, user, org, as_admin=True)
        return org
    existing = org_service.get_by_credit_code(session, normalise(data.existing_credit_code))
    if existing is None:
        raise InvalidInput(
            errors={
                "existing_credit_code": "没有找到该统一社会信用代码对应的机构，请核对或注册新机构"
            }
        )
    org_service.join(session, user, existing)
    return existing


def authenticate(session: Session, email: str, password: str, ip: str = "") -> User:
    """Check a password; failures earn growing waits (see ``throttle``), never a lock."""
    user = repository.get_by_email(session, email)
    usual = user is not None and throttle.signed_in_from(session, user.id, ip)
    throttle.check(session, email, ip, usual_address=usual)
    matched = verify_password(user.password_hash if user else None, password)
    if user is None or not matched:
        wait = throttle.record_failure(session, email, ip)
        if user is not None and wait:
            audit.record(
                session,
                Actor(ip=ip),
                "user.login_throttled",
                user,
                summary=f"{user.email} 连续登录失败{throttle.failures(session, email)}次，"
                f"下次尝试需等待{wait_text(wait)}",
            )
        raise NotAuthenticated("邮箱或密码不正确", title="登录失败", keep_changes=True)
    if not user.is_active:
        raise NotAuthenticated("该账号已停用，请联系平台管理员", title="登录失败")
    throttle.record_success(session, email)
    user.last_login_at = utcnow()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, Actor(user=user, ip=ip), "user.login", user, summary=f"{user.email} 登录")
    return user


def start_session(session: Session, user: User, *, ip: str, user_agent: str) -> str:
    """Open a page session; the random key returned goes into the signed cookie."""
    raw = new_token()
    session.add(
        LoginSession(
            user_id=user.id, key_hash=token_digest(raw), ip=ip[:45], user_agent=user_agent[:255]
        )
    )
    session.flush()
    return raw


def end_session(session: Session, session_id: int | None) -> None:
    """Logout: the session ends on the server, so a copy of its cookie stops working too."""
    if session_id is None:
        return
    row = session.get(LoginSession, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()


def list_sessions(session: Session, user: User) -> list[LoginSession]:
    """The person's live page sessions, most recently seen first."""
    since = utcnow() - timedelta(seconds=get_settings().session_max_age_seconds)
    return repository.live_sessions_of(session, user.id, since)


def revoke_session(session: Session, actor: Actor, user: User, session_id: int) -> LoginSession:
    """End one of the person's own page sessions (another browser or device)."""
    row = repository.session_of(session, user.id, session_id)
    if row is None:
        raise NotFound("登录会话不存在")
    lock_row(row)  # two clicks at once: the second finds it ended
    if row.revoked_at is not None:
        raise Conflict("该登录会话已经结束")
    row.revoked_at = utcnow()
    session.flush()
    audit.record(
        session, actor, "user.session_revoke", user, summary=f"{user.email} 结束了一个登录会话"
    )
    return row


def _revoke_all_sessions(session: Session, user: User) -> None:
    repository.revoke_sessions_of(session, user.id, utcnow())


#: Ended page sessions are kept this long: they tell the login throttle a person's usual addresses.
SESSION_HISTORY_DAYS = 90


def purge_stale(session: Session) -> None:
    """Forget page sessions over ``SESSION_HISTORY_DAYS`` old and failed-login counts gone quiet."""
    settings = get_settings()
    now = utcnow()
    repository.delete_sessions_started_before(session, now - timedelta(days=SESSION_HISTORY_DAYS))
    quiet = now - timedelta(minutes=settings.login_failure_window_minutes)
    repository.delete_quiet_throttles(session, quiet_since=quiet, now=now)


def create_token(
    session: Session, actor: Actor, user: User, data: TokenCreate
) -> tuple[ApiToken, str]:
    """Issue an API token; the plain value is returned once and never stored."""
    raw = new_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=data.name.strip(),
        token_hash=token_digest(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        expires_at=utcnow() + timedelta(days=data.expires_in_days)
        if data.expires_in_days
        else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "token.create",
        token,
        summary=f"创建 API 令牌“{token.name}”",
        after=audit.snapshot(token, ["name", "prefix", "expires_at"]),
    )
    return token, raw


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return repository.tokens_of(session, user.id)


def revoke_token(session: Session, actor: Actor, user: User, token_id: int) -> ApiToken:
    token = repository.token_of(session, user.id, token_id)
    if token is None:
        raise NotFound("令牌不存在")
    lock_row(token)
    if token.revoked_at is not None:
        raise Conflict("该令牌已经撤销")
    token.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "token.revoke", token, summary=f"撤销 API 令牌“{token.name}”")
    return token


def request_password_reset(session: Session, email: str, ip: str = "") -> None:
    """Mail a one-time reset link; unknown addresses get the same answer and no mail."""
    settings = get_settings()
    user = repository.get_by_email(session, email)
    if user is None or not user.is_active:
        return
    # The same answer as for an unknown address, so a limit reached tells nothing either.
    recent = repository.reset_tokens_since(session, user.id, utcnow() - timedelta(hours=1))
    if recent >= settings.password_reset_mails_per_hour:
        return
    raw = new_token()
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_digest(raw),
            expires_at=utcnow() + timedelta(minutes=settings.password_reset_minutes),
        )
    )
    link = f"{settings.base_url.rstrip('/')}/password/reset?token={raw}"
    body = (
        templates()
        .get_template("emails/password_reset.txt")
        .render(
            user=user,
            link=link,
            minutes=settings.password_reset_minutes,
            site_name=settings.site_name,
        )
    )
    send_mail(session, to=user.email, subject=f"【{settings.site_name}】重置密码", body=body)
    audit.record(
        session,
        Actor(ip=ip),
        "user.password_reset_requested",
        user,
        summary=f"{user.email} 申请重置密码",
    )


def reset_password(session: Session, raw_token: str, password: str, ip: str = "") -> User:
    """Set a new password with a valid one-time token; the token is then spent."""
    reset = repository.reset_token(session, token_digest(raw_token))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise InvalidInput("重置链接无效或已过期，请重新申请", errors={"token": "链接无效或已过期"})
    user = get(session, reset.user_id)
    _set_password(session, user, password, field="password")
    reset.used_at = utcnow()
    session.flush()
    audit.record(
        session,
        Actor(user=user, ip=ip),
        "user.password_reset",
        user,
        summary=f"{user.email} 通过邮件链接重置了密码",
    )
    return user


def change_password(session: Session, actor: Actor, user: User, data: PasswordChange) -> None:
    if not verify_password(user.password_hash, data.current_password):
        raise InvalidInput(errors={"current_password": "当前密码不正确"})
    _set_password(session, user, data.new_password, field="new_password")
    session.flush()
    audit.record(session, actor, "user.password_change", user, summary=f"{user.email} 修改了密码")


def _set_password(session: Session, user: User, password: str, *, field: str) -> None:
    """A new password, strong also against the person's own email and name; every page
    session of the person ends (the page that changed it opens a fresh one)."""
    problem = password_problem(password, [user.email, user.name])
    if problem:
        raise InvalidInput(errors={field: problem})
    user.password_hash = hash_password(password)
    _revoke_all_sessions(session, user)


#: Chinese names of the profile fields, for the message of a refused stale edit.
PROFILE_LABELS = {"name": "姓名", "phone": "手机号"}


def update_profile(
    session: Session,
    actor: Actor,
    user: User,
    data: ProfileUpdate,
    *,
    expected_version: int | None = None,
) -> User:
    """Change one's name and phone; refused (409) when ``expected_version`` (else
    ``data.version``) is no longer the current one, e.g. saved meanwhile in another window."""
    expected = expected_version if expected_version is not None else data.version
    versioning.check(session, user, expected, "个人资料", PROFILE_LABELS, what=versioning.ELSEWHERE)
    fields = list(PROFILE_LABELS)
    before = audit.snapshot(user, fields)
    changes = data.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
    for key, value in changes.items():
        setattr(user, key, value.strip())
    old, new = audit.diff(before, audit.snapshot(user, fields))
    if new:
        user.version += 1
    session.flush()
    if new:
        audit.record(
            session,
            actor,
            "user.update",
            user,
            summary=f"{user.email} 修改个人资料",
            before=old | {"version": user.version - 1},
            after=new | {"version": user.version},
        )
    return user


def list_users(
    session: Session, actor: Actor, pagination: Pagination, *, q: str = "", role: Role | None = None
) -> Paged:
    authorize(actor.user, Action.USER_MANAGE)
    return paginate(session, repository.users_statement(q=q, role=role), pagination)


def change_role(session: Session, actor: Actor, user: User, data: RoleChange) -> User:
    """Give a person a platform role; district administrators need their region."""
    authorize(actor.user, Action.USER_MANAGE, user)
    if data.role == Role.DISTRICT_ADMIN and data.region_code not in REGIONS:
        raise InvalidInput(errors={"region_code": "区县管理员必须指定所管辖的区县或开发区"})
    if actor.user is not None and actor.user.id == user.id and data.role != user.role:
        raise Conflict("不能修改自己的角色，请让另一位平台管理员操作")
    before = audit.snapshot(user, ["role", "region_code"])
    user.role = data.role
    user.region_code = data.region_code if data.role == Role.DISTRICT_ADMIN else None
    session.flush()
    audit.record(
        session,
        actor,
        "user.role_change",
        user,
        summary=f"{user.email} 的角色改为{user.role.label}",
        before=before,
        after=audit.snapshot(user, ["role", "region_code"]),
    )
    return user


def set_active(session: Session, actor: Actor, user: User, active: bool) -> User:
    authorize(actor.user, Action.USER_MANAGE, user)
    if actor.user is not None and actor.user.id == user.id:
        raise Conflict("不能停用自己的账号")
    if user.is_active == active:
        return user
    user.is_active = active
    if not active:
        _revoke_all_sessions(session, user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        summary=f"{'启用' if active else '停用'}账号 {user.email}",
        before={"is_active": not active},
        after={"is_active": active},
    )
    return user


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    region_code: str | None = None,
) -> User:
    """Create an account directly (CLI ``create-admin``, demo data)."""
    if repository.get_by_email(session, email) is not None:
        raise Conflict(f"邮箱 {email} 已注册")
    user = User(
        email=email.lower(),
        name=name,
        password_hash=hash_password(password),
        role=role,
        region_code=region_code,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        user,
        summary=f"创建{role.label}账号 {email}",
        after=audit.snapshot(user, ["email", "name", "role", "region_code"]),
    )
    return user


def org_of(session: Session, user: User) -> Organization | None:
    """The organisation a person belongs to or asked to join."""
    return org_service.get_for_member(session, user)


def count(session: Session) -> int:
    return repository.count_users(session)
