"""HTML pages of 信息发布: the public sections, feeds and sitemap, and the staff's desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.content import feeds, offers, service
from app.content.schemas import ContentCreate, ContentFields
from app.core.clock import LOCAL_TZ
from app.core.config import get_settings
from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.errors import AppError, NotFound
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    redirect,
    uploaded_file,
)
from app.core.pagination import PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import error_map
from app.models import ContentItem, User
from app.models.enums import ContentKind, ContentStatus
from app.projects import service as project_service

router = page_router()

TITLES = {
    ContentKind.NEWS: "新闻动态",
    ContentKind.POLICY: "政策文件",
    ContentKind.NOTICE: "通知公告",
    ContentKind.CALL: "申报指南",
    ContentKind.STORY: "成果发布",
}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _section_list(kind: ContentKind) -> Any:
    def page(request: Request, session: SessionDep, pagination: PaginationDep) -> Response:
        params = request.query_params
        topic = (params.get("topic") or "").strip()[:20] or None
        region = params.get("region") if params.get("region") in REGIONS else None
        year = _int(params.get("year"))
        paged = service.public_page(
            session, kind, pagination, topic=topic, region_code=region, year=year
        )
        return render(
            request,
            "content/list.html",
            {
                "kind": kind,
                "title": TITLES[kind],
                "section": service.SECTIONS[kind],
                "paged": paged,
                "sections": [(k, TITLES[k], s) for k, s in service.SECTIONS.items()],
                "filters": {"topic": topic or "", "region": region or "", "year": year or ""},
                "regions": list(REGIONS.items()),
                "search_types": service.search_types(kind),
                "url_of": service.url,
                "base_url": list_url(
                    f"/{service.SECTIONS[kind]}", {"topic": topic, "region": region, "year": year}
                ),
            },
        )

    page.__name__ = f"{kind.value}_list"
    page.__doc__ = f"{TITLES[kind]}：置顶在前，按发布时间倒序。"
    return page


@router.get("/policies/clauses/{number}")
def policy_clause(number: int, session: SessionDep) -> Response:
    """A clause of the bureau's policy, wherever the policy's page is."""
    return redirect(service.clause_url(session, number))


def _section_detail(kind: ContentKind) -> Any:
    def page(request: Request, item_id: int, session: SessionDep, user: OptionalUser) -> Response:
        item = service.get_public(session, kind, item_id, user)
        numbers = [c.number for c in item.clauses]
        return render(
            request,
            "content/detail.html",
            {
                "item": item,
                "title": TITLES[kind],
                "section": service.SECTIONS[kind],
                "files": service.files(session, item),
                "offers": offers.for_clauses(session, numbers) if numbers else {},
                "may_edit": service.may_edit(user, item),
                "public": service.is_public(item),
                "programme_calls": (
                    project_service.calls.for_guide(session, item.id)
                    if item.kind == ContentKind.CALL
                    else []
                ),
            },
        )

    page.__name__ = f"{kind.value}_detail"
    return page


for _kind, _section in service.SECTIONS.items():
    router.add_api_route(f"/{_section}", _section_list(_kind), methods=["GET"])
    router.add_api_route(f"/{_section}/{{item_id}}", _section_detail(_kind), methods=["GET"])


@router.get("/content/{item_id}/files/{attachment_id}")
def content_file(
    item_id: int, attachment_id: int, session: SessionDep, user: OptionalUser
) -> Response:
    """An image or a document of an item, for whoever may read the item."""
    from app.core import attachments

    row = service.file(session, user, item_id, attachment_id)
    disposition = "inline" if row.category == "image" else "attachment"
    return Response(
        attachments.read(row),
        media_type=row.content_type,
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{_quote(row.filename)}"},
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@router.get("/feeds/{name}")
def feed(name: str, session: SessionDep) -> Response:
    """/feeds/news.rss, /feeds/policies.atom …: the latest 20 of a section."""
    section, _, fmt = name.rpartition(".")
    kind = service.KIND_OF_SECTION.get(section)
    if kind is None or fmt not in ("rss", "atom"):
        raise NotFound("没有这个订阅源")
    settings = get_settings()
    body = feeds.feed(session, kind, settings.base_url.rstrip("/"), settings.site_name, fmt)
    media = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    return Response(body, media_type=f"{media}; charset=utf-8")


@router.get("/sitemap.xml")
def sitemap(session: SessionDep) -> Response:
    body = feeds.sitemap(session, get_settings().base_url.rstrip("/"))
    return Response(body, media_type="application/xml")


# --- the staff's desk --------------------------------------------------------------------


@router.get("/admin/content")
def desk(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    params = request.query_params
    kind = ContentKind.from_code(params.get("kind"))
    status = ContentStatus.from_code(params.get("status"))
    paged = service.staff_page(session, user, pagination, kind=kind, status=status)
    return render(
        request,
        "content/desk.html",
        {
            "paged": paged,
            "kinds": ContentKind.choices(),
            "statuses": ContentStatus.choices(),
            "filters": {"kind": kind or "", "status": status or ""},
            "url_of": service.url,
            "base_url": list_url("/admin/content", {"kind": kind, "status": status}),
        },
    )


def _form_context(
    item: ContentItem | None, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "item": item,
        "values": values,
        "errors": errors,
        "kinds": ContentKind.choices(),
        "regions": list(REGIONS.items()),
    }


def _values(item: ContentItem) -> dict[str, Any]:
    def local(moment: datetime | None) -> str:
        return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") if moment else ""

    return {
        "kind": item.kind.value,
        "title": item.title,
        "summary": item.summary,
        "body_html": item.body_html,
        "issuer": item.issuer,
        "doc_number": item.doc_number,
        "region_code": item.region_code or "",
        "topics": "，".join(item.topics or []),
        "pinned": item.pinned,
        "opens_on": item.opens_on.isoformat() if item.opens_on else "",
        "closes_on": item.closes_on.isoformat() if item.closes_on else "",
        "publish_at": local(item.publish_at),
        "expires_at": local(item.expires_at),
        "version": item.version,
    }


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    def moment(name: str) -> str | None:
        value = values.get(name) or ""
        try:
            return datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ).isoformat()
        except ValueError:
            return value or None

    topics = (values.get("topics") or "").replace("，", ",").replace("、", ",")
    payload: dict[str, Any] = {
        name: values.get(name, "")
        for name in ("title", "summary", "body_html", "issuer", "doc_number")
    }
    payload |= {
        "region_code": values.get("region_code") or None,
        "topics": [t.strip() for t in topics.split(",") if t.strip()],
        "pinned": bool(values.get("pinned")),
        "opens_on": values.get("opens_on") or None,
        "closes_on": values.get("closes_on") or None,
        "publish_at": moment("publish_at"),
        "expires_at": moment("expires_at"),
    }
    if values.get("kind"):
        payload["kind"] = values["kind"]
    if str(values.get("version", "")).isdigit():
        payload["version"] = int(values["version"])
    return payload


@router.get("/admin/content/new")
def new_form(request: Request, user: CurrentUser) -> Response:
    service.writer(user)
    kind = ContentKind.from_code(request.query_params.get("kind")) or ContentKind.NEWS
    values = {"kind": kind.value, "issuer": "长春市科学技术局"}
    return render(request, "content/form.html", _form_context(None, values, {}))


def _saved_or_form(
    request: Request,
    session: SessionDep,
    user: User | None,
    item: ContentItem | None,
    values: dict[str, Any],
    save: Callable[[], ContentItem],
    done: str,
) -> Response:
    """Run ``save``; a refusal of the input shows the form again with its messages."""
    try:
        saved = save()
    except ValidationError as exc:
        errors = error_map(exc.errors())
    except AppError as exc:
        if exc.status_code != 422:
            raise
        errors = exc.field_errors()
    else:
        flash(request, done)
        return redirect(f"/admin/content/{saved.id}")
    ctx = _edit_context(session, user, item, values, errors)
    return render(request, "content/form.html", ctx, status_code=422)


def _edit_context(
    session: SessionDep,
    user: User | None,
    item: ContentItem | None,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    ctx = _form_context(item, values, errors)
    if item is not None and user is not None:
        ctx |= {
            "versions": service.versions(session, user, item),
            "files": service.files(session, item),
            "actions": [t.action for t in service.lifecycle.allowed(item)],
            "may_review": service.may_review(user, item),
            "public_url": service.url(item),
        }
    return ctx


@router.post("/admin/content/new")
def create(request: Request, session: SessionDep, actor: ActorDep, values: FormValues) -> Response:
    service.writer(actor.user)
    return _saved_or_form(
        request,
        session,
        actor.user,
        None,
        values,
        lambda: service.create(session, actor, ContentCreate.model_validate(_payload(values))),
        "草稿已保存。确认无误后请提交审核。",
    )


@router.get("/admin/content/{item_id}")
def edit_form(request: Request, item_id: int, session: SessionDep, user: CurrentUser) -> Response:
    item = service.editable(session, user, item_id)
    return render(
        request, "content/form.html", _edit_context(session, user, item, _values(item), {})
    )


@router.post("/admin/content/{item_id}")
def save(
    request: Request, item_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    item = service.get(session, actor.user, item_id)
    payload = _payload(values)
    payload.pop("kind", None)
    return _saved_or_form(
        request,
        session,
        actor.user,
        item,
        values,
        lambda: service.update(session, actor, item, ContentFields.model_validate(payload)),
        "已保存。",
    )


ACTIONS = {
    "submit": (lambda s, a, i, note: service.submit(s, a, i), "已提交审核"),
    "approve": (service.approve, "已审核通过"),
    "return": (service.return_for_changes, "已退回修改"),
    "withdraw": (service.withdraw, "已撤回"),
}


@router.post("/admin/content/{item_id}/do/{action}")
def act(
    request: Request,
    item_id: int,
    action: str,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    if action not in ACTIONS:
        raise NotFound("没有这个操作")
    run, done = ACTIONS[action]
    item = service.get(session, actor.user, item_id)
    note = str(values.get("note") or "")
    return act_and_redirect(
        request,
        session,
        lambda: run(session, actor, item, note),
        back=f"/admin/content/{item.id}",
        done=done,
    )


@router.post("/admin/content/{item_id}/files")
def upload(
    request: Request, item_id: int, session: SessionDep, actor: ActorDep, form: SubmittedForm
) -> Response:
    item = service.get(session, actor.user, item_id)
    chosen = uploaded_file(form)
    cover = form.get("cover") == "1"
    if chosen is None:
        flash(request, "请选择文件", "error")
        return redirect(f"/admin/content/{item.id}")
    return act_and_redirect(
        request,
        session,
        lambda: service.attach(
            session, actor, item, filename=chosen.filename, data=chosen.data, cover=cover
        ),
        back=f"/admin/content/{item.id}",
        done="封面已上传" if cover else "文件已上传",
    )
