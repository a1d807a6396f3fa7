"""Who may see, change and verify an organisation, manage its members and publish for it."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
    is_org_admin_of,
    staff_for,
)
from app.models.enums import OrgStatus

define(
    Action.ORG_VIEW_PRIVATE,
    lambda user, org: staff_for(user, org) or (org is not None and user.active_org_id == org.id),
    refused="仅本机构成员和管理员可以查看",
)
define(
    Action.ORG_UPDATE,
    lambda user, org: staff_for(user, org) or is_org_admin_of(user, org),
    refused="仅本机构管理员或平台管理员可以修改机构信息",
)
define(
    Action.ORG_VERIFY,
    staff_for,
    refused="仅平台管理员或机构所在区县的管理员可以审核机构",
)
define(
    Action.ORG_MANAGE_MEMBERS,
    lambda user, org: user.is_platform_admin or is_org_admin_of(user, org),
    refused="仅本机构管理员可以管理成员",
)
define(
    Action.ORG_PUBLISH,
    lambda user, org: (
        org is not None and org.status == OrgStatus.VERIFIED and user.active_org_id == org.id
    ),
    refused="机构通过认证后，本机构成员才能发布信息",
)
