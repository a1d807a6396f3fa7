"""HTML pages of matching: feedback and proposals from the listing pages, the broker
workbench, pipeline entries, subscriptions and expert profiles."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.errors import AppError
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    redirect,
    safe_next,
)
from app.core.pagination import Pagination, PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.listings import service as listing_service
from app.matching import experts, pipeline, service, subscriptions
from app.models.enums import ListingKind, ListingStatus, PipelineStage
from app.taxonomy import service as taxonomy

router = page_router()

KIND_CHOICES = [(k.value, k.label) for k in ListingKind]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- from the listing pages ---------------------------------------------------------------


@router.post("/matching/feedback")
def feedback(
    request: Request, session: SessionDep, actor: ActorDep, user: CurrentUser, values: FormValues
) -> Response:
    listing_id = _int(values.get("listing_id"))
    target_id = _int(values.get("target_id"))
    found = listing_service.by_ids(session, [listing_id]) if listing_id else []
    if not found or target_id is None:
        flash(request, "找不到要评价的匹配结果", "error")
        return redirect(safe_next(values.get("back"), "/"))
    listing = listing_service.get(session, found[0].id, user)
    return act_and_redirect(
        request,
        session,
        lambda: service.record_feedback(
            session,
            actor,
            listing,
            target_kind=values.get("target_kind", ""),
            target_id=target_id,
            relevant=values.get("relevant") == "1",
            reason_code=values.get("reason_code"),
            note=values.get("note", ""),
        ),
        back=safe_next(values.get("back"), f"/{listing.kind.value}s/{listing.id}#matches"),
        done="已记录您的评价，之后的匹配排序会参考它",
    )


@router.post("/matching/propose")
def propose(
    request: Request, session: SessionDep, actor: ActorDep, _user: CurrentUser, values: FormValues
) -> Response:
    demand_id, supply_id = (
        _int(values.get("demand_listing_id")),
        _int(values.get("supply_listing_id")),
    )
    back = safe_next(values.get("back"), "/matching/workbench")
    if demand_id is None or supply_id is None:
        flash(request, "请选择要对接的成果和需求", "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: pipeline.propose(
            session,
            actor,
            demand_listing_id=demand_id,
            supply_listing_id=supply_id,
            note=values.get("note", ""),
        ),
        back=lambda entry: f"/matching/pipeline/{entry.id}",
        done="已推荐给供需双方，双方确认后即可进入洽谈",
        refused_back=back,
    )


# -- broker workbench and pipeline --------------------------------------------------------


@router.get("/matching/workbench")
def workbench(
    request: Request, session: SessionDep, actor: ActorDep, user: CurrentUser
) -> Response:
    """技术经纪人工作台: new strong matches in the broker's fields and the pairs they follow."""
    try:
        suggested = service.workbench_suggestions(session, actor)  # brokers only (403 else)
        unavailable = False
    except AppError as exc:
        if exc.status_code != 503:
            raise
        suggested, unavailable = [], True
    profile = experts.of_user(session, user.id)
    mine = pipeline.mine(session, actor, Pagination(page=1, size=50))
    counts: dict[PipelineStage, int] = {}
    for entry in mine.items:
        counts[entry.stage] = counts.get(entry.stage, 0) + 1
    return render(
        request,
        "matching/workbench.html",
        {
            "profile": profile,
            "field_names": taxonomy.names(session, "field"),
            "suggestions": suggested,
            "unavailable": unavailable,
            "entries": mine.items,
            "counts": counts,
            "stages": list(PipelineStage),
        },
    )


@router.get("/matching/pipeline")
def pipeline_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    pagination: PaginationDep,
    stage: str = "",
) -> Response:
    chosen = PipelineStage.from_code(stage)
    page = pipeline.mine(session, actor, pagination, chosen)
    return render(
        request,
        "matching/pipeline_list.html",
        {
            "page": page,
            "stage": chosen,
            "stages": list(PipelineStage),
            "base_url": list_url("/matching/pipeline", {"stage": stage}),
        },
    )


