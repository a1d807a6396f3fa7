"""Who applies to a 揭榜挂帅 challenge, works on an application, runs the review and scores."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
    of_its_org,
    reviews_in_region,
    sits_on_panel,
)

# 揭榜: people of a verified organisation other than the one that posted the challenge.
define(
    Action.CHALLENGE_APPLY,
    lambda user, challenge: (
        user.active_org_id is not None
        and user.org is not None
        and user.org.is_verified
        and user.active_org_id != challenge.org_id
    ),
    refused="加入已认证的机构后才能揭榜；发榜单位不能揭自己的榜",
)
# The applying organisation's people work on its application (and its milestones).
# obj None: the organisation has no application there, so nobody of it may act.
define(
    Action.CHALLENGE_APPLICATION_EDIT,
    of_its_org,
    refused="仅揭榜单位的成员可以操作该申请",
)
# Panels, the award and milestone acceptance: the staff who review the challenge.
define(
    Action.CHALLENGE_MANAGE,
    lambda user, challenge: reviews_in_region(user, challenge),
    refused="仅平台管理员或榜单所在区县的管理员可以组织评审",
)
# Scoring: an expert who sits on the panel and was not excluded for a conflict.
define(
    Action.CHALLENGE_SCORE,
    sits_on_panel,
    refused="仅本榜评审专家组中未回避的专家可以评分",
)
