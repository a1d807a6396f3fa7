from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from app.core.regions import REGIONS
from app.core.schemas import PastDate, PlausibleDate, Schema, WebUrl
from app.models.enums import OrgStatus, OrgTagKind, OrgType
from app.orgs.credit_code import credit_code_problem, normalise


def _check_region(value: str) -> str:
    if value not in REGIONS:
        raise ValueError("所在区域不在本市行政区划或开发区列表中")
    return value


class OrgFields(Schema):
    name: str = Field(min_length=2, max_length=120, description="机构全称")
    credit_code: str = Field(description="统一社会信用代码（18位）")
    org_type: OrgType
    region_code: str = Field(description="所在区县或开发区代码，见 /api/v1/regions")

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 2:
            raise ValueError("机构名称至少2个字")
        return value

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        problem = credit_code_problem(value)
        if problem:
            raise ValueError(problem)
        return normalise(value)

    @field_validator("region_code")
    @classmethod
    def _valid_region(cls, value: str) -> str:
        return _check_region(value)


class OrgUpdate(Schema):
    name: str | None = Field(default=None, min_length=2, max_length=120)
    org_type: OrgType | None = None
    region_code: str | None = None
    address: str | None = Field(default=None, max_length=200)
    website: WebUrl | None = None
    intro: str | None = Field(default=None, max_length=5000)
    contact_name: str | None = Field(default=None, max_length=50)
    contact_phone: str | None = Field(default=None, max_length=30)
    version: int | None = Field(
        default=None,
        ge=1,
        description="修改时所依据的版本（也可用 If-Match 头）；已被他人修改时返回 409",
    )

    @field_validator("region_code")
    @classmethod
    def _valid_region(cls, value: str | None) -> str | None:
        return None if value is None else _check_region(value)


class OrgTagIn(Schema):
    kind: OrgTagKind
    certificate_no: str = Field(default="", max_length=60)
    certified_on: PastDate | None = None
    expires_on: PlausibleDate | None = None


class OrgTagOut(OrgTagIn):
    id: int
    label: str


class OrgPublic(Schema):
    id: int
    name: str
    org_type: OrgType
    region_code: str
    region: str
    status: OrgStatus
    intro: str
    website: str
    verified_at: datetime | None


class OrgDetail(OrgPublic):
    credit_code: str
    address: str
    contact_name: str
    contact_phone: str
    status_reason: str
    tags: list[OrgTagOut]
    created_at: datetime
    version: int = Field(description="资料版本，修改时放入 If-Match")


class OrgDecision(Schema):
    reason: str = Field(default="", max_length=500, description="退回或停用时必填的原因")


class MemberOut(Schema):
    id: int
    name: str
    email: str
    org_role: str | None
    membership_status: str | None


class CodeName(Schema):
    """An entry of a fixed list: a region, an organisation type or tag."""

    code: str
    name: str
