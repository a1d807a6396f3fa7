"""Validating every row of an import into the listing schemas."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.core import clock
from app.core.audit import Actor
from app.core.money import parse_yuan
from app.core.pagination import Pagination
from app.core.permissions import Action, can
from app.core.regions import REGIONS
from app.core.validation import error_map
from app.listings import repository
from app.listings.schemas import CONFIDENTIAL_SECTIONS, FIELDS_BY_KIND, ListingFields
from app.listings.transfer.columns import (
    _DATE_COLUMNS,
    _IP_TYPES,
    _KEY_OF_ATTRIBUTE,
    _LIST_COLUMNS,
    _MONEY_COLUMNS,
)
from app.listings.transfer.suggest import FieldSuggester
from app.models import (
    Listing,
    Organization,
)
from app.models.enums import (
    ListingKind,
    ListingStatus,
    MaturityStage,
    OrgStatus,
    TransferMode,
)
from app.orgs import service as org_service
from app.taxonomy import service as taxonomy
from search.analysis import compact

# -- validating rows --------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    org: Organization
    data: ListingFields
    existing: Listing | None
    suggested: bool
    version: int | None = None  # the existing listing's, when the row was validated


class _Lookups:
    """Reference data read once per import."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.fields = taxonomy.names(session, "field")
        self.industries = taxonomy.names(session, "industry")
        self._orgs: dict[str, Organization | str] = {}

    def org(self, text: str) -> Organization | str:
        """The verified organisation named by full name or credit code, or why not."""
        key = text.strip().upper() if _looks_like_credit_code(text) else text.strip()
        if key not in self._orgs:
            self._orgs[key] = self._find_org(key)
        return self._orgs[key]

    def _find_org(self, key: str) -> Organization | str:
        org: Organization | None
        if _looks_like_credit_code(key):
            org = org_service.get_by_credit_code(self.session, key)
        else:
            page = org_service.list_orgs(
                self.session, self.actor.user, Pagination(page=1, size=100), q=key
            )
            org = next((o for o in page.items if o.name == key), None)
        if org is None:
            return "平台上没有这个机构，请填写已注册机构的全称或统一社会信用代码"
        if org.status != OrgStatus.VERIFIED:
            return f"机构“{org.name}”尚未通过认证，不能发布信息"
        return org


def _looks_like_credit_code(text: str) -> bool:
    return re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", text.strip().upper()) is not None


def _code_from(text: str, names: Mapping[str, str]) -> str | None:
    """A code from its code or its name (also the name without the bracketed note)."""
    value = text.strip()
    if value in names:
        return value
    folded = compact(value)
    for code, name in names.items():
        if folded in (compact(name), compact(re.split(r"[（(]", name)[0])):
            return code
    return None


def _enum_code(text: str, enum: type[StrEnum]) -> str | None:
    value = text.strip()
    for member in enum:
        if value in (member.value, getattr(member, "label", None)):
            return member.value
    return None


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for sep in "，,、;；|\n":
        text = text.replace(sep, " ")
    return text.split()


def _parse_date(value: Any) -> str:
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        raise ValueError("日期格式不正确，请写成 2026-12-31")
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise ValueError("日期不存在，请核对年月日") from None


def _parse_ip_items(value: Any) -> list[dict[str, str]]:
    if isinstance(value, list):
        return value
    items = []
    by_label = {label: code for code, label in _IP_TYPES.items()}
    for part in re.split(r"[;；\n]", str(value)):
        part = part.strip()
        if not part:
            continue
        kind = "patent"
        head, _, rest = part.replace("：", ":").partition(":")
        head = head.strip()
        if rest and (head in by_label or head in _IP_TYPES):
            kind = by_label.get(head, head)
            part = rest.strip()
        number, _, title = part.partition(" ")
        items.append({"type": kind, "number": number.strip(), "title": title.strip()})
    return items


