"""Who sees the whole platform's statistics (数据驾驶舱)."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
)

define(
    Action.STATISTICS_VIEW_ALL,
    lambda user, _obj: user.is_staff,
    refused="仅平台或区县管理员可以查看数据驾驶舱",
)
