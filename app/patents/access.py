"""Who may do what in 专利查新 (the rules are ``Action``\\ s of app/core/permissions.py).

Records managers (查新员, 审核员, platform administrators) import patents and literature;
查新员 search, mark and draft; 审核员 return or issue; a requester sees their own and their
organisation's commissions, and anyone else gets 404 (a commission's existence is not told).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.deps import OptionalUser
from app.core.errors import NotFound
from app.core.permissions import Action, authorize, can, signed_in
from app.models import NoveltyCommission, User


def require_records_manager(user: User | None) -> User:
    """Patent and literature records are kept by 查新员, 审核员 and platform administrators."""
    user = signed_in(user)
    authorize(user, Action.PATENT_RECORDS)
    return user


async def records_manager(user: OptionalUser) -> User:
    return require_records_manager(user)


#: A route for the records: 401 without a sign-in, 403 for anyone but the 查新 agency.
RecordsManager = Annotated[User, Depends(records_manager)]


def is_agency(user: User | None) -> bool:
    return can(user, Action.PATENT_RECORDS)


def can_view(user: User | None, commission: NoveltyCommission) -> bool:
    return can(user, Action.NOVELTY_VIEW, commission)


def require_view(user: User | None, commission: NoveltyCommission) -> None:
    signed_in(user)
    if not can_view(user, commission):
        # Someone else's commission is not revealed to exist.
        raise NotFound("查新委托不存在")


def require_searcher(user: User | None) -> User:
    user = signed_in(user)
    authorize(user, Action.NOVELTY_SEARCH)
    return user


def require_reviewer(user: User | None) -> User:
    user = signed_in(user)
    authorize(user, Action.NOVELTY_REVIEW)
    return user


def can_search(user: User | None) -> bool:
    return can(user, Action.NOVELTY_SEARCH)


def can_review(user: User | None) -> bool:
    return can(user, Action.NOVELTY_REVIEW)
