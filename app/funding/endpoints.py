"""JSON routes for /api/v1/funding: budget lines and the ledger (read-only; money moves in the
domains whose decisions move it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.deps import ActorDep, SessionDep
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.funding import service
from app.funding.schemas import BudgetLineOut, LedgerEntryOut

router = APIRouter(prefix="/funding", tags=["资金台账"])


@router.get("/lines", response_model=Page[BudgetLineOut], summary="预算科目")
def lines(
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    programme: Annotated[str | None, Query(max_length=40, description="资金项目")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度")] = None,
) -> object:
    """各资金项目的年度预算：总额、已占用、已下达、已支付和余额（平台管理员）。"""
    return service.page_of_lines(session, actor, pagination, programme=programme, year=year)


@router.get("/ledger", response_model=Page[LedgerEntryOut], summary="资金流水")
def ledger(
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    budget_line_id: Annotated[int | None, Query(ge=1, description="预算科目")] = None,
    subject_type: Annotated[str | None, Query(max_length=40, description="对象类型")] = None,
    subject_id: Annotated[int | None, Query(ge=1, description="对象编号")] = None,
) -> object:
    """占用、下达、支付、取消的逐笔流水，最新的在前（平台管理员）；只增不改。"""
    return service.page_of_entries(
        session,
        actor,
        pagination,
        budget_line_id=budget_line_id,
        subject_type=subject_type,
        subject_id=subject_id,
    )
