"""HTML pages of the catalogue: achievements, demands and challenges share every route.

Each kind lives under its own path (/achievements, /demands, /challenges); the handlers are
written once and registered for every kind at the bottom, and ``KindDep`` reads the kind
back from the path. Presentation (form rows, facts, labels) lives here; rules stay in the
service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.challenges import service as challenge_service
from app.core.audit import Actor
from app.core.clock import local_date
from app.core.deps import (
    CSRF_FIELD,
    ActorDep,
    CurrentUser,
    OptionalUser,
    SessionDep,
    writes_late,
)
from app.core.errors import AppError, PermissionDenied
from app.core.money import format_yuan
from app.core.pages import (
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    redirect,
    safe_next,
    uploaded_file,
)
from app.core.pagination import Paged, PaginationDep, query_filters
from app.core.permissions import Action, authorize, can
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.listings import service
from app.listings.schemas import FIELD_LABELS as LABELS
from app.listings.schemas import REQUIRED_TO_SUBMIT, ListingFields, ListingOut
from app.listings.search import FACETS
from app.matching import service as matching_service
from app.models import Challenge, Listing, User
from app.models.enums import ListingKind, ListingStatus, MaturityStage, MembershipStatus
from app.models.enums import TransferMode as Mode
from app.taxonomy import service as taxonomy

router = page_router()

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


# -- presentation of a listing -----------------------------------------------------------------


def _yuan(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_yuan(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _enum_label(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label) if value not in (None, "") else ""
    except ValueError:
        return str(value)


def _modes(codes: Any) -> str:
    return "、".join(_enum_label(Mode, c) for c in codes or [])


def budget_text(low: Any, high: Any) -> str:
    if low and high:
        return f"{_yuan(low)}–{_yuan(high)}"
    if low:
        return f"{_yuan(low)}起"
    if high:
        return f"{_yuan(high)}以内"
    return "面议"


def facts(item: ListingOut, brief: bool = False) -> list[tuple[str, str]]:
    """The public key figures of a listing: on cards (brief) and at the top of the detail."""
    d = item.data
    rows: list[tuple[str, str]]
    if item.kind == ListingKind.ACHIEVEMENT:
        rows = [
            ("成熟度", _enum_label(MaturityStage, d.get("maturity"))),
            ("价格", d.get("price_text") or _yuan(d.get("price")) or "面议"),
        ]
        if not brief:
            rows[1:1] = [
                ("技术就绪度", f"TRL {d['trl']}" if d.get("trl") else ""),
                ("转化方式", _modes(d.get("transfer_modes"))),
                ("中试情况", d.get("pilot_status") or ""),
            ]
    elif item.kind == ListingKind.DEMAND:
        rows = [
            ("预算", budget_text(d.get("budget_min"), d.get("budget_max"))),
            ("截止日期", d.get("deadline") or ("" if brief else "长期有效")),
        ]
        if not brief:
            rows.append(("合作方式", _modes(d.get("cooperation_modes"))))
    else:
        rows = [
            ("榜单奖励", _yuan(d.get("reward"))),
            ("揭榜截止", d.get("application_deadline") or ""),
        ]
    return [(label, str(text)) for label, text in rows if text]


@dataclass
class Section:
    name: str
    label: str
    hidden: bool
    confidential: bool = False
    text: str = ""
    items: list[Any] = field(default_factory=list)


def detail_sections(item: ListingOut) -> list[Section]:
    """The detail sections in reading order; hidden ones keep their place with a prompt."""
    out = []
    secret = set(item.data.get("confidential") or [])
    for name, label in service.sections(item.kind).items():
        if name in item.hidden_sections:
            out.append(Section(name, label, hidden=True))
            continue
        value = item.data.get(name)
        shown = Section(name, label, hidden=False, confidential=name in secret)
        if name == "ip_items":
            types = dict(IP_TYPES)
            shown.items = [
                {**row, "type": types.get(row.get("type", ""), "")} for row in value or []
            ]
        elif name == "inventors":
            shown.text = "、".join(value or [])
        else:
            shown.text = str(value or "")
        if shown.items or shown.text:
            out.append(shown)
    # The description leads whatever the order of the confidential list.
    out.sort(key=lambda s: s.name != "description")
    return out


def _version_rows(versions: list[Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each version with the fields that changed since the one before it."""
    rows = []
    for i, version in enumerate(versions):
        older = versions[i + 1].snapshot if i + 1 < len(versions) else {}
        changed = [
            labels.get(k, k)
            for k, v in version.snapshot.items()
            if k != "status" and older and older.get(k) != v
        ]
        rows.append(
            {
                "version": version.version,
                "created_at": version.created_at,
                "status": _enum_label(ListingStatus, version.status),
                "note": version.note,
                "changed": changed,
            }
        )
    return rows


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


