"""Who runs programme calls (项目管理), applies, writes, vouches for, sees and scores a project."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
    of_its_org,
    sits_on_panel,
)
from app.models.enums import OrgStatus

# 项目管理: the programmes are the bureau's money, so the bureau runs calls and decides.
define(
    Action.PROJECT_MANAGE,
    lambda user, _obj: user.is_platform_admin,
    refused="仅科技局工作人员（平台管理员）可以管理项目申报和立项",
)
# Applying: people of a verified organisation (obj: the organisation applying).
define(
    Action.PROJECT_APPLY,
    lambda user, org: (
        org is not None and org.status == OrgStatus.VERIFIED and user.active_org_id == org.id
    ),
    refused="加入已认证的机构后才能申报项目",
)
# The applying organisation's people write the application and report on the project.
define(
    Action.PROJECT_EDIT,
    of_its_org,
    refused="仅申报单位的成员可以操作该项目",
)
# 单位审核: the applying organisation's administrator vouches for it before it goes out.
define(
    Action.PROJECT_UNIT_REVIEW,
    lambda user, application: user.is_org_admin and of_its_org(user, application),
    refused="仅申报单位的机构管理员可以进行单位审核",
)
define(
    Action.PROJECT_VIEW,
    lambda user, application: user.is_platform_admin or of_its_org(user, application),
    refused="仅申报单位的成员和科技局工作人员可以查看该项目",
)
define(
    Action.PROJECT_SCORE,
    sits_on_panel,
    refused="仅本指南评审专家组中未回避的专家可以评分",
)
