"""act_and_redirect: a form button's action, its outcome flashed, the browser sent back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import AppError, Conflict, InvalidInput, NotFound, PermissionDenied
from app.core.pages import act_and_redirect
from app.models import SearchTerm


def _request() -> Request:
    return Request({"type": "http", "method": "POST", "headers": [], "session": {}})


def _terms(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SearchTerm)) or 0


def _writes_then(session: Session, error: AppError | None) -> Callable[[], SearchTerm]:
    def run() -> SearchTerm:
        term = SearchTerm(kind="term", value="光电子")
        session.add(term)
        session.flush()
        if error is not None:
            raise error
        return term

    return run


def _act(session: Session, run: Callable[[], Any], **options: Any) -> tuple[str, list[Any]]:
    request = _request()
    response = act_and_redirect(request, session, run, **{"back": "/back", **options})
    assert response.status_code == 303
    return response.headers["location"], request.session.get("flash", [])


class TestActAndRedirect:
    def test_done_is_flashed_with_the_result_and_the_writes_stay(self, session: Session) -> None:
        location, flashes = _act(
            session, _writes_then(session, None), done=lambda term: f"已添加{term.value}"
        )
        assert location == "/back"
        assert flashes == [{"message": "已添加光电子", "category": "success"}]
        assert _terms(session) == 1

    def test_a_refusal_undoes_the_writes_and_says_why(self, session: Session) -> None:
        refusal = InvalidInput("请检查", errors={"value": "已存在"})
        location, flashes = _act(session, _writes_then(session, refusal), done="已添加")
        assert location == "/back"
        assert flashes == [{"message": "请检查：已存在", "category": "error"}]
        assert _terms(session) == 0

    def test_a_refusal_that_keeps_its_changes_keeps_them(self, session: Session) -> None:
        refusal = Conflict("已过期", keep_changes=True)
        _, flashes = _act(session, _writes_then(session, refusal), done="已添加")
        assert flashes == [{"message": "已过期", "category": "error"}]
        assert _terms(session) == 1

    @pytest.mark.parametrize("error", [PermissionDenied(), NotFound()])
    def test_error_page_statuses_still_raise(self, session: Session, error: AppError) -> None:
        with pytest.raises(type(error)):
            _act(session, _writes_then(session, error), done="已添加")
        assert _terms(session) == 0

    def test_the_caller_chooses_which_statuses_raise(self, session: Session) -> None:
        _, flashes = _act(
            session,
            _writes_then(session, PermissionDenied("仅组织者可以操作")),
            done="已添加",
            raise_statuses=frozenset({401, 404}),
        )
        assert flashes == [{"message": "仅组织者可以操作", "category": "error"}]
        with pytest.raises(Conflict):
            _act(
                session,
                _writes_then(session, Conflict()),
                done="已添加",
                raise_statuses=frozenset({409}),
            )

    def test_a_refusal_can_go_elsewhere(self, session: Session) -> None:
        location, _ = _act(
            session, _writes_then(session, Conflict()), done="已添加", refused_back="/form"
        )
        assert location == "/form"
        location, _ = _act(
            session,
            _writes_then(session, InvalidInput(errors={"title": "必填项"})),
            done="已添加",
            refused_back=lambda exc: "/edit" if exc.extra.get("errors") else "/back",
        )
        assert location == "/edit"

    def test_success_can_go_to_the_result(self, session: Session) -> None:
        location, _ = _act(
            session,
            _writes_then(session, None),
            back=lambda term: f"/terms/{term.id}",
            done="已添加",
            refused_back="/form",
        )
        assert location.startswith("/terms/") and location != "/terms/None"

    def test_a_refusal_then_goes_to_refused_back(self, session: Session) -> None:
        location, _ = _act(
            session,
            _writes_then(session, Conflict()),
            back=lambda term: f"/terms/{term.id}",
            done="已添加",
            refused_back="/form",
        )
        assert location == "/form"

    def test_a_back_from_the_result_needs_a_refused_back(self, session: Session) -> None:
        with pytest.raises(TypeError):
            _act(session, _writes_then(session, None), back=lambda term: "/x", done="已添加")
        assert _terms(session) == 0

    def test_other_failures_undo_the_writes_and_propagate(self, session: Session) -> None:
        def run() -> None:
            _writes_then(session, None)()
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            _act(session, run, done="已添加")
        assert _terms(session) == 0
