"""Who decides reward claims (奖补) and who sees one."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
)

# Rewards are paid from the city's budget: the bureau (platform administrators) decides.
define(
    Action.INCENTIVE_MANAGE,
    lambda user, _obj: user.is_platform_admin,
    refused="仅平台管理员可以审核奖补、维护预算和规则",
)
define(
    Action.INCENTIVE_VIEW_CLAIM,
    lambda user, claim: (
        user.is_staff
        or (claim.beneficiary_org_id is not None and user.active_org_id == claim.beneficiary_org_id)
        or (claim.beneficiary_user_id is not None and user.id == claim.beneficiary_user_id)
    ),
    refused="仅受益单位、受益人和管理员可以查看该奖补",
)
