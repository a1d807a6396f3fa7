"""Who keeps, reviews and sees a resource entry (instruments, bases, data) and decides its bookings."""

from __future__ import annotations

from app.core.permissions import Action, define, reviews_in_region

# Resource entries: people of the owning (verified) organisation keep them; the staff who
# review listings of the region review them.
define(
    Action.RESOURCE_EDIT,
    lambda user, resource: (
        user.active_org_id is not None
        and user.active_org_id == resource.org_id
        and user.org is not None
        and user.org.is_verified
        and (resource.owner_id == user.id or user.is_org_admin)
    ),
    refused="仅已认证的所属机构的登记人或机构管理员可以维护该资源",
)
define(
    Action.RESOURCE_REVIEW,
    lambda user, resource: reviews_in_region(user, resource),
    refused="仅平台管理员或资源所在区县的管理员可以审核",
)
define(
    Action.RESOURCE_VIEW_UNPUBLISHED,
    lambda user, resource: (
        reviews_in_region(user, resource) or user.active_org_id == resource.org_id
    ),
    refused="该资源尚未发布",
)
# Bookings of an instrument: its keeper, the owning organisation's administrators.
define(
    Action.BOOKING_DECIDE,
    lambda user, resource: (
        user.active_org_id == resource.org_id
        and (resource.owner_id == user.id or user.is_org_admin)
    ),
    refused="仅仪器所属机构的管理员或仪器负责人可以审批预约",
)
