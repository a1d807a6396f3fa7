"""Who reads and writes a conversation (互动交流): the check ``can()`` makes on one conversation
and, beside it, the SQL filter of the lists, so the two cannot drift.

The two organisations' people read and write it; staff read it only while it is reported,
and only in their region (to handle the report). Everyone else is told it does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true

from app.core.permissions import Action, define
from app.models import Conversation, Organization, User
from app.models.enums import Role


def takes_part(user: User, conversation: Any) -> bool:
    """A person of one of its two organisations."""
    return user.active_org_id is not None and user.active_org_id in conversation.org_ids


def handles_report(user: User, conversation: Any) -> bool:
    """Staff of either side's region, while the conversation is reported."""
    if not user.is_staff or conversation.reported_at is None:
        return False
    if user.is_platform_admin:
        return True
    regions = {conversation.org_a.region_code, conversation.org_b.region_code}
    return user.role == Role.DISTRICT_ADMIN and user.region_code in regions


def may_read(user: User, conversation: Any) -> bool:
    return takes_part(user, conversation) or handles_report(user, conversation)


def taken_part_in(org_id: int) -> ColumnElement[bool]:
    """``takes_part`` for the people of ``org_id``, as a WHERE clause on ``Conversation``."""
    return or_(Conversation.org_a_id == org_id, Conversation.org_b_id == org_id)


def reports_handled_by(user: User) -> ColumnElement[bool]:
    """``handles_report`` as a WHERE clause on ``Conversation``."""
    if not user.is_staff:
        return false()
    reported = Conversation.reported_at.is_not(None)
    if user.is_platform_admin:
        return reported & true()
    if user.role != Role.DISTRICT_ADMIN:
        return false()
    in_region = select(Organization.id).where(Organization.region_code == user.region_code)
    return reported & or_(
        Conversation.org_a_id.in_(in_region), Conversation.org_b_id.in_(in_region)
    )


define(Action.CONVERSATION_VIEW, may_read, refused="会话不存在")
define(
    Action.CONVERSATION_TAKE_PART,
    takes_part,
    refused="仅会话双方机构的成员可以在会话中发言",
)
define(
    Action.CONVERSATION_HANDLE_REPORT,
    handles_report,
    refused="仅负责该会话的管理员可以处理举报",
)
