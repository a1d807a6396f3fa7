from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.audit import service
from app.audit.schemas import AuditEventOut, AuditFilters
from app.core.deps import ActorDep, SessionDep
from app.core.pagination import PaginationDep
from app.core.schemas import Page

router = APIRouter(tags=["审计"])


@router.get("/audit", response_model=Page[AuditEventOut])
def list_audit(
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    filters: Annotated[AuditFilters, Depends()],
) -> object:
    """审计日志（管理员）：按操作人、动作前缀、对象类型和编号、日期范围筛选。"""
    return service.list_events(session, actor, filters, pagination)
