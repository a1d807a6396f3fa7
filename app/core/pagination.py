"""One list shape: ``page``, ``size``, a ``sort`` of the endpoint's own enum and filters in;
a ``Page`` out (``app.core.schemas.Page``).

An endpoint without a choice of order takes ``PaginationDep``; one with a choice declares its
sort enum once and takes ``ListParams`` built from it::

    class ContractSort(StrEnum):
        NEWEST = "newest"
        AMOUNT = "amount"

    ContractList = Annotated[ListParams[ContractSort], Depends(list_params(ContractSort))]

    @router.get("", response_model=Page[ContractOut])
    def contracts(session: SessionDep, params: ContractList) -> object:
        return service.page(session, params)  # paginate(session, stmt, params.pagination)

The first member of the enum is the default order. ``filters`` are the query parameters the
endpoint accepts besides these (``accept``), name → values.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

T = TypeVar("T")
S = TypeVar("S", bound=StrEnum)

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Pagination:
    page: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


_Page = Annotated[int, Query(ge=1, description="页码，从 1 开始")]
_Size = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数")]


def pagination_params(page: _Page = 1, size: _Size = 20) -> Pagination:
    return Pagination(page=page, size=size)


PaginationDep = Annotated[Pagination, Depends(pagination_params)]


@dataclass(frozen=True)
class ListParams(Generic[S]):
    """What a list endpoint was asked for: the page, the order and the filters."""

    pagination: Pagination
    sort: S
    filters: dict[str, list[str]] = field(default_factory=dict)


def list_params(
    sort: type[S], *, default: S | None = None, accept: Callable[[str], bool] | None = None
) -> Callable[..., ListParams[S]]:
    """The dependency for a list endpoint ordered by ``sort`` (see the module text)."""
    first = default if default is not None else next(iter(sort))
    choices = "、".join(m.value for m in sort)

    def dependency(request: Request, page: int, size: int, sort: Any) -> ListParams[S]:
        filters = query_filters(request.query_params, accept) if accept else {}
        return ListParams(Pagination(page=page, size=size), sort, filters)

    parameter = inspect.Parameter
    keyword = parameter.KEYWORD_ONLY
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            parameter("request", keyword, annotation=Request),
            parameter("page", keyword, default=1, annotation=_Page),
            parameter("size", keyword, default=20, annotation=_Size),
            parameter(
                "sort",
                keyword,
                default=first,
                annotation=Annotated[sort, Query(description=f"排序：{choices}")],
            ),
        ]
    )
    return dependency


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

    @classmethod
    def of(
        cls, rows: Sequence[Any], pagination: Pagination, each: Callable[[Any], Any] | None = None
    ) -> Paged:
        """One page of a list already in memory (a short one: a record's versions, its
        members); ``each`` turns only the rows of the page into what the page shows."""
        cut = list(rows[pagination.offset : pagination.offset + pagination.size])
        items = [each(row) for row in cut] if each else cut
        return cls(items=items, total=len(rows), page=pagination.page, size=pagination.size)


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