def _prepare_values(
    kind: ListingKind, raw: dict[str, Any], lookups: _Lookups
) -> tuple[dict[str, Any], dict[str, str]]:
    """Column values → schema input; column key → reason for values that cannot be read."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        if key == "org" or (isinstance(value, str) and not value.strip()) or value == []:
            continue
        try:
            if key == "field":
                code = _code_from(str(value), lookups.fields)
                if code is None:
                    raise ValueError("技术领域不在分类表中，请填写分类代码或名称，也可留空")
                values["field_code"] = code
            elif key == "industry":
                code = _code_from(str(value), lookups.industries)
                if code is None:
                    raise ValueError("产业不在分类表中，请填写产业代码或名称")
                values["industry_code"] = code
            elif key == "region":
                code = _code_from(str(value), REGIONS)
                if code is None:
                    raise ValueError("所在区域不在本市行政区划或开发区列表中")
                values["region_code"] = code
            elif key == "maturity":
                code = _enum_code(str(value), MaturityStage)
                if code is None:
                    raise ValueError("成熟度应为：实验室、小试、中试、产业化")
                values[key] = code
            elif key in ("transfer_modes", "cooperation_modes"):
                codes = []
                for part in _split(value):
                    code = _enum_code(part, TransferMode)
                    if code is None:
                        raise ValueError(
                            f"“{part}”不是可选的方式，应为：转让、许可、作价入股、合作开发、技术服务"
                        )
                    codes.append(code)
                values[key] = codes
            elif key == "confidential":
                sections = CONFIDENTIAL_SECTIONS[kind]
                by_label = {label: name for name, label in sections.items()}
                chosen = []
                for part in _split(value):
                    name = part if part in sections else by_label.get(part)
                    if name is None:
                        raise ValueError(
                            f"“{part}”不能设为保密，可选：{'、'.join(sections.values())}"
                        )
                    chosen.append(name)
                values[key] = chosen
            elif key in _DATE_COLUMNS:
                values[key] = _parse_date(value)
            elif key == "ip_items":
                values[key] = _parse_ip_items(value)
            elif key in _LIST_COLUMNS:
                values[key] = _split(value)
            elif key in _MONEY_COLUMNS:
                text = str(value).strip()
                values[key] = None if text == "面议" else parse_yuan(value)
            else:
                values[key] = value.strip() if isinstance(value, str) else value
        except ValueError as exc:
            errors[key] = str(exc)
    return values, errors


def _column_of(error_field: str) -> str:
    name = error_field.split(".")[0]
    return _KEY_OF_ATTRIBUTE.get(name, name)


def stable_key(org_id: int, kind: ListingKind, title: str) -> str:
    """The external id of a row that has none: a hash of its organisation, kind and title."""
    digest = hashlib.sha256(f"{org_id}|{kind.value}|{compact(title)}".encode()).hexdigest()
    return f"title:{digest[:32]}"


class _Validator:
    def __init__(
        self, session: Session, actor: Actor, kind: ListingKind, *, as_admin: bool
    ) -> None:
        self.session = session
        self.actor = actor
        self.kind = kind
        self.as_admin = as_admin
        self.schema = FIELDS_BY_KIND[kind]
        self.lookups = _Lookups(session, actor)
        self.own_org = (
            None
            if as_admin or actor.user is None
            else org_service.get_for_member(session, actor.user)
        )
        self.suggester = FieldSuggester(self.lookups.fields)
        self.seen: dict[tuple[int, str], int] = {}
        self._by_key: dict[int, dict[str, Listing]] = {}

    def _existing(self, org_id: int) -> dict[str, Listing]:
        """The organisation's listings of this kind by external id, read once per import."""
        if org_id not in self._by_key:
            stmt = repository.of_org(self.session, org_id, self.kind, None)
            self._by_key[org_id] = {
                x.external_id: x for x in self.session.scalars(stmt) if x.external_id
            }
        return self._by_key[org_id]

    def row(self, number: int, raw: dict[str, Any]) -> tuple[_Row | None, dict[str, str]]:
        values, errors = _prepare_values(self.kind, raw, self.lookups)
        org = self._org(str(raw.get("org") or "").strip(), errors)
        for name in ("title", "summary"):
            if name not in values and name not in errors:
                errors[name] = "必填项"
        try:
            data = self.schema.model_validate(values)
        except ValidationError as exc:
            for name, reason in error_map(exc.errors()).items():
                errors.setdefault(_column_of(name) if name != "body" else "", reason)
            return None, errors
        deadline = getattr(data, "deadline", None)
        late = deadline is not None and deadline < clock.today()
        if errors or org is None:
            if late:
                errors.setdefault("deadline", "需求截止日期不能早于今天")
            return None, errors
        assert data.title is not None
        key = data.external_id or stable_key(org.id, self.kind, data.title)
        first = self.seen.setdefault((org.id, key), number)
        if first != number:
            column = "external_id" if data.external_id else "title"
            errors[column] = f"与第{first}行是同一条信息（外部编号或名称相同）"
            return None, errors
        existing = self._existing(org.id).get(key)
        if existing is not None:
            problem = self._cannot_update(existing)
            if problem:
                errors["external_id" if data.external_id else "title"] = problem
        # A past deadline is refused unless the listing already has it (an export re-imported).
        if late and (existing is None or getattr(existing, "deadline", None) != deadline):
            errors["deadline"] = "需求截止日期不能早于今天"
        if errors:
            return None, errors
        suggested = False
        if data.field_code is None and (existing is None or existing.field_code is None):
            code = self.suggester.suggest(
                data.title,
                f"{data.summary or ''} {data.description or ''}",
                data.keywords or [],
            )
            if code is not None:
                data = data.model_copy(update={"field_code": code})
                suggested = True
        data = data.model_copy(update={"external_id": key})
        version = existing.version if existing is not None else None
        return _Row(number, org, data, existing, suggested, version), {}

    def _org(self, text: str, errors: dict[str, str]) -> Organization | None:
        if self.as_admin:
            if not text:
                errors["org"] = "必填项：平台管理员导入时请填写所属机构"
                return None
            found = self.lookups.org(text)
            if isinstance(found, str):
                errors["org"] = found
                return None
            return found
        org = self.own_org
        assert org is not None
        if text and text.upper() != org.credit_code and text != org.name:
            errors["org"] = f"只能导入本机构（{org.name}）的信息"
            return None
        return org

    def _cannot_update(self, listing: Listing) -> str:
        if listing.status == ListingStatus.CLOSED:
            return "平台上的这条信息已关闭，不能再导入修改"
        if not self.as_admin and not can(self.actor.user, Action.LISTING_EDIT, listing):
            return "平台上已有这条信息，仅发布人或本机构管理员可以修改"
        return ""
