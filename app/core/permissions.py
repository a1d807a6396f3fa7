"""The one place that decides whether a user may perform an action on an object.

Every protected action is a member of ``Action`` with its rule in ``_RULES``, or in the
domain's ``policy.py`` (``define``) where the rule also has a SQL form for lists; services
call ``authorize``, and ``can`` tells what a person may do. ``tests/permissions/``
walks every role through every action.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from app.core.errors import NotAuthenticated, PermissionDenied
from app.models import Organization, User
from app.models.enums import OrgStatus, PanelMemberStatus, Role


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


Rule = Callable[[User, Any], bool]


def _in_region(user: User, org: Organization | None) -> bool:
    return (
        org is not None
        and user.role == Role.DISTRICT_ADMIN
        and (user.region_code is not None and user.region_code == org.region_code)
    )


def _is_org_admin_of(user: User, org: Organization | None) -> bool:
    return org is not None and user.is_org_admin and user.active_org_id == org.id


def _staff_for(user: User, org: Organization | None) -> bool:
    return user.is_platform_admin or _in_region(user, org)


def _reviews(user: User, listing: Any) -> bool:
    """Platform administrators, and district administrators for listings in their region."""
    return user.is_platform_admin or (
        user.role == Role.DISTRICT_ADMIN and user.region_code == listing.region_code
    )


def _scores(user: User, member: Any) -> bool:
    """An expert who sits on the panel and was not excluded for a conflict."""
    return (
        user.role == Role.EXPERT
        and member is not None
        and member.expert_id == user.id
        and member.status == PanelMemberStatus.ELIGIBLE
    )


def _novelty_agency(user: User) -> bool:
    """The 查新 agency: 查新员, 审核员 and platform administrators."""
    return user.is_platform_admin or user.role in (Role.NOVELTY_SEARCHER, Role.NOVELTY_REVIEWER)


def _writes_content(user: User, item: Any) -> bool:
    """Platform administrators write everything; district administrators their district's
    news, notices, calls and stories (policies are the bureau's own)."""
    if user.is_platform_admin:
        return True
    return (
        user.role == Role.DISTRICT_ADMIN
        and user.region_code is not None
        and (
            item is None
            or (item.region_code == user.region_code and getattr(item, "kind", "") != "policy")
        )
    )


_RULES: dict[Action, Rule] = {
    Action.ADMIN_ACCESS: lambda user, _obj: user.is_staff,
    Action.AUDIT_VIEW: lambda user, _obj: user.is_staff,
    Action.USER_MANAGE: lambda user, _obj: user.is_platform_admin,
    Action.ORG_VIEW_PRIVATE: lambda user, org: (
        _staff_for(user, org) or (org is not None and user.active_org_id == org.id)
    ),
    Action.ORG_UPDATE: lambda user, org: _staff_for(user, org) or _is_org_admin_of(user, org),
    Action.ORG_VERIFY: _staff_for,
    Action.ORG_MANAGE_MEMBERS: lambda user, org: (
        user.is_platform_admin or _is_org_admin_of(user, org)
    ),
    Action.ORG_PUBLISH: lambda user, org: (
        org is not None and org.status == OrgStatus.VERIFIED and user.active_org_id == org.id
    ),
    Action.SEARCH_MANAGE: lambda user, _obj: user.is_platform_admin,
    Action.LISTING_EDIT: lambda user, listing: (
        user.active_org_id == listing.org_id and (listing.owner_id == user.id or user.is_org_admin)
    ),
    Action.LISTING_VIEW_UNPUBLISHED: lambda user, listing: (
        _reviews(user, listing) or user.active_org_id == listing.org_id
    ),
    Action.LISTING_REVIEW: lambda user, listing: _reviews(user, listing),
    # Public: the summary. Details and contacts: people of verified organisations, brokers,
    # experts and staff.
    Action.LISTING_SEE_DETAIL: lambda user, listing: (
        user.is_staff
        or user.role in (Role.BROKER, Role.EXPERT)
        or user.active_org_id == listing.org_id
        or (user.active_org_id is not None and user.org is not None and user.org.is_verified)
    ),
    # Confidential sections: the owner's organisation and staff; others once granted access.
    Action.LISTING_SEE_CONFIDENTIAL: lambda user, listing: (
        _reviews(user, listing) or user.active_org_id == listing.org_id
    ),
    # Matching: the listing's own organisation judges its matches; brokers and staff too.
    Action.MATCH_FEEDBACK: lambda user, listing: (
        user.is_staff or user.role == Role.BROKER or user.active_org_id == listing.org_id
    ),
    Action.MATCH_PROPOSE: lambda user, _obj: user.role == Role.BROKER or user.is_platform_admin,
    # obj: the user whose profile it is; experts and brokers keep their own.
    Action.EXPERT_PROFILE_EDIT: lambda user, owner: (
        user.is_platform_admin
        or (owner is not None and owner.id == user.id and user.role in (Role.EXPERT, Role.BROKER))
    ),
    Action.SUBSCRIPTION_MANAGE: lambda user, sub: sub is not None and sub.user_id == user.id,
    Action.CONTRACT_EXPORT: lambda user, _obj: user.is_staff,
    # Rewards are paid from the city's budget: the bureau (platform administrators) decides.
    Action.INCENTIVE_MANAGE: lambda user, _obj: user.is_platform_admin,
    Action.SERVICE_HANDLE: lambda user, _obj: user.is_platform_admin,
    # The ledger of every programme's money: the bureau.
    Action.FUNDING_VIEW: lambda user, _obj: user.is_platform_admin,
    Action.INCENTIVE_VIEW_CLAIM: lambda user, claim: (
        user.is_staff
        or (claim.beneficiary_org_id is not None and user.active_org_id == claim.beneficiary_org_id)
        or (claim.beneficiary_user_id is not None and user.id == claim.beneficiary_user_id)
    ),
    # Events: platform and district administrators create them; the platform administrator,
    # the district's administrator and the event's organisers manage them.
    Action.EVENT_CREATE: lambda user, _obj: user.is_staff,
    Action.EVENT_MANAGE: lambda user, event: (
        user.is_platform_admin
        or (user.role == Role.DISTRICT_ADMIN and user.region_code == event.region_code)
        or any(o.user_id == user.id for o in event.organisers)
    ),
    # An organisation's administrator registers its people (obj: the organisation).
    Action.EVENT_REGISTER_OTHERS: lambda user, org: (
        user.is_platform_admin or _is_org_admin_of(user, org)
    ),
    # Answering requests and recording outcomes for a participant: the person, or the
    # administrator of the organisation that registered them (obj: the participant).
    Action.EVENT_ACT_FOR: lambda user, participant: (
        participant.user_id == user.id
        or (
            participant.org_id is not None
            and user.is_org_admin
            and user.active_org_id == participant.org_id
        )
    ),
    # 揭榜: people of a verified organisation other than the one that posted the challenge.
    Action.CHALLENGE_APPLY: lambda user, challenge: (
        user.active_org_id is not None
        and user.org is not None
        and user.org.is_verified
        and user.active_org_id != challenge.org_id
    ),
    # The applying organisation's people work on its application (and its milestones).
    # obj None: the organisation has no application there, so nobody of it may act.
    Action.CHALLENGE_APPLICATION_EDIT: lambda user, application: (
        application is not None
        and user.active_org_id is not None
        and user.active_org_id == application.org_id
    ),
    # Panels, the award and milestone acceptance: the staff who review the challenge.
    Action.CHALLENGE_MANAGE: lambda user, challenge: _reviews(user, challenge),
    # Scoring: an expert who sits on the panel and was not excluded for a conflict.
    # 信息发布: staff write; the bureau (platform administrators) reviews and publishes.
    Action.CONTENT_WRITE: _writes_content,
    Action.CONTENT_REVIEW: lambda user, _obj: user.is_platform_admin,
    Action.CHALLENGE_SCORE: _scores,
    # Resource entries: people of the owning (verified) organisation keep them; the staff who
    # review listings of the region review them.
    Action.RESOURCE_EDIT: lambda user, resource: (
        user.active_org_id is not None
        and user.active_org_id == resource.org_id
        and user.org is not None
        and user.org.is_verified
        and (resource.owner_id == user.id or user.is_org_admin)
    ),
    Action.RESOURCE_REVIEW: lambda user, resource: _reviews(user, resource),
    Action.RESOURCE_VIEW_UNPUBLISHED: lambda user, resource: (
        _reviews(user, resource) or user.active_org_id == resource.org_id
    ),
    # Bookings of an instrument: its keeper, the owning organisation's administrators.
    Action.BOOKING_DECIDE: lambda user, resource: (
        user.active_org_id == resource.org_id
        and (resource.owner_id == user.id or user.is_org_admin)
    ),
    Action.STATISTICS_VIEW_ALL: lambda user, _obj: user.is_staff,
    # 项目管理: the programmes are the bureau's money, so the bureau runs calls and decides.
    Action.PROJECT_MANAGE: lambda user, _obj: user.is_platform_admin,
    # Applying: people of a verified organisation (obj: the organisation applying).
    Action.PROJECT_APPLY: lambda user, org: (
        org is not None and org.status == OrgStatus.VERIFIED and user.active_org_id == org.id
    ),
    # The applying organisation's people write the application and report on the project.
    Action.PROJECT_EDIT: lambda user, application: (
        application is not None
        and user.active_org_id is not None
        and user.active_org_id == application.org_id
    ),
    # 单位审核: the applying organisation's administrator vouches for it before it goes out.
    Action.PROJECT_UNIT_REVIEW: lambda user, application: (
        application is not None and user.is_org_admin and user.active_org_id == application.org_id
    ),
    Action.PROJECT_VIEW: lambda user, application: (
        user.is_platform_admin
        or (user.active_org_id is not None and user.active_org_id == application.org_id)
    ),
    Action.PROJECT_SCORE: _scores,
    # 专利查新: the agency keeps patent and literature records; 查新员 search, mark and draft,
    # 审核员 return or issue; a commission is seen by the agency, its requester and the
    # requester's organisation (obj: the commission).
    Action.PATENT_RECORDS: lambda user, _obj: _novelty_agency(user),
    Action.NOVELTY_VIEW: lambda user, commission: (
        _novelty_agency(user)
        or commission.requester_id == user.id
        or (
            commission.requester_org_id is not None
            and commission.requester_org_id == user.active_org_id
        )
    ),
    Action.NOVELTY_SEARCH: lambda user, _obj: (
        user.is_platform_admin or user.role == Role.NOVELTY_SEARCHER
    ),
    Action.NOVELTY_REVIEW: lambda user, _obj: (
        user.is_platform_admin or user.role == Role.NOVELTY_REVIEWER
    ),
}


def define(action: Action, rule: Rule) -> None:
    """Give ``action`` its rule from the domain's ``policy.py``, where the SQL filter of the
    same rule sits beside it (contracts, deals, the broker pipeline)."""
    if action in _RULES and _RULES[action] is not rule:
        raise ValueError(f"permission {action} defined twice")
    _RULES[action] = rule


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


def authorize(user: User | None, action: Action, obj: Any = None) -> None:
    """Raise unless ``user`` may perform ``action`` on ``obj``."""
    if user is None:
        raise NotAuthenticated("请先登录后再进行此操作")
    if not can(user, action, obj):
        raise PermissionDenied(_DENIED.get(action, "您没有执行此操作的权限"))


_DENIED = {
    Action.ADMIN_ACCESS: "仅平台或区县管理员可以访问管理后台",
    Action.AUDIT_VIEW: "仅管理员可以查看审计日志",
    Action.USER_MANAGE: "仅平台管理员可以管理用户",
    Action.ORG_VIEW_PRIVATE: "仅本机构成员和管理员可以查看",
    Action.ORG_UPDATE: "仅本机构管理员或平台管理员可以修改机构信息",
    Action.ORG_VERIFY: "仅平台管理员或机构所在区县的管理员可以审核机构",
    Action.ORG_MANAGE_MEMBERS: "仅本机构管理员可以管理成员",
    Action.ORG_PUBLISH: "机构通过认证后，本机构成员才能发布信息",
    Action.SEARCH_MANAGE: "仅平台管理员可以维护搜索词典",
    Action.LISTING_EDIT: "仅发布人或本机构管理员可以修改",
    Action.LISTING_VIEW_UNPUBLISHED: "该信息尚未发布",
    Action.LISTING_REVIEW: "仅平台管理员或所在区县管理员可以审核",
    Action.LISTING_SEE_DETAIL: "登录并加入已认证的机构后可查看详情和联系方式",
    Action.LISTING_SEE_CONFIDENTIAL: "该部分为保密内容，需发布方授权后查看",
    Action.MATCH_FEEDBACK: "仅发布机构的成员、技术经纪人和管理员可以评价匹配结果",
    Action.MATCH_PROPOSE: "仅技术经纪人可以推荐对接",
    Action.EXPERT_PROFILE_EDIT: "仅专家或技术经纪人本人可以维护自己的档案",
    Action.PIPELINE_VIEW: "仅推荐的经纪人和供需双方可以查看该对接",
    Action.PIPELINE_CONFIRM: "仅供需双方机构的成员可以确认对接",
    Action.PIPELINE_ADVANCE: "仅推荐的经纪人和供需双方可以推进该对接",
    Action.SUBSCRIPTION_MANAGE: "只能管理自己的订阅",
    Action.DEAL_VIEW: "仅洽谈双方、其技术经纪人和管理员可以查看该洽谈",
    Action.DEAL_PARTICIPATE: "仅洽谈双方和其技术经纪人可以参与洽谈",
    Action.CONTRACT_VIEW: "仅合同当事人、经纪人、技术转移机构和管理员可以查看该合同",
    Action.CONTRACT_EDIT: "仅合同当事人可以办理此事项",
    Action.CONTRACT_REGISTER: "仅平台管理员或登记方所在区县的管理员可以审核认定登记",
    Action.CONTRACT_EXPORT: "仅管理员可以导出技术合同统计",
    Action.INCENTIVE_MANAGE: "仅平台管理员可以审核奖补、维护预算和规则",
    Action.SERVICE_HANDLE: "仅科技局工作人员（平台管理员）可以办理办件",
    Action.INCENTIVE_VIEW_CLAIM: "仅受益单位、受益人和管理员可以查看该奖补",
    Action.FUNDING_VIEW: "仅平台管理员可以查看预算和资金流水",
    Action.EVENT_CREATE: "仅平台或区县管理员可以创建活动",
    Action.EVENT_MANAGE: "仅活动的组织者或管理员可以管理该活动",
    Action.EVENT_REGISTER_OTHERS: "仅本机构管理员可以为本机构人员报名",
    Action.EVENT_ACT_FOR: "仅参会人本人或其机构管理员可以进行此操作",
    Action.CHALLENGE_APPLY: "加入已认证的机构后才能揭榜；发榜单位不能揭自己的榜",
    Action.CHALLENGE_APPLICATION_EDIT: "仅揭榜单位的成员可以操作该申请",
    Action.CHALLENGE_MANAGE: "仅平台管理员或榜单所在区县的管理员可以组织评审",
    Action.CHALLENGE_SCORE: "仅本榜评审专家组中未回避的专家可以评分",
    Action.CONTENT_WRITE: "仅平台管理员或本区县的管理员可以编辑该信息（政策文件由平台管理员发布）",
    Action.CONTENT_REVIEW: "仅平台管理员可以审核发布信息",
    Action.RESOURCE_EDIT: "仅已认证的所属机构的登记人或机构管理员可以维护该资源",
    Action.RESOURCE_REVIEW: "仅平台管理员或资源所在区县的管理员可以审核",
    Action.RESOURCE_VIEW_UNPUBLISHED: "该资源尚未发布",
    Action.BOOKING_DECIDE: "仅仪器所属机构的管理员或仪器负责人可以审批预约",
    Action.STATISTICS_VIEW_ALL: "仅平台或区县管理员可以查看数据驾驶舱",
    Action.PROJECT_MANAGE: "仅科技局工作人员（平台管理员）可以管理项目申报和立项",
    Action.PROJECT_APPLY: "加入已认证的机构后才能申报项目",
    Action.PROJECT_EDIT: "仅申报单位的成员可以操作该项目",
    Action.PROJECT_UNIT_REVIEW: "仅申报单位的机构管理员可以进行单位审核",
    Action.PROJECT_VIEW: "仅申报单位的成员和科技局工作人员可以查看该项目",
    Action.PROJECT_SCORE: "仅本指南评审专家组中未回避的专家可以评分",
    Action.PATENT_RECORDS: "仅查新员、审核员或平台管理员可以导入和维护专利、文献数据",
    Action.NOVELTY_VIEW: "查新委托不存在",
    Action.NOVELTY_SEARCH: "仅查新员可以检索、标注和起草查新结论",
    Action.NOVELTY_REVIEW: "仅审核员可以审核并出具查新报告",
}
