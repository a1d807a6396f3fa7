"""HTML pages of the expert review: the expert's review tasks."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import CurrentUser, SessionDep
from app.core.pages import page_router
from app.core.pagination import PaginationDep
from app.core.templating import render
from app.reviews import tasks

router = page_router()


@router.get("/me/review-tasks")
def mine(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    """我的评审任务: every seat on a project call's or an award case's panel, pending first, with the
    link to its scoring form (揭榜挂帅 panels are listed by app/challenges at /me/reviews)."""
    return render(
        request,
        "reviews/mine.html",
        {"page": tasks.for_expert(session, user, pagination), "base_url": "/me/review-tasks"},
    )
