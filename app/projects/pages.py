"""HTML pages of 项目管理: calls, the applicant's application and progress, the unit's check,
the expert's scoring sheet and the bureau's desk — the same service calls as the API."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core import attachments
from app.core.deps import CurrentUser, OptionalUser, SessionDep, SignedInActor
from app.core.errors import AppError
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    nest,
    page_router,
    redirect,
    uploaded_file,
)
from app.core.pagination import PaginationDep
from app.core.templating import flash, render
from app.core.validation import parse_form, validated
from app.models.enums import OrgTagKind, OrgType
from app.projects import service
from app.projects.programmes import PROGRAMMES, choices
from app.projects.schemas import (
    ApplicationFields,
    ApproveIn,
    CallCreate,
    EstablishIn,
    ObjectionIn,
    ReportIn,
    ScoreIn,
)

router = page_router()

#: refusals shown on the page the button was on; sign-in and missing records are error pages
STILL_RAISED = frozenset({401, 404})


def _call_url(call_id: int) -> str:
    return f"/projects/calls/{call_id}"


def _app_url(application_id: int) -> str:
    return f"/projects/applications/{application_id}"


@router.get("/projects")
def index(
    request: Request, session: SessionDep, user: OptionalUser, pagination: PaginationDep
) -> Response:
    programme = request.query_params.get("programme") or None
    paged = service.calls.page(session, user, pagination, programme=programme)
    return render(
        request,
        "projects/index.html",
        {
            "calls": service.mapped(paged, lambda c: service.call_view(session, c)),
            "programmes": [
                (p, service.calls.clause_url_for(session, p.item_no)) for p in PROGRAMMES.values()
            ],
            "programme": programme or "",
            "staff": service.staff(user),
        },
    )


# --- calls (staff) --------------------------------------------------------------------------


CALL_DEFAULTS = {
    "criteria_text": "技术先进性 30\n创新性与可行性 25\n团队与基础条件 20\n预期效益 25",
    "form_text": "key_tech | 拟突破的关键核心技术 | 多行文本 | 必填 | | 3000\n"
    "self_funds | 自筹资金（元） | 金额（元） | 必填\n"
    "start_date | 计划开始日期 | 日期 | 必填\n"
    "pledge | 承诺所填内容真实有效 | 确认项 | 必填",
    "tranche_percents": "40,30,30",
}


def _call_form(
    request: Request, values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "projects/call_form.html",
        {
            "values": values,
            "errors": errors,
            "programmes": choices(),
            "org_types": OrgType.choices(),
            "tags": OrgTagKind.choices(),
        },
        status_code=status_code,
    )


@router.get("/projects/calls/new")
def new_call(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    service.calls.check_may_draft(user)
    return _call_form(request, dict(CALL_DEFAULTS), {})


@router.post("/projects/calls/new")
def create_call(
    request: Request, session: SessionDep, actor: SignedInActor, form: SubmittedForm
) -> Response:
    service.calls.check_may_draft(actor.user)  # refused before the form is read
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        data_in = service.calls.from_page_form(
            values, form.getlist("org_types"), form.getlist("required_tags")
        )
    except AppError as exc:
        return _call_form(request, values, exc.extra.get("errors") or {"form": exc.detail}, 422)
    data, errors = parse_form(CallCreate, data_in)
    if data is None:
        return _call_form(request, values, errors, 422)
    return act_and_redirect(
        request,
        session,
        lambda: service.calls.create(session, actor, data),
        back=lambda call: _call_url(call.id),
        done="申报指南草稿已保存，核对后可发布",
        refused_back="/projects/calls/new",
        raise_statuses=STILL_RAISED,
    )


@router.get("/projects/calls/{call_id}")
def call_page(request: Request, call_id: int, session: SessionDep, user: OptionalUser) -> Response:
    call = service.get_call(session, user, call_id)
    staff = service.staff(user)
    context: dict[str, Any] = {
        "call": service.call_view(session, call),
        "fields": service.forms.fields_of(call.form),
        "accepting": service.calls.accepting(call),
        "own": service.applications.own(session, user, call),
        "staff": staff,
    }
    if staff:
        context["desk"] = service.desk(session, user, call)
    return render(request, "projects/call.html", context)


def _staff_call_action(name: str, done: str) -> Any:
    def action(
        call_id: int, request: Request, session: SessionDep, actor: SignedInActor
    ) -> Response:
        call = service.get_call(session, actor.user, call_id)
        run = {
            "publish": lambda: service.calls.publish(session, actor, call),
            "open": lambda: service.review.open_scoring(session, actor, call),
            "close": lambda: service.review.close_scoring(session, actor, call),
            "publicize": lambda: service.decisions.publicize(session, actor, call),
        }[name]
        return act_and_redirect(
            request, session, run, back=_call_url(call_id), done=done, raise_statuses=STILL_RAISED
        )

    action.__name__ = f"call_{name}"
    return action


for _name, _path, _done in [
    ("publish", "publish", "申报指南已发布，开始接受申报"),
    ("open", "scoring/open", "专家评审已开始，已通知参评专家"),
    ("close", "scoring/close", "评审已结束，排名已生成"),
    ("publicize", "publicize", "拟立项项目已进入公示"),
]:
    router.add_api_route(
        f"/projects/calls/{{call_id}}/{_path}", _staff_call_action(_name, _done), methods=["POST"]
    )


@router.post("/projects/calls/{call_id}/panel")
def form_panel(
    call_id: int, request: Request, session: SessionDep, actor: SignedInActor, form: SubmittedForm
) -> Response:
    call = service.get_call(session, actor.user, call_id)
    ids = [int(v) for v in form.getlist("expert_ids") if isinstance(v, str) and v.isdigit()]
    return act_and_redirect(
        request,
        session,
        lambda: service.review.form_panel(session, actor, call, ids),
        back=_call_url(call_id),
        done="评审专家组已更新；存在利益冲突的专家已列明回避原因",
        raise_statuses=STILL_RAISED,
    )


@router.get("/projects/calls/{call_id}/publicity")
def publicity(request: Request, call_id: int, session: SessionDep, user: OptionalUser) -> Response:
    return _publicity_page(request, session, user, call_id)


def _publicity_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    call_id: int,
    values: FormValues | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    call = service.get_call(session, user, call_id)
    return render(
        request,
        "projects/publicity.html",
        {
            "call": service.call_view(session, call),
            **service.publicity_view(session, user, call),
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.post("/projects/calls/{call_id}/publicity/{application_id}/objections")
def file_objection(
    request: Request,
    call_id: int,
    application_id: int,
    session: SessionDep,
    user: CurrentUser,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    """异议 with reasons; a refusal is shown beside the form, the text kept."""
    values = {"application_id": str(application_id), "reasons": str(form.get("reasons", ""))}
    data, errors = parse_form(ObjectionIn, {"reasons": values["reasons"]})
    if data is None:
        return _publicity_page(request, session, user, call_id, values, errors, 422)
    try:
        with session.begin_nested():
            service.objections.file(session, actor, application_id, data.reasons)
    except AppError as exc:
        if exc.status_code in STILL_RAISED:
            raise
        return _publicity_page(
            request, session, user, call_id, values, exc.field_errors("reasons"), exc.status_code
        )
    flash(request, "异议已提交，科技局将核实后答复")
    return redirect(f"/projects/calls/{call_id}/publicity")


@router.get("/projects/objections")
def objections(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    """The bureau's list of the objections still to answer, each with its answer form."""
    page = service.objections.page(session, user, pagination)
    return render(
        request,
        "projects/objections.html",
        {"page": service.mapped(page, service.objections.view), "base_url": "/projects/objections"},
    )


