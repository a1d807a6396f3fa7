"""Who handles the cases of the service hall (企业办事)."""

from __future__ import annotations

from app.core.permissions import Action, define

define(
    Action.SERVICE_HANDLE,
    lambda user, _obj: user.is_platform_admin,
    refused="仅科技局工作人员（平台管理员）可以办理办件",
)
