"""HTML pages: the catalogue, an item's guide and its application form, my applications with
their progress, and the bureau's desk."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.core.clock import today
from app.core.deps import CurrentUser, OptionalUser, SessionDep, SignedInActor
from app.core.errors import AppError, InvalidInput
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    redirect,
    refusal_message,
    safe_next,
    uploaded_file,
)
from app.core.pagination import PaginationDep
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.models.enums import CaseStatus, VoucherMode
from app.services import linked, rd, service
from app.services.schemas import (
    CaseCreate,
    CaseMove,
    PanelSet,
    RatingAnswer,
    RatingCreate,
    RdRateRevision,
    ScoreCreate,
)

router = page_router()

#: refusals shown as the error page, as the API answers them (a hidden case is not there)
STILL_RAISED = frozenset({401, 403, 404})


@router.get("/services")
def catalogue(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    return render(request, "services/catalogue.html", {"items": service.items(session)})


@router.get("/services/items/{code}")
def item_guide(request: Request, code: str, session: SessionDep, user: OptionalUser) -> Response:
    item = service.item_by_code(session, code)
    return render(
        request,
        "services/guide.html",
        {"item": item, "values": {}, "errors": {}, "modes": VoucherMode.choices()},
    )


@router.post("/services/items/{code}/apply")
def apply(
    request: Request, code: str, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    item = service.item_by_code(session, code)
    service.applicant_org(session, actor.user)  # who may apply, before the form is read
    keys = ("amount", "mode", "purpose", "rd_year", "rd_expense", "rd_expense_last")
    fields = {k: v for k, v in values.items() if k in keys and v != ""}
    if item.kind == "rd_subsidy":
        fields["surveyed"] = "true" if values.get("surveyed") == "true" else "false"
    data, errors = parse_form(CaseCreate, {**fields, "item": code})
    if data is None:
        return render(
            request,
            "services/guide.html",
            {"item": item, "values": values, "errors": errors, "modes": VoucherMode.choices()},
            status_code=422,
        )
    return act_and_redirect(
        request,
        session,
        lambda: service.create(session, actor, data),
        back=lambda case: f"/services/cases/{case.id}",
        done="申请已保存为草稿，请核对后提交",
        refused_back=f"/services/items/{code}",
        raise_statuses=STILL_RAISED,
    )


@router.get("/services/mine")
def mine(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    page = service.list_cases(session, user, pagination, mine=True)
    return render(
        request, "services/mine.html", {"page": page, "linked": linked.for_user(session, user)}
    )


@router.get("/services/recommend")
def recommend(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """惠企政策精准推送: what the user's organisation may apply for now, why, and how much."""
    return render(request, "services/recommend.html", service.recommendations(session, user))


@router.post("/services/cases/{case_id}/scores")
def score(
    request: Request, case_id: int, session: SessionDep, actor: SignedInActor, form: SubmittedForm
) -> Response:
    service.scored_case(session, actor.user, case_id)  # refused before the form is read
    back = f"/services/cases/{case_id}"
    scores, comments = form.getlist("score"), form.getlist("comment")
    items = [
        {"score": s, "comment": comments[n] if n < len(comments) else ""}
        for n, s in enumerate(scores)
    ]
    data, _errors = parse_form(ScoreCreate, {"items": items})
    if data is None:
        flash(request, "请为每项指标填写 0—100 的整数分", "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: service.score(session, actor, case_id, data),
        back=back,
        done="评分已保存",
        raise_statuses=STILL_RAISED,
    )