@router.post("/projects/objections/{objection_id}/answer")
def answer_objection(
    request: Request,
    objection_id: int,
    session: SessionDep,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    decision = str(form.get("decision", ""))
    reasons = str(form.get("reasons", ""))
    return act_and_redirect(
        request,
        session,
        lambda: service.objections.answer(session, actor, objection_id, decision, reasons),
        back="/projects/objections",
        done=lambda o: f"已答复：{o.status.label}",
        raise_statuses=STILL_RAISED,
    )


# --- experts --------------------------------------------------------------------------------


@router.get("/projects/calls/{call_id}/scoring")
def scoring(request: Request, call_id: int, session: SessionDep, actor: SignedInActor) -> Response:
    call = service.get_call(session, actor.user, call_id)
    rows = service.review.sheet(session, actor, call)
    return render(
        request,
        "projects/scoring.html",
        {
            "call": service.call_view(session, call),
            "rows": rows,
            "scoring": call.status == "scoring",
        },
    )


@router.post("/projects/calls/{call_id}/scoring/{application_id}")
def save_score(
    call_id: int,
    application_id: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    call = service.get_call(session, actor.user, call_id)
    application = service.applications.get(session, actor.user, application_id)
    back = f"{_call_url(call_id)}/scoring"
    scores = form.getlist("score")
    comments = form.getlist("comment")
    items = [{"score": s, "comment": c} for s, c in zip(scores, comments, strict=False)]
    data, errors = parse_form(ScoreIn, {"items": items})
    if data is None:

        def refused() -> None:
            service.review.scorer(session, actor, call)  # who may score, before what is missing
            service.refuse(errors)

        return act_and_redirect(
            request, session, refused, back=back, done="", raise_statuses=STILL_RAISED
        )
    return act_and_redirect(
        request,
        session,
        lambda: service.review.score(session, actor, call, application, data),
        back=back,
        done="评分已保存，评审结束前可以修改",
        raise_statuses=STILL_RAISED,
    )


# --- applicants and units -------------------------------------------------------------------


@router.post("/projects/calls/{call_id}/apply")
def apply(
    call_id: int, request: Request, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    call = service.get_call(session, actor.user, call_id)
    data, errors = parse_form(ApplicationFields, {"title": values.get("title", "")})
    if data is None:
        return act_and_redirect(
            request,
            session,
            lambda: service.refuse(errors),
            back=_call_url(call_id),
            done="",
        )
    return act_and_redirect(
        request,
        session,
        lambda: service.applications.create(session, actor, call, data),
        back=lambda a: _app_url(a.id),
        done="申报书草稿已创建，请逐项填写申报书",
        refused_back=_call_url(call_id),
        raise_statuses=STILL_RAISED,
    )


@router.get("/projects/mine")
def mine(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    return render(
        request,
        "projects/mine.html",
        {
            "page": service.mine(session, user, pagination),
            "unit": service.unit_queue(session, user, pagination),
        },
    )


def _application_page(
    request: Request,
    session: SessionDep,
    user: Any,
    application: Any,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    view = service.application_view(session, user, application)
    if values is None:
        values = {
            "title": application.title,
            "summary": application.summary,
            "requested_amount": str(application.requested_amount or ""),
            "contact_name": application.contact_name,
            "contact_phone": application.contact_phone,
            "version": application.version,
            **{f"answers.{k}": v for k, v in application.answers.items()},
        }
    return render(
        request,
        "projects/application.html",
        {
            "a": view,
            "application": application,
            "call": service.call_view(session, application.call),
            "fields": service.forms.fields_of(application.call.form),
            "values": values,
            "errors": errors or {},
            "progress": service.progress(session, application),
            "files": service.applications.files(session, application),
            "missing": service.applications.missing(application)
            if "edit" in view["actions"]
            else {},
            "labels": service.ACTION_LABELS,
            "objections": service.objections_of(session, user, application),
        },
        status_code=status_code,
    )


@router.get("/projects/applications/{application_id}")
def application_page(
    request: Request, application_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    application = service.applications.get(session, user, application_id)
    return _application_page(request, session, user, application)


@router.post("/projects/applications/{application_id}/edit")
def edit(
    application_id: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    application = service.applications.get(session, actor.user, application_id)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    fields = service.forms.fields_of(application.call.form)
    answers = nest(values, "answers")
    for f in fields:  # an unticked box is not sent at all
        if f.type == "boolean":
            answers[f.key] = f.key in answers
    data, errors = parse_form(
        ApplicationFields,
        {
            **{k: values.get(k, "") for k in ("title", "summary", "contact_name", "contact_phone")},
            "requested_amount": values.get("requested_amount", ""),
            "answers": answers,
            "version": values.get("version") or None,
        },
    )
    if data is None:
        return _application_page(
            request, session, actor.user, application, values=values, errors=errors, status_code=422
        )
    try:
        with session.begin_nested():
            service.applications.update(session, actor, application, data)
    except AppError as exc:
        if exc.status_code in STILL_RAISED:
            raise
        found = exc.extra.get("errors") or {"form": exc.detail}
        return _application_page(
            request,
            session,
            actor.user,
            application,
            values=values,
            errors=found,
            status_code=exc.status_code,
        )
    return act_and_redirect(
        request, session, lambda: application, back=_app_url(application_id), done="申报书已保存"
    )


@router.post("/projects/applications/{application_id}/files")
def upload(
    application_id: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    form: SubmittedForm,
) -> Response:
    application = service.applications.get(session, actor.user, application_id)
    upload = uploaded_file(form)
    return act_and_redirect(
        request,
        session,
        lambda: service.applications.add_attachment(
            session,
            actor,
            application,
            filename=upload.filename if upload else "",
            data=upload.data if upload else b"",
        ),
        back=_app_url(application_id),
        done="附件已上传",
        raise_statuses=STILL_RAISED,
    )


@router.post("/projects/applications/{application_id}/do/{action}")
def act(
    application_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    values: FormValues,
) -> Response:
    application = service.applications.get(session, actor.user, application_id)
    back = _app_url(application_id)
    note = str(values.get("note", ""))

    def run() -> Any:
        if action == "approve":
            approval = validated(ApproveIn, {"amount": values.get("amount", ""), "note": note})
            return service.decisions.approve(
                session, actor, application, approval.amount, approval.note
            )
        if action == "establish":
            book = validated(
                EstablishIn,
                {k: values.get(k, "") for k in ("task_goals", "midterm_due", "final_due")},
            )
            return service.decisions.establish(session, actor, application, book)
        if action in ("report_midterm", "request_acceptance"):
            report = validated(ReportIn, {"report": values.get("report", "")}).report
            if action == "report_midterm":
                return service.decisions.report_midterm(session, actor, application, report)
            return service.decisions.request_acceptance(session, actor, application, report)
        return service.act(session, actor, application, action, note)

    label = service.ACTION_LABELS.get(action, "操作")
    return act_and_redirect(
        request, session, run, back=back, done=f"已{label}", raise_statuses=STILL_RAISED
    )


@router.get("/projects/applications/{application_id}/files/{attachment_id}")
def download(
    application_id: int, attachment_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    application = service.applications.get(session, user, application_id)
    row, data = service.applications.file(session, application, attachment_id)
    return attachments.download(row, data)
