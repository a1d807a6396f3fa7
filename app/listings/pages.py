"""HTML pages of the catalogue: achievements, demands and challenges share every route.

Each kind lives under its own path (/achievements, /demands, /challenges); the handlers are
written once and registered for every kind at the bottom, and ``KindDep`` reads the kind
back from the path. Presentation (form rows, facts, labels) lives here; rules stay in the
service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.challenges import service as challenge_service
from app.conversations import questions as questions_service
from app.core.clock import local_date
from app.core.deps import (
    ActorDep,
    CurrentUser,
    OptionalUser,
    SessionDep,
    writes_late,
)
from app.core.errors import AppError, NotFound, PermissionDenied
from app.core.pages import (
    SubmittedForm,
    act_and_redirect,
    page_router,
    redirect,
    safe_next,
    uploaded_file,
)
from app.core.pagination import Paged, query_filters
from app.core.templating import flash
from app.listings import service
from app.listings.forms import (
    PAGE_SIZE,
    KindDep,
    _form_page,
    _parse,
    _problem,
    _save_then_submit,
    _submitted,
    labels_for,
    publish_block,
    url_of,
)
from app.listings.presentation import _version_rows, detail_sections, render_page
from app.listings.schemas import REQUIRED_TO_SUBMIT
from app.listings.search import FACETS
from app.matching import service as matching_service
from app.models import Challenge, Listing, User
from app.models.enums import ListingKind, ListingStatus
from app.taxonomy import service as taxonomy

router = page_router()


# -- list and detail ---------------------------------------------------------------------------


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
    kept_query = urlencode(kept)

    def toggle_url(name: str, value: str) -> str:
        # A page has a link for every facet value: adding one appends to the encoded query
        # instead of encoding every kept pair again.
        if (name, value) not in kept:
            added = urlencode([(name, value)])
            return f"{path}?{kept_query}&{added}" if kept else f"{path}?{added}"
        items = [item for item in kept if item != (name, value)]
        return f"{path}?{urlencode(items)}" if items else path

    return render_page(
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
            "base_url": f"{path}?{kept_query}" if kept else path,
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
        "owner": service.may_edit(user, listing),
        "reviewer": service.may_review(user, listing),
        "lifecycle": service.lifecycle,
        "return_reasons": taxonomy.choices(session, "return_reason"),
        "return_reason": taxonomy.names(session, "return_reason").get(
            listing.return_reason_code or "", ""
        ),
        "panel": matching_service.panel(session, listing, user),
        "applications_open": isinstance(listing, Challenge)
        and challenge_service.accepting(listing),
        "questions": questions_service.block_for_page(session, listing, user),
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
    return render_page(request, "listings/detail.html", context)


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


def _editable(session: SessionDep, user: User, listing_id: int, kind: ListingKind) -> Listing:
    return service.editable(session, user, listing_id, kind)


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
    session: SessionDep,
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
        try:
            listing = service.starred(session, listing_id, kind)
        except NotFound:
            return redirect(f"/{kind.value}s")
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
    listing = service.editable(session, actor.user, listing_id, kind)  # before asking for a file
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
