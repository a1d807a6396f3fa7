"""JSON routes for /api/v1/incentives: quotes, rules, claims and budgets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.pagination import Paged, PaginationDep
from app.core.schemas import Page
from app.incentives import service
from app.incentives.schemas import (
    BudgetOut,
    BudgetSet,
    ClaimDecision,
    ClaimOut,
    ContractFacts,
    Quote,
    RuleOut,
    RuleRevision,
)
from app.models.enums import ClaimStatus

router = APIRouter(prefix="/incentives", tags=["政策奖补"])


@router.post("/quote", response_model=Quote, summary="按合同事实测算政策奖补")
def quote(facts: ContractFacts, session: SessionDep, user: OptionalUser) -> object:
    """逐条给出适用的奖补：条款、受益方、计算基数、比例、上限、年度剩余额度、金额和计算说明；
    不适用的条款说明原因。登录后计入本机构当年已申领的金额（管理员计入所有受益方）。"""
    return service.quote(session, user, facts)


@router.get("/rules", response_model=Page[RuleOut], summary="奖补规则（含历史版本）")
def rules(session: SessionDep, pagination: PaginationDep) -> object:
    return Paged.of(service.rules(session), pagination)


@router.post("/rules/{code}/versions", response_model=RuleOut, status_code=201, summary="修订规则")
def revise_rule(code: str, data: RuleRevision, session: SessionDep, actor: ActorDep) -> object:
    """新增一个版本并自生效日起适用；之前的版本保留，已产生的申领仍按原版本。"""
    return service.revise_rule(session, actor, code, data)


@router.get("/claims", response_model=Page[ClaimOut], summary="奖补申领")
def claims(
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    status: ClaimStatus | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    item: Annotated[int | None, Query(ge=1, le=30)] = None,
    mine: bool = False,
) -> object:
    """管理员看到全部申领；其他用户看到本机构（或本人作为技术经纪人）的申领。"""
    return service.list_claims(
        session, user, pagination, status=status, year=year, item_no=item, mine=mine
    )


@router.get("/claims/{claim_id}", response_model=ClaimOut, summary="一项申领")
def claim(claim_id: int, session: SessionDep, user: CurrentUser) -> object:
    return service.get_claim(session, user, claim_id)


@router.post("/claims/{claim_id}/approve", response_model=ClaimOut, summary="核定（可调整金额）")
def approve(claim_id: int, data: ClaimDecision, session: SessionDep, actor: ActorDep) -> object:
    """不填 amount 按计算金额核定；调整金额须填写 reason。占用当年该条款预算，预算不足时拒绝。"""
    return service.approve(session, actor, claim_id, data)


@router.post("/claims/{claim_id}/reject", response_model=ClaimOut, summary="不予支持")
def reject(claim_id: int, data: ClaimDecision, session: SessionDep, actor: ActorDep) -> object:
    return service.reject(session, actor, claim_id, data)


@router.post("/claims/{claim_id}/pay", response_model=ClaimOut, summary="确认拨付")
def pay(claim_id: int, session: SessionDep, actor: ActorDep) -> object:
    return service.mark_paid(session, actor, claim_id)


@router.get("/budgets", response_model=Page[BudgetOut], summary="各条款年度预算")
def budgets(
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> object:
    return Paged.of(service.budgets(session, user, year), pagination)


@router.put("/budgets", response_model=BudgetOut, summary="设置条款年度预算")
def set_budget(data: BudgetSet, session: SessionDep, actor: ActorDep) -> object:
    """预算不能低于已核定占用的金额。"""
    return service.set_budget(session, actor, data)
