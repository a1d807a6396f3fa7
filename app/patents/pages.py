"""HTML routes of 专利查新: patent search, records, import, commissions and the report."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep, SignedInActor
from app.core.errors import NotFound
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    uploaded_file,
)
from app.core.pagination import Paged, Pagination
from app.core.templating import render
from app.models.enums import NoveltyPurpose, NoveltyStatus, PatentLegalStatus
from app.patents import access, commissions, literature, records, report
from app.patents import search as patent_search

router = page_router()
PAGE_SIZE = 20


def _number(text: str | None) -> int:
    """A form's id field; anything else is 0, which no record has (404)."""
    return int(text) if text and text.isdigit() else 0


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/patents")
def search_page(
    request: Request, session: SessionDep, user: OptionalUser, page: int = 1
) -> Response:
    params = dict(request.query_params)
    field = params.get("field", "all")
    filters = patent_search.PatentFilters(
        q=params.get("q", "")[:200],
        field=field if field in patent_search.FIELDS else "all",
        applicant=params.get("applicant", "")[:100],
        inventor=params.get("inventor", "")[:100],
        ipc=params.get("ipc", "")[:16],
        legal_status=PatentLegalStatus.from_code(params.get("legal_status")),
        filed_from=_date(params.get("filed_from")),
        filed_to=_date(params.get("filed_to")),
    )
    hits = patent_search.search(session, filters)
    page = max(page, 1)
    shown = hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    params.pop("page", None)
    return render(
        request,
        "patents/search.html",
        {
            "hits": shown,
            "total": len(hits),
            "params": params,
            "fields": patent_search.FIELDS,
            "statuses": PatentLegalStatus.choices(),
            "page": Paged(shown, len(hits), page, PAGE_SIZE),
            "base_url": list_url("/patents", params),
            "agency": access.is_agency(user),
        },
    )


@router.get("/patents/import")
def import_form(request: Request, _manager: access.RecordsManager) -> Response:
    return render(request, "patents/import.html", {"columns": records.COLUMNS})


_NO_FILE = "请选择要导入的文件（CSV、Excel 或 JSON Lines）"


def _imported(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    form: SubmittedForm,
    importer: Any,
    context: dict[str, Any],
) -> Response:
    """An upload page's answer: the report (422 when the file was refused, nothing written)."""
    upload = uploaded_file(form)
    if upload is None:
        return render(
            request, "patents/import.html", {**context, "problem": _NO_FILE}, status_code=422
        )
    result = importer(session, actor, upload.filename, upload.data)
    return render(
        request,
        "patents/import.html",
        {**context, "report": result},
        status_code=422 if result.refused else 200,
    )


@router.post("/patents/import")
def import_upload(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    form: SubmittedForm,
    _manager: access.RecordsManager,
) -> Response:
    return _imported(
        request, session, actor, form, records.import_file, {"columns": records.COLUMNS}
    )


_LITERATURE_IMPORT = {
    "columns": literature.COLUMNS,
    "what": "文献",
    "action": "/patents/literature/import",
    "updates": "文献编号已存在的文献将被更新。",
}


@router.get("/patents/literature")
def literature_page(
    request: Request, session: SessionDep, user: OptionalUser, page: int = 1, q: str = ""
) -> Response:
    q = q.strip()[:100]
    paged = literature.papers(session, Pagination(page=max(page, 1), size=PAGE_SIZE), q)
    return render(
        request,
        "patents/literature.html",
        {
            "page": paged,
            "q": q,
            "base_url": list_url("/patents/literature", {"q": q} if q else {}),
            "agency": access.is_agency(user),
        },
    )


@router.get("/patents/literature/import")
def literature_import_form(request: Request, _manager: access.RecordsManager) -> Response:
    return render(request, "patents/import.html", _LITERATURE_IMPORT)


@router.post("/patents/literature/import")
def literature_import_upload(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    form: SubmittedForm,
    _manager: access.RecordsManager,
) -> Response:
    return _imported(request, session, actor, form, literature.import_file, _LITERATURE_IMPORT)


@router.get("/patents/literature/{literature_id}")
def literature_detail(request: Request, session: SessionDep, literature_id: int) -> Response:
    return render(request, "patents/paper.html", {"paper": literature.get(session, literature_id)})


