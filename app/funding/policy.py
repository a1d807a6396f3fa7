"""Who sees the budget lines and the ledger."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
)

# The ledger of every programme's money: the bureau.
define(
    Action.FUNDING_VIEW,
    lambda user, _obj: user.is_platform_admin,
    refused="仅平台管理员可以查看预算和资金流水",
)
