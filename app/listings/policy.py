"""Who may edit, review and see a listing (achievement, demand, 揭榜挂帅 challenge) and its protected parts."""

from __future__ import annotations

from app.core.permissions import (
    Action,
    define,
    reviews_in_region,
)
from app.models.enums import Role

define(
    Action.LISTING_EDIT,
    lambda user, listing: (
        user.active_org_id == listing.org_id and (listing.owner_id == user.id or user.is_org_admin)
    ),
    refused="仅发布人或本机构管理员可以修改",
)
define(
    Action.LISTING_VIEW_UNPUBLISHED,
    lambda user, listing: reviews_in_region(user, listing) or user.active_org_id == listing.org_id,
    refused="该信息尚未发布",
)
define(
    Action.LISTING_REVIEW,
    lambda user, listing: reviews_in_region(user, listing),
    refused="仅平台管理员或所在区县管理员可以审核",
)
# Public: the summary. Details and contacts: people of verified organisations, brokers,
# experts and staff.
define(
    Action.LISTING_SEE_DETAIL,
    lambda user, listing: (
        user.is_staff
        or user.role in (Role.BROKER, Role.EXPERT)
        or user.active_org_id == listing.org_id
        or (user.active_org_id is not None and user.org is not None and user.org.is_verified)
    ),
    refused="登录并加入已认证的机构后可查看详情和联系方式",
)
# Confidential sections: the owner's organisation and staff; others once granted access.
define(
    Action.LISTING_SEE_CONFIDENTIAL,
    lambda user, listing: reviews_in_region(user, listing) or user.active_org_id == listing.org_id,
    refused="该部分为保密内容，需发布方授权后查看",
)
