"""Who creates and manages a matchmaking event, registers people for it and acts for a participant."""

from __future__ import annotations

from app.core.permissions import Action, define, is_org_admin_of
from app.models.enums import Role

# Events: platform and district administrators create them; the platform administrator,
# the district's administrator and the event's organisers manage them.
define(
    Action.EVENT_CREATE,
    lambda user, _obj: user.is_staff,
    refused="仅平台或区县管理员可以创建活动",
)
define(
    Action.EVENT_MANAGE,
    lambda user, event: (
        user.is_platform_admin
        or (user.role == Role.DISTRICT_ADMIN and user.region_code == event.region_code)
        or any(o.user_id == user.id for o in event.organisers)
    ),
    refused="仅活动的组织者或管理员可以管理该活动",
)
# An organisation's administrator registers its people (obj: the organisation).
define(
    Action.EVENT_REGISTER_OTHERS,
    lambda user, org: user.is_platform_admin or is_org_admin_of(user, org),
    refused="仅本机构管理员可以为本机构人员报名",
)
# Answering requests and recording outcomes for a participant: the person, or the
# administrator of the organisation that registered them (obj: the participant).
define(
    Action.EVENT_ACT_FOR,
    lambda user, participant: (
        participant.user_id == user.id
        or (
            participant.org_id is not None
            and user.is_org_admin
            and user.active_org_id == participant.org_id
        )
    ),
    refused="仅参会人本人或其机构管理员可以进行此操作",
)
