"""paginate: the rows of one page and the total of the whole list, wherever the page falls."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.pagination import Pagination, paginate
from app.models import SearchTerm


@pytest.fixture
def five_terms(session: Session) -> None:
    session.add_all(SearchTerm(kind="term", value=f"分页测试{i}") for i in range(5))
    session.flush()


def _page(session: Session, page: int, size: int) -> tuple[list[str], int, int]:
    stmt = select(SearchTerm).where(SearchTerm.value.startswith("分页测试"))
    paged = paginate(session, stmt.order_by(SearchTerm.value), Pagination(page=page, size=size))
    return [t.value for t in paged.items], paged.total, paged.pages


@pytest.mark.usefixtures("five_terms")
class TestPaginate:
    def test_full_pages_and_the_last_one(self, session: Session) -> None:
        assert _page(session, 1, 2) == (["分页测试0", "分页测试1"], 5, 3)
        assert _page(session, 2, 2) == (["分页测试2", "分页测试3"], 5, 3)
        assert _page(session, 3, 2) == (["分页测试4"], 5, 3)

    def test_everything_on_the_first_page(self, session: Session) -> None:
        values, total, pages = _page(session, 1, 20)
        assert (len(values), total, pages) == (5, 5, 1)
        assert _page(session, 1, 5)[1:] == (5, 1)

    def test_a_page_past_the_end_still_tells_the_total(self, session: Session) -> None:
        assert _page(session, 4, 2) == ([], 5, 3)
        assert _page(session, 2, 5) == ([], 5, 1)


def test_an_empty_list(session: Session) -> None:
    stmt = select(SearchTerm).where(SearchTerm.value == "没有这个词")
    paged = paginate(session, stmt, Pagination(page=1, size=20))
    assert (paged.items, paged.total, paged.pages) == ([], 0, 1)
