"""Who may see and move an entry of the broker pipeline (供需对接): the check ``can()`` makes
on one entry and, beside it, the SQL filter of the pipeline list, so the two cannot drift."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from app.core.permissions import Action, define
from app.models import MatchPipeline, User


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


define(Action.PIPELINE_LIST, lambda _user, _obj: True)
define(Action.PIPELINE_VIEW, may_view)
define(Action.PIPELINE_CONFIRM, is_party)
define(Action.PIPELINE_ADVANCE, may_view)
