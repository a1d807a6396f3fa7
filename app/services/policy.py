"""Who handles the cases of the service hall (企业办事), and who sees a case."""

from __future__ import annotations

from typing import Any

from app.core.permissions import Action, can, define, of_its_org
from app.models import ServiceCase, User

define(
    Action.SERVICE_HANDLE,
    lambda user, _obj: user.is_platform_admin,
    refused="仅科技局工作人员（平台管理员）可以办理办件",
)
# A case: the bureau, and the people of the organisation that applied.
define(
    Action.SERVICE_CASE_VIEW,
    lambda user, case: can(user, Action.SERVICE_HANDLE) or of_its_org(user, case),
    refused="仅申请单位的成员和科技局工作人员可以查看该办件",
)


def visible_cases(query: Any, user: User, *, mine: bool = False) -> Any:
    """``query`` of cases cut to those ``SERVICE_CASE_VIEW`` lets ``user`` see (``mine``: only
    their organisation's, for the bureau too)."""
    if mine or not can(user, Action.SERVICE_HANDLE):
        return query.where(ServiceCase.org_id == (user.active_org_id or -1))
    return query
