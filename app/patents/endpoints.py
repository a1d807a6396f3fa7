"""JSON routes for /api/v1/patents: records, fielded search and novelty commissions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from app.core.deps import ActorDep, CurrentUser, SessionDep
from app.core.pagination import PaginationDep
from app.models.enums import PatentLegalStatus
from app.patents import commissions, literature, records, report
from app.patents import search as patent_search
from app.patents.schemas import (
    CommissionCreate,
    CommissionOut,
    CommissionPage,
    Draft,
    LiteratureOut,
    LiteraturePage,
    Mark,
    PatentDetail,
    PatentImportOut,
    PatentSearchPage,
    ReturnNote,
)

router = APIRouter(prefix="/patents", tags=["专利查新"])


@router.get("", response_model=PatentSearchPage, summary="专利检索（字段检索 + 混合检索）")
def search(
    session: SessionDep,
    pagination: PaginationDep,
    q: str = "",
    field: Annotated[str, Query(pattern="^(all|title|abstract|claims)$")] = "all",
    applicant: str = "",
    inventor: str = "",
    ipc: Annotated[str, Query(max_length=16, description="IPC 前缀，如 C22C")] = "",
    legal_status: PatentLegalStatus | None = None,
    filed_from: date | None = None,
    filed_to: date | None = None,
) -> object:
    """按标题/摘要/权利要求、申请人、发明人、IPC 前缀、申请日范围和法律状态检索；
    权利要求逐条检索，命中结果注明命中的权利要求。"""
    filters = patent_search.PatentFilters(
        q, field, applicant, inventor, ipc, legal_status, filed_from, filed_to
    )
    hits = patent_search.search(session, filters)
    start = pagination.offset
    return {
        "items": [
            {"patent": h.patent, "claim": h.claim, "where": h.where, "snippets": h.snippets}
            for h in hits[start : start + pagination.size]
        ],
        "total": len(hits),
        "page": pagination.page,
        "size": pagination.size,
    }


_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"description": "文件未通过校验，一行也未写入；problem+json 的 report 为逐行错误"}
}


@router.post(
    "/import",
    response_model=PatentImportOut,
    summary="导入专利（CSV/Excel/JSON Lines）",
    responses=_REFUSED,
)
def import_patents(
    session: SessionDep, actor: ActorDep, file: Annotated[UploadFile, File()]
) -> object:
    """全部行校验通过才写入；有误时一行也不写入，答 422 并逐行列出错误。"""
    return records.answer(
        records.import_file(session, actor, file.filename or "", file.file.read())
    )


@router.get("/literature", response_model=LiteraturePage, summary="文献（论文）列表")
def list_literature(session: SessionDep, pagination: PaginationDep, q: str = "") -> object:
    """按题名、关键词或作者筛选，按年份从新到旧。"""
    return literature.papers(session, pagination, q)


@router.post(
    "/literature/import",
    response_model=PatentImportOut,
    summary="导入文献（CSV/Excel/JSON Lines）",
    responses=_REFUSED,
)
def import_literature(
    session: SessionDep, actor: ActorDep, file: Annotated[UploadFile, File()]
) -> object:
    """列：文献编号、题名、作者、刊名、年份、摘要、关键词；全部行校验通过才写入。"""
    return records.answer(
        literature.import_file(session, actor, file.filename or "", file.file.read())
    )


@router.get("/literature/{literature_id}", response_model=LiteratureOut, summary="文献详情")
def get_literature(literature_id: int, session: SessionDep) -> object:
    return literature.get(session, literature_id)


@router.get("/commissions", response_model=CommissionPage, summary="查新委托")
def list_commissions(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    """查新员、审核员看到全部委托；委托人看到本人和本机构的委托。"""
    return commissions.list_for(session, user, pagination)


@router.post("/commissions", response_model=CommissionOut, status_code=201, summary="提交查新委托")
def create_commission(data: CommissionCreate, session: SessionDep, actor: ActorDep) -> object:
    return commissions.create(session, actor, **data.model_dump())


@router.get("/commissions/{commission_id}", response_model=CommissionOut, summary="查新委托详情")
def get_commission(commission_id: int, session: SessionDep, user: CurrentUser) -> object:
    return commissions.get(session, user, commission_id)


@router.post(
    "/commissions/{commission_id}/search", response_model=CommissionOut, summary="开始检索"
)
def run_search(commission_id: int, session: SessionDep, actor: ActorDep) -> object:
    commission = commissions.get(session, actor.user, commission_id)
    return commissions.run_search(session, actor, commission)


@router.post(
    "/commissions/{commission_id}/points/{number}/marks",
    response_model=CommissionOut,
    summary="标注检索结果相关/不相关",
)
def mark(
    commission_id: int, number: int, data: Mark, session: SessionDep, actor: ActorDep
) -> object:
    """该查新点按标注重新排序：相关文献扩展检索，不相关文献移出。"""
    commission = commissions.get(session, actor.user, commission_id)
    commissions.mark(
        session,
        actor,
        commission,
        number,
        data.patent_id,
        data.relevant,
        literature_id=data.literature_id,
    )
    return commission


@router.put(
    "/commissions/{commission_id}/draft", response_model=CommissionOut, summary="编辑查新结论"
)
def draft(commission_id: int, data: Draft, session: SessionDep, actor: ActorDep) -> object:
    commission = commissions.get(session, actor.user, commission_id)
    return commissions.save_draft(
        session, actor, commission, data.conclusions, data.overall, finish=data.finish
    )


@router.post(
    "/commissions/{commission_id}/submit", response_model=CommissionOut, summary="提交审核"
)
def submit(commission_id: int, session: SessionDep, actor: ActorDep) -> object:
    commission = commissions.get(session, actor.user, commission_id)
    return commissions.submit(session, actor, commission)


@router.post(
    "/commissions/{commission_id}/return", response_model=CommissionOut, summary="退回修改"
)
def send_back(commission_id: int, data: ReturnNote, session: SessionDep, actor: ActorDep) -> object:
    commission = commissions.get(session, actor.user, commission_id)
    return commissions.send_back(session, actor, commission, data.note)


@router.post(
    "/commissions/{commission_id}/issue", response_model=CommissionOut, summary="审核通过并出具报告"
)
def issue(commission_id: int, session: SessionDep, actor: ActorDep) -> object:
    """报告编号为 14 位：年度 + 地区代码 + 机构代码 + 年度流水号，连续不跳号。"""
    commission = commissions.get(session, actor.user, commission_id)
    return commissions.issue(session, actor, commission)


@router.get("/commissions/{commission_id}/report.pdf", summary="查新报告 PDF")
def report_pdf(commission_id: int, session: SessionDep, user: CurrentUser) -> Response:
    commission = commissions.get(session, user, commission_id)
    data = report.pdf(commission)
    name = f"novelty-report-{commission.report_no}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{patent_id}", response_model=PatentDetail, summary="专利详情")
def get_patent(patent_id: int, session: SessionDep) -> object:
    patent = records.get(session, patent_id)
    return {
        **{c: getattr(patent, c) for c in PatentDetail.model_fields if c != "claims"},
        "claims": records.claims_of(session, patent_id),
    }
