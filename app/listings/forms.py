"""The listing forms: how submitted fields become the schema's values, and back."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.core.audit import Actor
from app.core.deps import (
    CSRF_FIELD,
)
from app.core.errors import AppError
from app.core.money import format_yuan
from app.core.pages import (
    redirect,
)
from app.core.permissions import Action, can
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.listings import service
from app.listings.schemas import FIELD_LABELS as LABELS
from app.listings.schemas import REQUIRED_TO_SUBMIT, ListingFields, ListingOut
from app.models import Listing, User
from app.models.enums import ListingKind, ListingStatus, MaturityStage, MembershipStatus
from app.models.enums import TransferMode as Mode
from app.taxonomy import service as taxonomy

PAGE_SIZE = 12
CRITERIA_ROWS = 5
IP_ROWS = 3
IP_TYPES = [("patent", "专利"), ("software_copyright", "软件著作权"), ("other", "其他")]


# How the form's flat fields become the schema's values.
MULTI_FIELDS = ("transfer_modes", "cooperation_modes", "confidential")
ROW_FIELDS = {"criteria": ("name", "weight"), "ip_items": ("type", "number", "title")}
EMPTY_IS_NONE = {
    "field_code",
    "industry_code",
    "keywords",
    "inventors",
    "trl",
    "maturity",
    "price",
    "budget_min",
    "budget_max",
    "deadline",
    "contact_email",
    "reward",
    "application_deadline",
}
# Blank means "keep": the listing's region defaults to the organisation's; import ids stay.
KEEP_WHEN_BLANK = {"region_code", "external_id", "version"}
_ROW_NAME = re.compile(r"^(criteria|ip_items)-(\d{1,2})-(\w+)$")


async def _kind(request: Request) -> ListingKind:  # async: no worker thread for a lookup
    return ListingKind(request.url.path.split("/")[1].removesuffix("s"))


KindDep = Annotated[ListingKind, Depends(_kind)]


def labels_for(kind: ListingKind) -> dict[str, str]:
    """Field labels as this kind names them (成果名称, 需求详情 …)."""
    return LABELS | service.sections(kind) | REQUIRED_TO_SUBMIT[kind]


def url_of(listing: Listing | ListingOut) -> str:
    return f"/{listing.kind.value}s/{listing.id}"


# -- forms ---------------------------------------------------------------------------------------


def _submitted(form: FormData) -> dict[str, Any]:
    """The form as the template shows it again: strings, checkbox lists and row lists."""
    values: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, str]]] = {name: {} for name in ROW_FIELDS}
    for key, raw in form.multi_items():
        if not isinstance(raw, str) or key == CSRF_FIELD or key in MULTI_FIELDS:
            continue
        match = _ROW_NAME.match(key)
        if match:
            group, index, part = match.groups()
            rows[group].setdefault(int(index), {})[part] = raw.strip()
        else:
            values[key] = raw.strip()
    for name in MULTI_FIELDS:
        values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
    for group, parts in ROW_FIELDS.items():
        filled = [rows[group][i] for i in sorted(rows[group])]
        # A row counts once its main cell is filled (an IP row's type has a default).
        values[group] = [r for r in filled if any(r.get(p) for p in parts if p != "type")]
    return values


def _payload(kind: ListingKind, values: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for name in service.fields_schema(kind).model_fields:
        value = values.get(name)
        if name in MULTI_FIELDS:
            payload[name] = value or []
        elif name in ROW_FIELDS:
            payload[name] = value or None
        elif value:
            payload[name] = value
        elif name in KEEP_WHEN_BLANK:
            continue
        else:
            payload[name] = None if name in EMPTY_IS_NONE else ""
    return payload


def _parse(
    kind: ListingKind, values: dict[str, Any]
) -> tuple[ListingFields | None, dict[str, str]]:
    data, errors = parse_form(service.fields_schema(kind), _payload(kind, values))
    for name in ("title", "summary"):
        if not values.get(name):
            errors[name] = "必填项"
    if kind == ListingKind.CHALLENGE:
        # Columns that cannot be empty once a challenge exists.
        if not values.get("reward"):
            errors.setdefault("reward", "请填写榜单奖励金额")
        if not values.get("application_deadline"):
            errors.setdefault("application_deadline", "请填写揭榜截止日期")
    if "body" in errors:
        errors["form"] = errors.pop("body")
    return (None if errors else data), errors


def _values_of(listing: Listing) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in service.snapshot(listing).items():
        if value is None:
            values[name] = ""
        elif name in ("keywords", "inventors"):
            values[name] = "，".join(value)
        elif name in MULTI_FIELDS or name in ROW_FIELDS:
            values[name] = list(value)
        elif name in ("price", "budget_min", "budget_max", "reward"):
            values[name] = format_yuan(Decimal(value))  # "80万元", as people type it
        else:
            values[name] = str(value)
    values["version"] = str(listing.version)
    return values


def _padded(rows: list[dict[str, Any]], minimum: int) -> list[dict[str, Any]]:
    return [*rows, *({} for _ in range(max(minimum, len(rows) + 1) - len(rows)))]


def error_list(kind: ListingKind, errors: dict[str, str]) -> list[str]:
    """Errors for the summary at the top of a form, each with the field it belongs to."""
    labels = labels_for(kind)
    out = []
    for key, message in errors.items():
        head, _, rest = key.partition(".")
        label = labels.get(head, "")
        index = rest.split(".")[0]
        if label and index.isdigit():
            label += f"第{int(index) + 1}行"
        said = label and head != "form" and not message.startswith(label)
        out.append(f"{label}：{message}" if said else message)
    return out


def publish_block(user: User) -> str:
    """Why ``user`` cannot publish yet, in words that say what to do; empty when they can."""
    org = user.org
    if can(user, Action.ORG_PUBLISH, org):
        return ""
    if org is None:
        return "您还没有加入机构。请在个人中心加入或登记所在机构，机构通过认证后即可发布。"
    if user.membership_status != MembershipStatus.ACTIVE:
        return f"您加入“{org.name}”的申请正在等待机构管理员批准，批准后即可发布。"
    return (
        f"您所在的机构“{org.name}”尚未通过平台认证（当前状态：{org.status.label}），"
        "认证通过后本机构成员才能发布信息。"
    )


def _form_page(
    request: Request,
    session: Session,
    user: User,
    kind: ListingKind,
    *,
    listing: Listing | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int | None = None,
) -> Response:
    values = dict(values if values is not None else (_values_of(listing) if listing else {}))
    values["criteria"] = _padded(values.get("criteria") or [], CRITERIA_ROWS)
    values["ip_items"] = _padded(values.get("ip_items") or [], IP_ROWS)
    errors = errors or {}
    context = {
        "kind": kind,
        "listing": listing,
        "values": values,
        "errors": errors,
        "error_list": error_list(kind, errors),
        "notice": notice,
        "blocked": "" if listing else publish_block(user),
        "labels": labels_for(kind),
        "required": set(REQUIRED_TO_SUBMIT[kind]),
        "fields": taxonomy.choices(session, "field"),
        "industries": taxonomy.choices(session, "industry"),
        "maturities": MaturityStage.choices(),
        "modes": Mode.choices(),
        "trls": [(str(n), f"TRL {n}") for n in range(1, 10)],
        "regions": list(REGIONS.items()),
        "sections": service.sections(kind),
        "ip_types": IP_TYPES,
        "action": f"{url_of(listing)}/edit" if listing else f"/{kind.value}s/new",
        "return_reason": taxonomy.names(session, "return_reason").get(
            listing.return_reason_code or "", ""
        )
        if listing is not None and listing.status == ListingStatus.RETURNED
        else "",
    }
    code = status_code or (422 if errors else 200)
    return render(request, "listings/form.html", context, status_code=code)


def _problem(exc: AppError) -> dict[str, str]:
    if exc.status_code in (401, 404):
        raise exc
    return exc.field_errors()


def _save_then_submit(
    request: Request, session: Session, actor: Actor, listing: Listing, values: dict[str, Any]
) -> Response:
    try:
        with session.begin_nested():
            service.submit(session, actor, listing)
    except AppError as exc:
        assert actor.user is not None
        return _form_page(
            request,
            session,
            actor.user,
            listing.kind,
            listing=listing,
            values=values,
            errors=_problem(exc),
            notice="内容已保存为草稿，但还不能提交审核，请补全以下内容后再提交：",
        )
    flash(request, "已提交审核，审核通过后将公开展示")
    return redirect(url_of(listing))
