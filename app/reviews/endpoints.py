"""JSON routes of the expert review: /api/v1/reviews/mine."""

from __future__ import annotations

from fastapi import APIRouter

from app.core.deps import CurrentUser, SessionDep
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.reviews import tasks
from app.reviews.schemas import ReviewTaskOut

router = APIRouter(prefix="/reviews", tags=["专家评审"])


@router.get("/mine", response_model=Page[ReviewTaskOut], summary="我的评审任务")
def mine(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    """本人受邀的评审（项目申报、奖补事项）：待评分的在前，再按办理时限。"""
    return tasks.for_expert(session, user, pagination)
