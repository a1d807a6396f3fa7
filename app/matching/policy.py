"""Who may see and move an entry of the broker pipeline (供需对接): the check ``can()`` makes
on one entry and, beside it, the SQL filter of the pipeline list, so the two cannot drift."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from app.core.permissions import Action, define
from app.models import MatchPipeline, User
from app.models.enums import Role


def is_party(user: User, entry: Any) -> bool:
    """A member of the demand's or the supply's organisation."""
    org = user.active_org_id
    return (
        entry is not None and org is not None and org in (entry.demand_org_id, entry.supply_org_id)
    )


def works_on(user: User, entry: Any) -> bool:
    """The entry's broker or one of its parties."""
    return entry is not None and (entry.broker_id == user.id or is_party(user, entry))


def may_view(user: User, entry: Any) -> bool:
    return user.is_platform_admin or works_on(user, entry)


def visible_to(user: User) -> ColumnElement[bool]:
    """``may_view`` as a WHERE clause on ``MatchPipeline``."""
    if user.is_platform_admin:
        return true()
    conditions: list[ColumnElement[bool]] = [MatchPipeline.broker_id == user.id]
    if user.active_org_id is not None:
        conditions += [
            MatchPipeline.demand_org_id == user.active_org_id,
            MatchPipeline.supply_org_id == user.active_org_id,
        ]
    return or_(*conditions)


define(Action.PIPELINE_LIST, lambda _user, _obj: True, refused="您没有执行此操作的权限")
define(Action.PIPELINE_VIEW, may_view, refused="仅推荐的经纪人和供需双方可以查看该对接")
define(Action.PIPELINE_CONFIRM, is_party, refused="仅供需双方机构的成员可以确认对接")
define(Action.PIPELINE_ADVANCE, may_view, refused="仅推荐的经纪人和供需双方可以推进该对接")

# Matching: the listing's own organisation judges its matches; brokers and staff too.
define(
    Action.MATCH_FEEDBACK,
    lambda user, listing: (
        user.is_staff or user.role == Role.BROKER or user.active_org_id == listing.org_id
    ),
    refused="仅发布机构的成员、技术经纪人和管理员可以评价匹配结果",
)
define(
    Action.MATCH_PROPOSE,
    lambda user, _obj: user.role == Role.BROKER or user.is_platform_admin,
    refused="仅技术经纪人可以推荐对接",
)
# obj: the user whose profile it is; experts and brokers keep their own.
define(
    Action.EXPERT_PROFILE_EDIT,
    lambda user, owner: (
        user.is_platform_admin
        or (owner is not None and owner.id == user.id and user.role in (Role.EXPERT, Role.BROKER))
    ),
    refused="仅专家或技术经纪人本人可以维护自己的档案",
)
define(
    Action.SUBSCRIPTION_MANAGE,
    lambda user, sub: sub is not None and sub.user_id == user.id,
    refused="只能管理自己的订阅",
)
