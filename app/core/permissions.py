"""The one place that decides whether a user may perform an action on an object.

Every protected action is a member of ``Action``. Its rule lives in the domain's
``policy.py`` (``define``), beside the SQL filter of the same rule where a list needs one;
the platform-wide rules (the back office, users, the search vocabulary) stay here. Services
call ``authorize``, and ``can`` tells what a person may do. ``tests/permissions/``
walks every role through every action.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from app.core.errors import NotAuthenticated, PermissionDenied
from app.models import Organization, User
from app.models.enums import PanelMemberStatus, Role


class Action(StrEnum):
    ADMIN_ACCESS = "admin.access"
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    ORG_VIEW_PRIVATE = "org.view_private"
    ORG_UPDATE = "org.update"
    ORG_VERIFY = "org.verify"
    ORG_MANAGE_MEMBERS = "org.manage_members"
    ORG_PUBLISH = "org.publish"
    SEARCH_MANAGE = "search.manage"
    LISTING_EDIT = "listing.edit"
    LISTING_VIEW_UNPUBLISHED = "listing.view_unpublished"
    LISTING_REVIEW = "listing.review"
    LISTING_SEE_DETAIL = "listing.see_detail"
    LISTING_SEE_CONFIDENTIAL = "listing.see_confidential"
    MATCH_FEEDBACK = "match.feedback"
    MATCH_PROPOSE = "match.propose"
    EXPERT_PROFILE_EDIT = "expert_profile.edit"
    PIPELINE_LIST = "pipeline.list"
    PIPELINE_VIEW = "pipeline.view"
    PIPELINE_CONFIRM = "pipeline.confirm"
    PIPELINE_ADVANCE = "pipeline.advance"
    SUBSCRIPTION_MANAGE = "subscription.manage"
    DEAL_VIEW = "deal.view"
    DEAL_PARTICIPATE = "deal.participate"
    CONTRACT_VIEW = "contract.view"
    CONTRACT_EDIT = "contract.edit"
    CONTRACT_REGISTER = "contract.register"
    CONTRACT_EXPORT = "contract.export"
    INCENTIVE_MANAGE = "incentive.manage"
    SERVICE_HANDLE = "service.handle"
    SERVICE_CASE_VIEW = "service.case_view"
    INCENTIVE_VIEW_CLAIM = "incentive.view_claim"
    FUNDING_VIEW = "funding.view"
    EVENT_CREATE = "event.create"
    EVENT_MANAGE = "event.manage"
    EVENT_REGISTER_OTHERS = "event.register_others"
    EVENT_ACT_FOR = "event.act_for"
    CHALLENGE_APPLY = "challenge.apply"
    CHALLENGE_APPLICATION_EDIT = "challenge.application_edit"
    CHALLENGE_MANAGE = "challenge.manage"
    CHALLENGE_SCORE = "challenge.score"
    CONTENT_WRITE = "content.write"
    CONTENT_REVIEW = "content.review"
    RESOURCE_EDIT = "resource.edit"
    RESOURCE_REVIEW = "resource.review"
    RESOURCE_VIEW_UNPUBLISHED = "resource.view_unpublished"
    BOOKING_DECIDE = "booking.decide"
    STATISTICS_VIEW_ALL = "statistics.view_all"
    PROJECT_MANAGE = "project.manage"
    PROJECT_APPLY = "project.apply"
    PROJECT_EDIT = "project.edit"
    PROJECT_UNIT_REVIEW = "project.unit_review"
    PROJECT_VIEW = "project.view"
    PROJECT_SCORE = "project.score"
    PATENT_RECORDS = "patent.records"
    NOVELTY_VIEW = "novelty.view"
    NOVELTY_SEARCH = "novelty.search"
    NOVELTY_REVIEW = "novelty.review"
    CONVERSATION_VIEW = "conversation.view"
    CONVERSATION_TAKE_PART = "conversation.take_part"
    CONVERSATION_HANDLE_REPORT = "conversation.handle_report"


Rule = Callable[[User, Any], bool]


def in_region(user: User, org: Organization | None) -> bool:
    return (
        org is not None
        and user.role == Role.DISTRICT_ADMIN
        and (user.region_code is not None and user.region_code == org.region_code)
    )


def is_org_admin_of(user: User, org: Organization | None) -> bool:
    return org is not None and user.is_org_admin and user.active_org_id == org.id


def of_its_org(user: User, record: Any) -> bool:
    """A person of the organisation ``record`` belongs to (its ``org_id``): an application's
    applicant, say."""
    return (
        record is not None
        and user.active_org_id is not None
        and user.active_org_id == record.org_id
    )


def staff_for(user: User, org: Organization | None) -> bool:
    return user.is_platform_admin or in_region(user, org)


def reviews_in_region(user: User, listing: Any) -> bool:
    """Platform administrators, and district administrators for listings in their region."""
    return user.is_platform_admin or (
        user.role == Role.DISTRICT_ADMIN and user.region_code == listing.region_code
    )


def sits_on_panel(user: User, member: Any) -> bool:
    """An expert who sits on the panel and was not excluded for a conflict."""
    return (
        user.role == Role.EXPERT
        and member is not None
        and member.expert_id == user.id
        and member.status == PanelMemberStatus.ELIGIBLE
    )


_RULES: dict[Action, Rule] = {
    Action.ADMIN_ACCESS: lambda user, _obj: user.is_staff,
    Action.AUDIT_VIEW: lambda user, _obj: user.is_staff,
    Action.USER_MANAGE: lambda user, _obj: user.is_platform_admin,
    Action.SEARCH_MANAGE: lambda user, _obj: user.is_platform_admin,
}


def define(action: Action, rule: Rule, *, refused: str) -> None:
    """Give ``action`` its rule from the domain's ``policy.py`` (where the SQL filter of a
    rule that has one sits beside it), and the message a refused person reads."""
    if action in _RULES and _RULES[action] is not rule:
        raise ValueError(f"permission {action} defined twice")
    _RULES[action] = rule
    _DENIED[action] = refused


def undefined() -> set[Action]:
    """Actions no rule was given to (empty once every domain's policy is imported)."""
    return set(Action) - set(_RULES)


def can(user: User | None, action: Action, obj: Any = None) -> bool:
    """True when ``user`` may perform ``action`` on ``obj``."""
    if user is None or not user.is_active:
        return False
    rule = _RULES.get(action)
    if rule is None:
        raise LookupError(f"no rule for {action}: import the domain's policy (app/registry.py)")
    return rule(user, obj)


def signed_in(user: User | None) -> User:
    """``user``; without a sign-in the request is asked to sign in (401)."""
    if user is None:
        raise NotAuthenticated("请先登录后再进行此操作")
    return user


def authorize(user: User | None, action: Action, obj: Any = None) -> None:
    """Raise unless ``user`` may perform ``action`` on ``obj``."""
    if not can(signed_in(user), action, obj):
        raise PermissionDenied(_DENIED.get(action, "您没有执行此操作的权限"))


_DENIED: dict[Action, str] = {
    Action.ADMIN_ACCESS: "仅平台或区县管理员可以访问管理后台",
    Action.AUDIT_VIEW: "仅管理员可以查看审计日志",
    Action.USER_MANAGE: "仅平台管理员可以管理用户",
    Action.SEARCH_MANAGE: "仅平台管理员可以维护搜索词典",
}