@router.get("/matching/pipeline/{pipeline_id}")
def pipeline_detail(
    pipeline_id: int, request: Request, session: SessionDep, actor: ActorDep, user: CurrentUser
) -> Response:
    entry = pipeline.get(session, actor, pipeline_id)
    sides = []
    if user.active_org_id == entry.demand_org_id:
        sides.append("demand")
    if user.active_org_id == entry.supply_org_id:
        sides.append("supply")
    confirmed = all(getattr(entry, f"{s}_confirmed_at") for s in sides) if sides else True
    return render(
        request,
        "matching/pipeline_detail.html",
        {
            "entry": entry,
            "can_confirm": bool(sides) and not confirmed and entry.stage == PipelineStage.PROPOSED,
            "can_move": pipeline.may_advance(user, entry),
            "moves": [t for t in pipeline.workflow.allowed(entry) if t.action != "confirm"],
            "sources": pipeline.SOURCES,
            "deal": pipeline.deal_of(session, entry),
            "contract": pipeline.signing_contract(session, entry),
        },
    )


@router.post("/matching/pipeline/{pipeline_id}/confirm")
def pipeline_confirm(
    pipeline_id: int, request: Request, session: SessionDep, actor: ActorDep, _user: CurrentUser
) -> Response:
    entry = pipeline.get(session, actor, pipeline_id)
    return act_and_redirect(
        request,
        session,
        lambda: pipeline.confirm(session, actor, entry),
        back=f"/matching/pipeline/{pipeline_id}",
        done=lambda _: (
            "已确认对接" if entry.stage == PipelineStage.PROPOSED else "双方均已确认，可以进入洽谈"
        ),
    )


@router.post("/matching/pipeline/{pipeline_id}/{action}")
def pipeline_move(
    pipeline_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    values: FormValues,
) -> Response:
    entry = pipeline.get(session, actor, pipeline_id)
    return act_and_redirect(
        request,
        session,
        lambda: pipeline.move(session, actor, entry, action, reason=values.get("reason", "")),
        back=f"/matching/pipeline/{pipeline_id}",
        done=lambda _: f"对接状态已更新为“{entry.stage.label}”",
    )


# -- subscriptions ------------------------------------------------------------------------


def _subscriptions_page(
    request: Request,
    session: SessionDep,
    actor: Any,
    pagination: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    page = subscriptions.mine(session, actor, pagination)
    hits = {sub.id: subscriptions.hits(session, actor, sub)[:5] for sub in page.items}
    mine = (
        listing_service.mine(
            session, actor, Pagination(page=1, size=50), status=ListingStatus.PUBLISHED
        )
        if actor.user and actor.user.active_org_id
        else None
    )
    return render(
        request,
        "matching/subscriptions.html",
        {
            "page": page,
            "hits": hits,
            "values": values,
            "errors": errors,
            "field_choices": taxonomy.choices(session, "field"),
            "region_choices": list(REGIONS.items()),
            "kind_choices": KIND_CHOICES,
            "own_listings": [
                (str(x.id), f"{x.kind.label}：{x.title}") for x in (mine.items if mine else [])
            ],
            "base_url": "/matching/subscriptions",
        },
        status_code=status_code,
    )


@router.get("/matching/subscriptions")
def subscriptions_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    pagination: PaginationDep,
) -> Response:
    return _subscriptions_page(request, session, actor, pagination, {}, {})


@router.post("/matching/subscriptions")
def subscribe(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    pagination: PaginationDep,
    form: SubmittedForm,
) -> Response:
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "kinds"}
    values["kinds"] = [v for v in form.getlist("kinds") if isinstance(v, str)]
    min_score: float | None = None
    if values.get("min_score", "").strip():
        try:
            min_score = float(values["min_score"])
        except ValueError:
            return _subscriptions_page(
                request,
                session,
                actor,
                pagination,
                values,
                {"min_score": "请填写0到100之间的数字"},
                422,
            )
    try:
        with session.begin_nested():
            subscriptions.create(
                session,
                actor,
                name=values.get("name", ""),
                query=values.get("query", ""),
                kinds=values["kinds"],
                field_code=values.get("field_code") or None,
                region_code=values.get("region_code") or None,
                listing_id=_int(values.get("listing_id")),
                min_score=min_score,
            )
    except AppError as exc:
        if exc.status_code in (401, 403):
            raise
        return _subscriptions_page(
            request, session, actor, pagination, values, exc.field_errors(), 422
        )
    flash(request, "订阅已保存：有新发布的匹配内容时，每天汇总通知您一次")
    return redirect("/matching/subscriptions")


