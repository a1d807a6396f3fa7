"""An expert's review tasks across every kind: what each domain says its seats are.

A domain that owns a review kind tells, once, how to describe an expert's seats on its
subjects (``@describes("project_call")``): for the rows of ``review_member`` of one expert,
one ``ReviewTask`` each — the subject, whether a score is waiting for them, the deadline, the
status in words and the link to the scoring form. ``for_expert`` gathers them, pending first,
then by deadline, and pages them. Kinds that describe nothing are simply not listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotAuthenticated
from app.core.pagination import Paged, Pagination
from app.models import ReviewMember, User


@dataclass(frozen=True)
class ReviewTask:
    subject_type: str
    subject_id: int
    #: what kind of review it is, in words: 项目申报评审, 奖补事项评审
    kind_label: str
    title: str
    #: a score from this expert is expected now
    pending: bool
    status_label: str
    deadline: date | None
    url: str
    scored: int = 0
    of: int = 0


Describer = Callable[[Session, User, list[ReviewMember]], list[ReviewTask]]
_DESCRIBERS: dict[str, Describer] = {}


def describes(subject_type: str) -> Callable[[Describer], Describer]:
    def register(fn: Describer) -> Describer:
        _DESCRIBERS[subject_type] = fn
        return fn

    return register


def _order(task: ReviewTask) -> tuple[bool, bool, date, int]:
    return (not task.pending, task.deadline is None, task.deadline or date.max, -task.subject_id)


def for_expert(session: Session, user: User | None, pagination: Pagination) -> Paged:
    """The signed-in user's seats on every described review, pending first, by deadline."""
    if user is None:
        raise NotAuthenticated("请先登录后查看评审任务")
    seats: dict[str, list[ReviewMember]] = defaultdict(list)
    for member in session.scalars(
        select(ReviewMember).where(ReviewMember.expert_id == user.id).order_by(ReviewMember.id)
    ):
        seats[member.subject_type].append(member)
    tasks = [
        task
        for subject_type, members in seats.items()
        if (describe := _DESCRIBERS.get(subject_type)) is not None
        for task in describe(session, user, members)
    ]
    tasks.sort(key=_order)
    start = (pagination.page - 1) * pagination.size
    return Paged(
        items=tasks[start : start + pagination.size],
        total=len(tasks),
        page=pagination.page,
        size=pagination.size,
    )
