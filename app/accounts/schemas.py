from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import EmailStr, Field, ValidationInfo, field_validator, model_validator

from app.core.schemas import Schema
from app.core.security import password_problem
from app.models.enums import MembershipStatus, OrgRole, Role
from app.orgs.schemas import OrgFields


def _strong(value: str, info: ValidationInfo) -> str:
    """A new password strong enough, also against the email and name given with it."""
    personal = [str(info.data.get(field) or "") for field in ("email", "name")]
    problem = password_problem(value, personal)
    if problem:
        raise ValueError(problem)
    return value


class Affiliation(Schema):
    """The organisation a person belongs to: a new one they register, or one they ask to join."""

    org_mode: Literal["new", "existing"] = Field(
        description="new：注册新机构并成为机构管理员；existing：按信用代码申请加入已有机构"
    )
    org: OrgFields | None = Field(default=None, description="org_mode=new 时填写")
    existing_credit_code: str = Field(default="", description="org_mode=existing 时填写")

    @model_validator(mode="after")
    def _org_given(self) -> Affiliation:
        if self.org_mode == "new" and self.org is None:
            raise ValueError("注册新机构时请填写机构信息")
        if self.org_mode == "existing" and not self.existing_credit_code.strip():
            raise ValueError("加入已有机构时请填写该机构的统一社会信用代码")
        return self


class Registration(Affiliation):
    email: EmailStr
    name: str = Field(min_length=2, max_length=50, description="真实姓名")
    phone: str = Field(default="", max_length=30)
    password: str = Field(max_length=128)

    _password = field_validator("password")(_strong)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 2:
            raise ValueError("姓名至少2个字")
        return value


class Credentials(Schema):
    email: EmailStr
    password: str = Field(max_length=128)


class TokenCreate(Schema):
    name: str = Field(min_length=1, max_length=60, description="令牌用途，例如“数据同步脚本”")
    expires_in_days: int | None = Field(default=90, ge=1, le=3650, description="为空表示不过期")


class TokenRequest(Credentials, TokenCreate):
    """Credentials plus the token to create, for API-only clients."""


class Token(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class LoginSessionOut(Schema):
    id: int
    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str


class TokenCreated(Token):
    token: str = Field(description="完整令牌，只显示这一次")


class PasswordForgot(Schema):
    email: EmailStr


class PasswordReset(Schema):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(max_length=128)

    _password = field_validator("password")(_strong)


class PasswordChange(Schema):
    current_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)

    _password = field_validator("new_password")(_strong)


class ProfileUpdate(Schema):
    name: str | None = Field(default=None, min_length=2, max_length=50)
    phone: str | None = Field(default=None, max_length=30)
    version: int | None = Field(
        default=None,
        ge=1,
        description="修改时所依据的版本（也可用 If-Match 头）；已被修改时返回 409",
    )


class UserOut(Schema):
    id: int
    email: str
    name: str
    phone: str
    role: Role
    region_code: str | None
    org_id: int | None
    org_role: OrgRole | None
    membership_status: MembershipStatus | None
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    version: int = Field(description="个人资料版本，修改时放入 If-Match")


class RoleChange(Schema):
    role: Role
    region_code: str | None = Field(default=None, description="区县管理员必须指定区域")