# -- list and detail ---------------------------------------------------------------------------


def _render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    return render(request, template, {"facts": facts, **context}, status_code=status)


def browse(
    request: Request, session: SessionDep, user: OptionalUser, kind: KindDep, q: str = ""
) -> Response:
    params = request.query_params
    filters = query_filters(params, lambda name: name in FACETS)
    sort = params.get("sort") or ("relevance" if q.strip() else "newest")
    sort = sort if sort in ("relevance", "newest") else "newest"
    try:
        page_no = min(max(int(params.get("page", "1")), 1), 500)
    except ValueError:
        page_no = 1
    result = service.browse(
        session, user, kind, q=q[:200], filters=filters, page=page_no, size=PAGE_SIZE, sort=sort
    )
    path = f"/{kind.value}s"
    kept = [(k, v) for k, v in params.multi_items() if k != "page" and v]

    def toggle_url(name: str, value: str) -> str:
        items = [item for item in kept if item != (name, value)]
        if len(items) == len(kept):
            items.append((name, value))
        return f"{path}?{urlencode(items)}" if items else path

    return _render(
        request,
        "listings/list.html",
        {
            "kind": kind,
            "q": q,
            "sort": sort,
            "filters": filters,
            "facet_labels": FACETS,
            "result": result,
            "page": Paged(result["items"], result["total"], page_no, PAGE_SIZE),
            "base_url": f"{path}?{urlencode(kept)}" if kept else path,
            "toggle_url": toggle_url,
            "fav_ids": service.favourite_ids(session, user),
            "can_publish": user is not None and not publish_block(user),
        },
    )


def detail(
    listing_id: int,
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    actor: ActorDep,
    kind: KindDep,
) -> Response:
    listing = service.get(session, listing_id, user, kind)
    item = service.view(session, listing, user, log_contact=False)  # logged last, see below
    labels = labels_for(kind)
    context: dict[str, Any] = {
        "kind": kind,
        "listing": listing,
        "item": item,
        "labels": labels,
        "sections": detail_sections(item),
        "is_favourite": listing.id in service.favourite_ids(session, user),
        "access_status": service.access_status(session, listing, user),
        "attachments": service.visible_attachments(session, listing, user),
        "owner": can(user, Action.LISTING_EDIT, listing),
        "reviewer": can(user, Action.LISTING_REVIEW, listing),
        "lifecycle": service.lifecycle,
        "return_reasons": taxonomy.choices(session, "return_reason"),
        "return_reason": taxonomy.names(session, "return_reason").get(
            listing.return_reason_code or "", ""
        ),
        "panel": matching_service.panel(session, listing, user),
        "applications_open": isinstance(listing, Challenge)
        and challenge_service.accepting(listing),
    }
    if context["owner"]:
        context |= {
            "missing": service.missing_for_submit(listing),
            "close_reasons": taxonomy.choices(session, "close_reason"),
            "versions": _version_rows(service.versions(session, actor, listing), labels),
            "access_requests": service.access_requests(session, actor, listing),
            "contact_views": service.contact_views(session, actor, listing),
        }
    service.record_contact_view(session, listing, user)
    return _render(request, "listings/detail.html", context)


# -- create and edit ---------------------------------------------------------------------------


def new_form(request: Request, session: SessionDep, user: CurrentUser, kind: KindDep) -> Response:
    values = {"contact_name": user.name, "contact_phone": user.phone, "contact_email": user.email}
    return _form_page(request, session, user, kind, values=values)


