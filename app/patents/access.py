"""Who may do what in 专利查新: records managers, 查新员, 审核员, and the requester."""

from __future__ import annotations

from app.core.errors import NotAuthenticated, NotFound, PermissionDenied
from app.models import NoveltyCommission, User
from app.models.enums import Role

SEARCHER_ROLES = (Role.NOVELTY_SEARCHER, Role.NOVELTY_REVIEWER, Role.PLATFORM_ADMIN)


def _signed_in(user: User | None) -> User:
    if user is None or not user.is_active:
        raise NotAuthenticated("请先登录后再进行此操作")
    return user


def require_records_manager(user: User | None) -> User:
    """Patent records are imported by 查新员, 审核员 and platform administrators."""
    user = _signed_in(user)
    if user.role not in SEARCHER_ROLES:
        raise PermissionDenied("仅查新员、审核员或平台管理员可以导入和维护专利数据")
    return user


def is_agency(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in SEARCHER_ROLES


def can_view(user: User | None, commission: NoveltyCommission) -> bool:
    """The agency sees every commission; a requester sees their own and their organisation's."""
    if user is None or not user.is_active:
        return False
    if is_agency(user):
        return True
    if commission.requester_id == user.id:
        return True
    return (
        commission.requester_org_id is not None
        and commission.requester_org_id == user.active_org_id
    )


def require_view(user: User | None, commission: NoveltyCommission) -> None:
    _signed_in(user)
    if not can_view(user, commission):
        # Someone else's commission is not revealed to exist.
        raise NotFound("查新委托不存在")


def require_searcher(user: User | None) -> User:
    user = _signed_in(user)
    if user.role not in (Role.NOVELTY_SEARCHER, Role.PLATFORM_ADMIN):
        raise PermissionDenied("仅查新员可以检索、标注和起草查新结论")
    return user


def require_reviewer(user: User | None) -> User:
    user = _signed_in(user)
    if user.role not in (Role.NOVELTY_REVIEWER, Role.PLATFORM_ADMIN):
        raise PermissionDenied("仅审核员可以审核并出具查新报告")
    return user