@router.get("/patents/commissions")
def commission_list(
    request: Request, session: SessionDep, user: CurrentUser, page: int = 1
) -> Response:
    paged = commissions.list_for(session, user, Pagination(page=max(page, 1), size=PAGE_SIZE))
    return render(
        request,
        "patents/commissions.html",
        {
            "page": paged,
            "base_url": "/patents/commissions",
            "purposes": NoveltyPurpose.choices(),
            "agency": access.is_agency(user),
        },
    )


@router.post("/patents/commissions")
def commission_create(
    request: Request, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    def run() -> Any:
        purpose = NoveltyPurpose.from_code(values.get("purpose")) or NoveltyPurpose.PROJECT
        return commissions.create(
            session,
            actor,
            project_name=values.get("project_name", ""),
            purpose=purpose,
            tech_points=values.get("tech_points", ""),
            points=str(values.get("points", "")).splitlines(),
            requirements=values.get("requirements", ""),
        )

    return act_and_redirect(
        request,
        session,
        run,
        back=lambda c: f"/patents/commissions/{c.id}",
        done="查新委托已提交，查新员将尽快开始检索",
        refused_back=lambda _e: "/patents/commissions",
    )


@router.get("/patents/commissions/{commission_id}")
def commission_detail(
    request: Request, session: SessionDep, user: CurrentUser, commission_id: int
) -> Response:
    commission = commissions.get(session, user, commission_id)
    return render(
        request,
        "patents/commission.html",
        {
            "c": commission,
            "searcher": access.can_search(user),
            "reviewer": access.can_review(user),
            "S": NoveltyStatus,
            "suggest": commissions.suggested_conclusion,
        },
    )


_ACTIONS = {
    "search": (commissions.run_search, "检索完成，请逐点查看并标注检索结果"),
    "submit": (commissions.submit, "已提交审核"),
    "issue": (commissions.issue, "查新报告已出具"),
}


@router.post("/patents/commissions/{commission_id}/{action}")
def commission_action(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
    commission_id: int,
    action: str,
) -> Response:
    back = f"/patents/commissions/{commission_id}"
    commission = commissions.get(session, actor.user, commission_id)

    def run() -> Any:
        if action in _ACTIONS:
            return _ACTIONS[action][0](session, actor, commission)
        if action == "return":
            return commissions.send_back(session, actor, commission, values.get("note", ""))
        if action == "mark":
            paper = values.get("literature_id", "")
            return commissions.mark(
                session,
                actor,
                commission,
                _number(values.get("point")),
                None if paper else _number(values.get("patent_id")),
                values.get("relevant") == "1",
                literature_id=_number(paper) if paper else None,
            )
        if action == "draft":
            texts = {p.number: values.get(f"conclusion_{p.number}", "") for p in commission.points}
            return commissions.save_draft(
                session,
                actor,
                commission,
                texts,
                values.get("overall", ""),
                finish=values.get("finish") == "1",
            )
        raise NotFound("没有这个操作")

    done = _ACTIONS[action][1] if action in _ACTIONS else "已保存"
    return act_and_redirect(request, session, run, back=back, done=done)


@router.get("/patents/commissions/{commission_id}/report")
def report_page(
    request: Request, session: SessionDep, user: CurrentUser, commission_id: int
) -> Response:
    commission = commissions.get(session, user, commission_id)
    return render(
        request, "patents/report.html", {"c": commission, "sections": report.sections(commission)}
    )


@router.get("/patents/commissions/{commission_id}/report.pdf")
def report_pdf(session: SessionDep, user: CurrentUser, commission_id: int) -> Response:
    commission = commissions.get(session, user, commission_id)
    return Response(
        report.pdf(commission),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="novelty-report-{commission.report_no}.pdf"'
        },
    )


@router.get("/patents/{patent_id}")
def patent_detail(request: Request, session: SessionDep, patent_id: int) -> Response:
    patent = records.get(session, patent_id)
    return render(
        request,
        "patents/detail.html",
        {
            "p": patent,
            "claims": records.claims_of(session, patent_id),
            "org_name": records.org_name(session, patent.org_id),
        },
    )