@router.post("/matching/subscriptions/{subscription_id}/{action}")
def subscription_action(
    subscription_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
) -> Response:
    sub = subscriptions.get(session, actor, subscription_id)
    if action == "delete":
        subscriptions.delete(session, actor, sub)
        flash(request, "订阅已删除")
    elif action in ("pause", "resume"):
        subscriptions.set_active(session, actor, sub, action == "resume")
        flash(request, "订阅已暂停" if action == "pause" else "订阅已恢复")
    else:
        flash(request, "不支持的操作", "error")
    return redirect("/matching/subscriptions")


# -- expert profiles ----------------------------------------------------------------------


def _profile_form(
    request: Request,
    session: SessionDep,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    listing: Any = None,
) -> Response:
    return render(
        request,
        "matching/profile_form.html",
        {
            "listing": listing,
            "values": values,
            "errors": errors,
            "field_choices": taxonomy.choices(session, "field"),
            "region_choices": list(REGIONS.items()),
        },
        status_code=status_code,
    )


@router.get("/matching/profile")
def profile_form(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    profile = experts.own(session, user)
    values: dict[str, Any] = {}
    if profile is not None:
        values = {
            "title": profile.title,
            "institution": profile.institution,
            "field_codes": list(profile.field_codes),
            "keywords": "，".join(profile.keywords),
            "bio": profile.bio,
            "region_code": profile.region_code or "",
        }
    values["version"] = profile.version if profile is not None else 0
    return _profile_form(request, session, values, {}, listing=profile)


def _version(value: str | None) -> int | None:
    """The form's hidden version; a missing or mangled one is treated as absent."""
    return int(value) if value and value.isdigit() else None


@router.post("/matching/profile")
def profile_save(
    request: Request, session: SessionDep, actor: ActorDep, user: CurrentUser, form: SubmittedForm
) -> Response:
    values: dict[str, Any] = {
        k: v for k, v in form.items() if isinstance(v, str) and k != "field_codes"
    }
    values["field_codes"] = [v for v in form.getlist("field_codes") if isinstance(v, str)]
    try:
        with session.begin_nested():
            experts.save(
                session,
                actor,
                user,
                title=values.get("title", ""),
                institution=values.get("institution", ""),
                field_codes=values["field_codes"],
                keywords=values.get("keywords", ""),
                bio=values.get("bio", ""),
                region_code=values.get("region_code") or None,
                expected_version=_version(values.get("version")),
            )
    except AppError as exc:
        if exc.status_code in (401, 403):
            raise
        if "current_version" in exc.extra:
            # Shown again with what was typed, now based on the latest version.
            values["version"] = exc.extra["current_version"]
        return _profile_form(request, session, values, exc.field_errors(), 422)
    flash(request, "档案已保存，与您研究方向相符的需求和榜单会推荐给您")
    return redirect("/matching/profile")


@router.get("/experts")
def expert_directory(
    request: Request,
    session: SessionDep,
    pagination: PaginationDep,
    field: str = "",
    region: str = "",
    q: str = "",
) -> Response:
    """The expert directory (资源整合): who reviews and advises, by field and region."""
    page = experts.directory(
        session, pagination, field_code=field or None, region_code=region or None, q=q[:100]
    )
    return render(
        request,
        "matching/experts.html",
        {
            "page": page,
            "fields": taxonomy.names(session, "field"),
            "field_choices": taxonomy.choices(session, "field"),
            "regions": list(REGIONS.items()),
            "values": {"field": field, "region": region, "q": q[:100]},
            "base_url": list_url("/experts", {"field": field, "region": region, "q": q[:100]}),
        },
    )


@router.get("/admin/experts")
def expert_review_desk(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    """Staff review the expert profiles before the directory shows them."""
    return render(
        request,
        "matching/expert_review.html",
        {
            "page": experts.review_queue(session, user, pagination),
            "fields": taxonomy.names(session, "field"),
        },
    )


@router.post("/experts/{user_id}/{action}")
def review_expert(
    user_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    form: SubmittedForm,
) -> Response:
    note = str(form.get("note", ""))[:500]
    done = "已审核通过，专家已列入专家库" if action == "approve" else "已退回修改"
    return act_and_redirect(
        request,
        session,
        lambda: experts.review(session, actor, user_id, action, note),
        back="/admin/experts",
        done=done,
    )


@router.get("/experts/{user_id}")
def expert_page(
    user_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    profile = experts.public(session, user_id, user)
    names = taxonomy.names(session, "field")
    return render(
        request,
        "matching/expert.html",
        {
            "profile": profile,
            "fields": [names.get(c, c) for c in profile.field_codes],
            "region": REGIONS.get(profile.region_code or "", ""),
        },
    )
