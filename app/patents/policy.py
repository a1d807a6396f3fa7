"""Who keeps the patent and literature records and who sees, searches and reviews a 查新 commission."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
)
from app.models import User
from app.models.enums import Role


def novelty_agency(user: User) -> bool:
    """The 查新 agency: 查新员, 审核员 and platform administrators."""
    return user.is_platform_admin or user.role in (Role.NOVELTY_SEARCHER, Role.NOVELTY_REVIEWER)


# 专利查新: the agency keeps patent and literature records; 查新员 search, mark and draft,
# 审核员 return or issue; a commission is seen by the agency, its requester and the
# requester's organisation (obj: the commission).
define(
    Action.PATENT_RECORDS,
    lambda user, _obj: novelty_agency(user),
    refused="仅查新员、审核员或平台管理员可以导入和维护专利、文献数据",
)
define(
    Action.NOVELTY_VIEW,
    lambda user, commission: (
        novelty_agency(user)
        or commission.requester_id == user.id
        or (
            commission.requester_org_id is not None
            and commission.requester_org_id == user.active_org_id
        )
    ),
    refused="查新委托不存在",
)
define(
    Action.NOVELTY_SEARCH,
    lambda user, _obj: user.is_platform_admin or user.role == Role.NOVELTY_SEARCHER,
    refused="仅查新员可以检索、标注和起草查新结论",
)
define(
    Action.NOVELTY_REVIEW,
    lambda user, _obj: user.is_platform_admin or user.role == Role.NOVELTY_REVIEWER,
    refused="仅审核员可以审核并出具查新报告",
)
