from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.core.deps import SessionDep
from app.core.pagination import Paged, PaginationDep
from app.core.schemas import Page
from app.taxonomy import service

router = APIRouter(tags=["分类表"])


class Term(BaseModel):
    model_config = {"from_attributes": True}

    code: str
    name: str
    parent_code: str | None


@router.get("/taxonomy/{slug}", response_model=Page[Term])
def list_terms(slug: str, session: SessionDep, pagination: PaginationDep) -> object:
    """分类表：fields（技术领域，战略性新兴产业分类）、industries（本市重点产业）、return-reasons（退回原因）、close-reasons（关闭原因）。"""
    return Paged.of(service.terms(session, service.scheme_for(slug)), pagination)
