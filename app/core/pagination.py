"""One way to paginate: ``page`` and ``size`` query parameters and a counted statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Pagination:
    page: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def pagination_params(
    page: Annotated[int, Query(ge=1, description="页码，从 1 开始")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数")] = 20,
) -> Pagination:
    return Pagination(page=page, size=size)


PaginationDep = Annotated[Pagination, Depends(pagination_params)]


@dataclass(frozen=True)
class Paged:
    """A page of ORM rows with the total they were cut from."""

    items: list[Any]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def query_filters(params: QueryParams, accept: Callable[[str], bool]) -> dict[str, list[str]]:
    """Filters from the query string, name → values (a name repeats for a multi-select facet).

    Only names ``accept`` keeps, and only non-empty values.
    """
    filters: dict[str, list[str]] = {}
    for name, value in params.multi_items():
        if value and accept(name):
            filters.setdefault(name, []).append(value)
    return filters


def paginate(session: Session, stmt: Select[Any], pagination: Pagination) -> Paged:
    """Run ``stmt`` for one page and count all of its rows.

    A page that is not full is the last one, so its rows give the total without counting
    (most lists fit on their first page); an empty page past the first still counts, since
    the list may end before it.
    """
    items = list(session.scalars(stmt.limit(pagination.size).offset(pagination.offset)))
    if len(items) < pagination.size and (items or pagination.offset == 0):
        total = pagination.offset + len(items)
    else:
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = session.scalar(count) or 0
    return Paged(items=items, total=total, page=pagination.page, size=pagination.size)