def create(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    values = _submitted(form)
    data, errors = _parse(kind, values)
    if data is None:
        return _form_page(request, session, user, kind, values=values, errors=errors)
    try:
        with session.begin_nested():
            listing = service.create(session, actor, kind, data)
    except PermissionDenied as exc:
        return _form_page(
            request, session, user, kind, values=values, notice=exc.detail, status_code=403
        )
    except AppError as exc:
        return _form_page(request, session, user, kind, values=values, errors=_problem(exc))
    if values.get("action") == "submit":
        return _save_then_submit(request, session, actor, listing, values)
    flash(request, "草稿已保存。内容完整后可提交审核，审核通过后公开展示")
    return redirect(url_of(listing))


def _editable(session: Session, user: User, listing_id: int, kind: ListingKind) -> Listing:
    listing = service.get(session, listing_id, user, kind)
    authorize(user, Action.LISTING_EDIT, listing)
    return listing


def edit_form(
    listing_id: int, request: Request, session: SessionDep, user: CurrentUser, kind: KindDep
) -> Response:
    listing = _editable(session, user, listing_id, kind)
    errors = {}
    if listing.status == ListingStatus.RETURNED:
        errors = service.missing_for_submit(listing)
    return _form_page(request, session, user, kind, listing=listing, errors=errors, status_code=200)


def update(
    listing_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = _editable(session, user, listing_id, kind)
    values = _submitted(form)
    data, errors = _parse(kind, values)
    if data is None:
        return _form_page(
            request, session, user, kind, listing=listing, values=values, errors=errors
        )
    was_published = listing.status == ListingStatus.PUBLISHED
    try:
        with session.begin_nested():
            service.update(session, actor, listing, data)
    except AppError as exc:
        if "current_version" in exc.extra:
            # Shown again with what the person typed, now based on the latest version: saving
            # once more, after reading what changed, is a deliberate choice.
            values["version"] = str(exc.extra["current_version"])
        return _form_page(
            request, session, user, kind, listing=listing, values=values, errors=_problem(exc)
        )
    if values.get("action") == "submit" and service.lifecycle.can(listing, "submit"):
        return _save_then_submit(request, session, actor, listing, values)
    if was_published and listing.status == ListingStatus.SUBMITTED:
        flash(request, "修改已保存并重新提交审核；审核通过前，公众看到的仍是原有内容")
    else:
        flash(request, "修改已保存")
    return redirect(url_of(listing))


# -- lifecycle actions (owner and reviewer) -----------------------------------------------------


def _listing_action(
    request: Request,
    session: Session,
    listing: Listing,
    form: FormData,
    run: Callable[[dict[str, Any]], Any],
    done: Callable[[], str],
) -> Response:
    """A button on a listing's page, run with the submitted fields; back to where it came from,
    or to the edit form when the refusal names fields that must be filled in to submit."""
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    back = safe_next(values.get("back"), url_of(listing))

    def refused_back(exc: AppError) -> str:
        errors = exc.extra.get("errors") or {}
        if any(k in REQUIRED_TO_SUBMIT[listing.kind] for k in errors):
            return f"{url_of(listing)}/edit"
        return back

    return act_and_redirect(
        request,
        session,
        lambda: run(values),
        back=back,
        done=lambda _: done(),
        refused_back=refused_back,
    )


def submit(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda _v: service.submit(session, actor, listing),
        lambda: "已提交审核，审核通过后将公开展示",
    )


def publish(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda _v: service.publish(session, actor, listing),
        lambda: f"“{listing.title}”已审核通过并发布",
    )


def return_(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda v: service.return_(
            session, actor, listing, v.get("reason_code", ""), v.get("reason_text", "")
        ),
        lambda: f"“{listing.title}”已退回修改，发布方会收到通知",
    )


def close(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda v: service.close(
            session, actor, listing, v.get("reason_code", ""), v.get("reason_text", "")
        ),
        lambda: f"“{listing.title}”已关闭，不再公开展示",
    )


def renew(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda _v: service.renew(session, actor, listing),
        lambda: f"已续期，有效期至 {local_date(listing.expires_at)}",
    )


def favourite(
    listing_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    on = form.get("on") == "1"
    if on:
        listing = service.get(session, listing_id, user, kind)
    else:
        # Taking a star off must work even after the listing stopped being public.
        found = [x for x in service.by_ids(session, [listing_id]) if x.kind == kind]
        if not found:
            return redirect(f"/{kind.value}s")
        listing = found[0]
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda _v: service.set_favourite(session, actor, listing, on),
        lambda: "已收藏，可在“我的收藏”中查看" if on else "已取消收藏",
    )


def request_access(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda v: service.request_access(session, actor, listing, v.get("message", "")[:500]),
        lambda: "申请已发送，发布方同意后即可查看保密内容，结果会通过站内消息通知您",
    )


def decide_access(
    listing_id: int,
    access_id: int,
    decision: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    if decision not in ("grant", "deny"):
        return redirect(url_of(listing))
    grant = decision == "grant"
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda _v: service.decide_access(session, actor, listing, access_id, grant),
        lambda: "已授权该机构查看保密内容" if grant else "已拒绝该申请",
    )


def upload(
    listing_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    chosen = uploaded_file(form)
    if chosen is None:
        flash(request, "请选择要上传的文件", "error")
        return redirect(f"{url_of(listing)}#attachments")
    name, data = chosen
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda v: service.add_attachment(
            session,
            actor,
            listing,
            category=v.get("category", "document"),
            filename=name,
            data=data,
        ),
        lambda: f"已上传：{name}",
    )


def remove_attachment(
    listing_id: int,
    attachment_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: KindDep,
    form: SubmittedForm,
) -> Response:
    listing = service.get(session, listing_id, actor.user, kind)
    return _listing_action(
        request,
        session,
        listing,
        form,
        lambda _v: service.remove_attachment(session, actor, listing, attachment_id),
        lambda: "附件已删除",
    )


for _k in ListingKind:
    _base = f"/{_k.value}s"
    _item = _base + "/{listing_id:int}"
    router.get(_base)(browse)
    router.get(_base + "/new")(new_form)
    router.post(_base + "/new")(create)
    router.get(_item)(writes_late(detail))  # logs who saw the contacts, at the end
    router.get(_item + "/edit")(edit_form)
    router.post(_item + "/edit")(update)
    router.post(_item + "/submit")(submit)
    router.post(_item + "/publish")(publish)
    router.post(_item + "/return")(return_)
    router.post(_item + "/close")(close)
    router.post(_item + "/renew")(renew)
    router.post(_item + "/favourite")(favourite)
    router.post(_item + "/access-requests")(request_access)
    router.post(_item + "/access-requests/{access_id:int}/{decision}")(decide_access)
    router.post(_item + "/attachments")(upload)
    router.post(_item + "/attachments/{attachment_id:int}/delete")(remove_attachment)


# -- the signed-in person's pages and the review queue -----------------------------------------

STATUS_TABS = [("", "全部"), *ListingStatus.choices()]
KIND_TABS = [("", "全部类型"), *ListingKind.choices()]


@router.get("/me/listings")
def my_listings(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
    kind: str = "",
    status: str = "",
) -> Response:
    page = None
    if user.active_org_id is not None:
        page = service.mine(
            session,
            actor,
            pagination,
            kind=ListingKind.from_code(kind),
            status=ListingStatus.from_code(status),
        )
    return _render(
        request,
        "listings/mine.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "status_tabs": STATUS_TABS,
            "kind_tabs": KIND_TABS,
            "tab_url": lambda **changes: list_url(
                "/me/listings", {"kind": kind, "status": status} | changes
            ),
            "base_url": list_url("/me/listings", {"kind": kind, "status": status}),
            "return_reasons": taxonomy.names(session, "return_reason"),
            "lifecycle": service.lifecycle,
            "blocked": publish_block(user),
        },
    )


@router.get("/me/favourites")
def my_favourites(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
) -> Response:
    paged = service.favourites(session, actor, pagination)
    items = service.views(session, paged.items, user)
    return _render(
        request,
        "listings/favourites.html",
        {
            "page": Paged(items, paged.total, paged.page, paged.size),
            "base_url": "/me/favourites",
            "fav_ids": {x.id for x in items},
        },
    )


@router.get("/admin/listings")
def review_queue(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
    kind: str = "",
) -> Response:
    authorize(user, Action.ADMIN_ACCESS)
    page = service.review_queue(session, actor, pagination, ListingKind.from_code(kind))
    here = list_url("/admin/listings", {"kind": kind})
    return _render(
        request,
        "listings/review_queue.html",
        {
            "page": page,
            "kind": kind,
            "kind_tabs": KIND_TABS,
            "base_url": here,
            "back": here
            if page.page == 1
            else f"{here}{'&' if '?' in here else '?'}page={page.page}",
            "return_reasons": taxonomy.choices(session, "return_reason"),
        },
    )