@router.post("/admin/services/cases/{case_id}/panel")
def form_panel(
    request: Request, case_id: int, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    service.hall_staff(actor.user)  # refused before the form is read
    back = f"/services/cases/{case_id}"
    ids = [p for p in str(values.get("expert_ids", "")).replace("，", ",").split(",") if p.strip()]
    data, _errors = parse_form(PanelSet, {"expert_ids": [p.strip() for p in ids]})
    if data is None:
        flash(request, "请填写专家的用户编号，以逗号分隔", "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: service.form_panel(session, actor, case_id, data),
        back=back,
        done="评审专家组已组建",
        raise_statuses=STILL_RAISED,
    )


@router.post("/admin/services/cases/{case_id}/disburse")
def disburse(request: Request, case_id: int, session: SessionDep, actor: SignedInActor) -> Response:
    return act_and_redirect(
        request,
        session,
        lambda: service.disburse(session, actor, case_id),
        back=f"/services/cases/{case_id}",
        done=lambda case: f"已拨付 {case.serial_no}",
        raise_statuses=STILL_RAISED,
    )


@router.get("/services/cases/{case_id}")
def case_page(request: Request, case_id: int, session: SessionDep, user: CurrentUser) -> Response:
    return _case_page(request, session, user, case_id)


def _case_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    case_id: int,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The case, its progress and materials; ``errors`` are shown beside the upload slots."""
    return render(
        request,
        "services/case.html",
        {**service.case_view(session, user, case_id), "errors": errors or {}},
        status_code=status_code,
    )


@router.post("/services/cases/{case_id}/materials/{material_no}")
def upload_material(
    request: Request,
    case_id: int,
    material_no: int,
    session: SessionDep,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    """One required material of the guide, in its own upload field; a new file replaces it."""
    back = f"/services/cases/{case_id}"
    chosen = uploaded_file(form)
    if chosen is None:
        flash(request, "请选择要上传的文件", "error")
        return redirect(back)
    name, data = chosen
    return act_and_redirect(
        request,
        session,
        lambda: service.add_material(session, actor, case_id, name, data, material_no),
        back=back,
        done=f"已上传“{name}”",
        raise_statuses=STILL_RAISED,
    )


@router.post("/services/cases/{case_id}/submit")
def submit(
    request: Request, case_id: int, session: SessionDep, user: CurrentUser, actor: SignedInActor
) -> Response:
    """Submit; a missing material is named beside its upload slot, the uploads stay."""
    try:
        with session.begin_nested():
            case = service.submit(session, actor, case_id)
    except InvalidInput as exc:
        flash(request, refusal_message(exc), "error")
        return _case_page(request, session, user, case_id, exc.field_errors(), 422)
    except AppError as exc:
        if exc.status_code in STILL_RAISED:
            raise
        flash(request, refusal_message(exc), "error")
        return redirect(f"/services/cases/{case_id}")
    flash(request, f"已提交，流水号 {case.serial_no}")
    return redirect(f"/services/cases/{case_id}")


@router.post("/services/cases/{case_id}/rating")
def rate(
    request: Request, case_id: int, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    service.own(actor.user, service.get_case(session, actor.user, case_id))  # before the form
    back = f"/services/cases/{case_id}"
    data, _errors = parse_form(
        RatingCreate, {k: values.get(k) for k in ("grade", "comment") if k in values}
    )
    if data is None:
        flash(request, "请选择评价等级（1—5）", "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: service.rate(session, actor, case_id, data),
        back=back,
        done="感谢您的评价",
        raise_statuses=STILL_RAISED,
    )


@router.get("/admin/services")
def desk(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    status: str = "",
) -> Response:
    return render(
        request,
        "services/desk.html",
        {
            **service.desk(session, user, pagination, CaseStatus.from_code(status)),
            "status": status,
            "statuses": CaseStatus.choices(),
            "base_url": list_url("/admin/services", {"status": status}),
        },
    )


def _follow_ups_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    *,
    answering: int | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    follow = service.follow_ups(session, user, pagination)
    return render(
        request,
        "services/follow_ups.html",
        {
            "follow": follow,
            "today": today(),
            "answering": answering,
            "values": values or {},
            "errors": errors or {},
            "base_url": "/admin/services/follow-ups",
        },
        status_code=422 if errors else 200,
    )


@router.get("/admin/services/follow-ups")
def follow_ups(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    """差评 still to be answered: the 15-day deadline of each, overdue ones marked."""
    return _follow_ups_page(request, session, user, pagination)


@router.post("/admin/services/follow-ups/{rating_id}/answer")
def answer_follow_up(
    request: Request,
    rating_id: int,
    session: SessionDep,
    actor: SignedInActor,
    user: CurrentUser,
    pagination: PaginationDep,
    values: FormValues,
) -> Response:
    data, errors = parse_form(RatingAnswer, {"answer": values.get("answer", "")})
    if data is None:
        errors = {"answer": "请填写答复内容（不超过 2000 字）"}
        return _follow_ups_page(
            request,
            session,
            user,
            pagination,
            answering=rating_id,
            values={"answer": str(values.get("answer", ""))},
            errors=errors,
        )
    return act_and_redirect(
        request,
        session,
        lambda: service.answer(session, actor, rating_id, data),
        back="/admin/services/follow-ups",
        done="差评已答复",
        raise_statuses=STILL_RAISED,
    )


RATE_FIELDS = ("base_rate", "increment_rate", "cap", "effective_from", "note")


def _rd_rates_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    page = service.rd_rates_desk(session, user, pagination)
    return render(
        request,
        "services/rd_rates.html",
        {
            "page": page,
            "values": values or {},
            "errors": errors or {},
            "base_url": "/admin/services/rd-rates",
        },
        status_code=422 if errors else 200,
    )


@router.get("/admin/services/rd-rates")
def rd_rates(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    """研发投入补助的比例：各版本及其生效日期，和发布新版本的表单。"""
    return _rd_rates_page(request, session, user, pagination)


@router.post("/admin/services/rd-rates")
def revise_rd_rates(
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    user: CurrentUser,
    pagination: PaginationDep,
    values: FormValues,
) -> Response:
    submitted = {k: str(values.get(k, "")).strip() for k in RATE_FIELDS}
    data, errors = parse_form(RdRateRevision, {k: v for k, v in submitted.items() if v != ""})
    if data is None:
        return _rd_rates_page(request, session, user, pagination, values=submitted, errors=errors)
    return act_and_redirect(
        request,
        session,
        lambda: rd.revise_rates(session, actor, **data.model_dump()),
        back="/admin/services/rd-rates",
        done=lambda row: f"研发投入补助比例第{row.version}版已发布，自{row.effective_from}起生效",
        refused_back="/admin/services/rd-rates",
        raise_statuses=STILL_RAISED,
    )


@router.post("/admin/services/cases/{case_id}/{action}")
def staff_move(
    request: Request,
    case_id: int,
    action: str,
    session: SessionDep,
    actor: SignedInActor,
    values: FormValues,
) -> Response:
    service.hall_staff(actor.user)  # refused before the form is read
    back = safe_next(values.get("back"), f"/services/cases/{case_id}")
    data, errors = parse_form(
        CaseMove, {k: v for k, v in values.items() if k in ("amount", "reason")}
    )
    if data is None:
        flash(request, "；".join(errors.values()), "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: service.act(session, actor, case_id, action, data),
        back=back,
        done=lambda case: f"办件 {case.serial_no}：{case.status.label}",
        raise_statuses=STILL_RAISED,
    )
