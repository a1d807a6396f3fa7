"""Every role walked through every protected action: the permission matrix."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.core.errors import NotAuthenticated, PermissionDenied
from app.core.permissions import Action, authorize, can
from app.models import (
    Deal,
    Event,
    EventOrganiser,
    EventParticipant,
    Listing,
    Organization,
    ReviewMember,
    TechContract,
    User,
)
from app.models.enums import (
    OrgRole,
    OrgStatus,
    PanelMemberStatus,
    Role,
)
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.factories.trading import make_contract

ROLES = [
    "anonymous",
    "platform_admin",
    "district_admin_here",
    "district_admin_elsewhere",
    "broker",
    "expert",
    "org_admin",
    "org_member",
    "pending_member",
    "other_org_admin",
    "deactivated_admin",
    "novelty_searcher",
    "novelty_reviewer",
]

# action → roles that may perform it on a verified organisation in region 220173.
ALLOWED: dict[Action, set[str]] = {
    Action.ADMIN_ACCESS: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.AUDIT_VIEW: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.USER_MANAGE: {"platform_admin"},
    Action.ORG_VIEW_PRIVATE: {"platform_admin", "district_admin_here", "org_admin", "org_member"},
    Action.ORG_UPDATE: {"platform_admin", "district_admin_here", "org_admin"},
    Action.ORG_VERIFY: {"platform_admin", "district_admin_here"},
    Action.ORG_MANAGE_MEMBERS: {"platform_admin", "org_admin"},
    Action.ORG_PUBLISH: {"org_admin", "org_member"},
    Action.SEARCH_MANAGE: {"platform_admin"},
    Action.MATCH_PROPOSE: {"platform_admin", "broker"},
    Action.PIPELINE_LIST: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "expert",
        "org_admin",
        "org_member",
        "pending_member",
        "other_org_admin",
        "novelty_searcher",
        "novelty_reviewer",
    },
    Action.CONTRACT_EXPORT: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.INCENTIVE_MANAGE: {"platform_admin"},
    Action.SERVICE_HANDLE: {"platform_admin"},
    Action.FUNDING_VIEW: {"platform_admin"},
    Action.STATISTICS_VIEW_ALL: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
    },
    Action.EVENT_CREATE: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.EVENT_REGISTER_OTHERS: {"platform_admin", "org_admin"},
    # 信息发布 about the organisation's district (the target has its region code)
    Action.CONTENT_WRITE: {"platform_admin", "district_admin_here"},
    Action.CONTENT_REVIEW: {"platform_admin"},
    # 项目管理: the bureau runs the calls; people of the verified organisation apply.
    Action.PROJECT_MANAGE: {"platform_admin"},
    Action.PROJECT_APPLY: {"org_admin", "org_member"},
    # 专利查新: the agency keeps the records; 查新员 search, 审核员 issue.
    Action.PATENT_RECORDS: {"platform_admin", "novelty_searcher", "novelty_reviewer"},
    Action.NOVELTY_SEARCH: {"platform_admin", "novelty_searcher"},
    Action.NOVELTY_REVIEW: {"platform_admin", "novelty_reviewer"},
}

# action → roles that may perform it on an event in region 220173 organised by the expert.
EVENT_ALLOWED: dict[Action, set[str]] = {
    Action.EVENT_MANAGE: {"platform_admin", "district_admin_here", "expert"},
}

# action → roles that may act for a participant: the org_member registered by the target org.
PARTICIPANT_ALLOWED: dict[Action, set[str]] = {
    Action.EVENT_ACT_FOR: {"org_admin", "org_member"},
}

# action → roles that may perform it on a published listing of that organisation, owned by
# its org_admin. (district admins review listings in their own region.)
LISTING_ALLOWED: dict[Action, set[str]] = {
    Action.LISTING_EDIT: {"org_admin"},
    Action.LISTING_VIEW_UNPUBLISHED: {
        "platform_admin",
        "district_admin_here",
        "org_admin",
        "org_member",
    },
    Action.LISTING_REVIEW: {"platform_admin", "district_admin_here"},
    Action.LISTING_SEE_DETAIL: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "expert",
        "org_admin",
        "org_member",
        "other_org_admin",
    },
    Action.LISTING_SEE_CONFIDENTIAL: {
        "platform_admin",
        "district_admin_here",
        "org_admin",
        "org_member",
    },
    Action.MATCH_FEEDBACK: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "org_admin",
        "org_member",
    },
    # 揭榜挂帅 on a challenge of that organisation (an application has an org_id as well).
    Action.CHALLENGE_APPLY: {"other_org_admin"},
    Action.CHALLENGE_APPLICATION_EDIT: {"org_admin", "org_member"},
    Action.CHALLENGE_MANAGE: {"platform_admin", "district_admin_here"},
    # A resource entry (org_id, owner_id, region_code as a listing) kept by the org_admin.
    Action.RESOURCE_EDIT: {"org_admin"},
    Action.RESOURCE_REVIEW: {"platform_admin", "district_admin_here"},
    Action.RESOURCE_VIEW_UNPUBLISHED: {
        "platform_admin",
        "district_admin_here",
        "org_admin",
        "org_member",
    },
    Action.BOOKING_DECIDE: {"org_admin"},
    # A project application of that organisation (it has an org_id as a listing does).
    Action.PROJECT_EDIT: {"org_admin", "org_member"},
    Action.PROJECT_UNIT_REVIEW: {"org_admin"},
    Action.PROJECT_VIEW: {"platform_admin", "org_admin", "org_member"},
}

# action → roles that may perform it on the action's own kind of object (see ``own_object``):
# a pipeline entry between the organisation and a third one, introduced by the broker; the
# expert's own profile; the org member's subscription.
OWN_ALLOWED: dict[Action, set[str]] = {
    Action.PIPELINE_VIEW: {"platform_admin", "broker", "org_admin", "org_member"},
    Action.PIPELINE_ADVANCE: {"platform_admin", "broker", "org_admin", "org_member"},
    Action.PIPELINE_CONFIRM: {"org_admin", "org_member"},
    Action.EXPERT_PROFILE_EDIT: {"platform_admin", "expert"},
    Action.SUBSCRIPTION_MANAGE: {"org_member"},
    # a reward claim whose beneficiary is the target organisation
    Action.INCENTIVE_VIEW_CLAIM: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "org_admin",
        "org_member",
    },
    # A service hall case of the target organisation.
    Action.SERVICE_CASE_VIEW: {"platform_admin", "org_admin", "org_member"},
    # A seat on a 揭榜挂帅 panel held by the expert, not excluded for a conflict.
    Action.CHALLENGE_SCORE: {"expert"},
    # A seat on a call's review panel held by the expert, not excluded.
    Action.PROJECT_SCORE: {"expert"},
    # A conversation of the organisation with a third one (region 220104), reported for
    # abuse: its two sides read and write it, the staff of either region read it.
    Action.CONVERSATION_VIEW: {"platform_admin", "district_admin_here", "org_admin", "org_member"},
    Action.CONVERSATION_TAKE_PART: {"org_admin", "org_member"},
    Action.CONVERSATION_HANDLE_REPORT: {"platform_admin", "district_admin_here"},
    # A 查新委托 the org member filed for the organisation: the agency sees it too.
    Action.NOVELTY_VIEW: {
        "platform_admin",
        "novelty_searcher",
        "novelty_reviewer",
        "org_admin",
        "org_member",
    },
}


# action → roles that may perform it on a deal about that organisation's listing, opened by
# the other organisation, with "broker" as its broker.
DEAL_ALLOWED: dict[Action, set[str]] = {
    Action.DEAL_VIEW: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "org_admin",
        "org_member",
        "other_org_admin",
    },
    Action.DEAL_PARTICIPATE: {"broker", "org_admin", "org_member", "other_org_admin"},
}

# action → roles that may perform it on a contract that organisation (seller, registrant)
# signed with the other organisation, introduced by "broker".
CONTRACT_ALLOWED: dict[Action, set[str]] = {
    Action.CONTRACT_VIEW: {
        "platform_admin",
        "district_admin_here",
        "district_admin_elsewhere",
        "broker",
        "org_admin",
        "org_member",
        "other_org_admin",
    },
    Action.CONTRACT_EDIT: {"platform_admin", "org_admin", "org_member", "other_org_admin"},
    Action.CONTRACT_REGISTER: {"platform_admin", "district_admin_here"},
}

OBJECT_MATRICES = [
    LISTING_ALLOWED,
    DEAL_ALLOWED,
    CONTRACT_ALLOWED,
    EVENT_ALLOWED,
    PARTICIPANT_ALLOWED,
]


def test_matrix_covers_every_action() -> None:
    covered = [set(ALLOWED), set(OWN_ALLOWED), *(set(m) for m in OBJECT_MATRICES)]
    assert set().union(*covered) == set(Action)
    assert sum(len(c) for c in covered) == len(Action)


def own_object(
    session: Session, action: Action, target: Organization, people: dict[str, User | None]
) -> object:
    from types import SimpleNamespace

    broker, expert, member = people["broker"], people["expert"], people["org_member"]
    assert broker is not None and expert is not None and member is not None
    if action == Action.EXPERT_PROFILE_EDIT:
        return expert
    if action == Action.SUBSCRIPTION_MANAGE:
        return SimpleNamespace(user_id=member.id)
    if action == Action.INCENTIVE_VIEW_CLAIM:
        return SimpleNamespace(beneficiary_org_id=target.id, beneficiary_user_id=None)
    if action in (Action.CHALLENGE_SCORE, Action.PROJECT_SCORE):
        return ReviewMember(expert_id=expert.id, status=PanelMemberStatus.ELIGIBLE)
    if action == Action.SERVICE_CASE_VIEW:
        return SimpleNamespace(org_id=target.id)
    if action == Action.NOVELTY_VIEW:
        return SimpleNamespace(requester_id=member.id, requester_org_id=target.id)
    third = make_org(session, region_code="220104")
    if action.value.startswith("conversation."):
        return SimpleNamespace(
            org_ids=(target.id, third.id), org_a=target, org_b=third, reported_at=utcnow()
        )
    return SimpleNamespace(broker_id=broker.id, demand_org_id=target.id, supply_org_id=third.id)
    covered = [set(ALLOWED), *(set(m) for m in OBJECT_MATRICES)]
    assert set().union(*covered) == set(Action)
    assert sum(len(c) for c in covered) == len(Action)


@pytest.fixture(scope="module")
def listing(session: Session, target: Organization, people: dict[str, User | None]) -> Listing:
    owner = people["org_admin"]
    assert owner is not None
    return make_listing(session, target, owner)


@pytest.fixture(scope="module")
def deal(session: Session, listing: Listing, people: dict[str, User | None]) -> Deal:
    other, broker = people["other_org_admin"], people["broker"]
    assert other is not None and other.org_id is not None and broker is not None
    deal = Deal(
        listing_id=listing.id,
        title=listing.title,
        owner_org_id=listing.org_id,
        inquirer_org_id=other.org_id,
        opened_by_id=other.id,
        broker_id=broker.id,
    )
    session.add(deal)
    session.flush()
    return deal


@pytest.fixture(scope="module")
def contract(
    session: Session, target: Organization, people: dict[str, User | None]
) -> TechContract:
    owner, other, broker = people["org_admin"], people["other_org_admin"], people["broker"]
    assert owner is not None and other is not None and other.org is not None and broker
    contract = make_contract(session, owner, target, other.org, broker_id=broker.id)
    contract.registrant_org_id = target.id
    return contract


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(
    role: str,
    action: Action,
    people: dict[str, User | None],
    target: Organization,
    listing: Listing,
    session: Session,
    deal: Deal,
    contract: TechContract,
) -> None:
    user = people[role]
    event = Event(region_code="220173", organisers=[EventOrganiser(user_id=_id(people["expert"]))])
    participant = EventParticipant(user_id=_id(people["org_member"]), org_id=target.id)
    obj: object = target
    allowed = ALLOWED.get(action, set())
    candidates = (listing, deal, contract, event, participant)
    for matrix, candidate in zip(OBJECT_MATRICES, candidates, strict=True):
        if action in matrix:
            obj, allowed = candidate, matrix[action]
    if action in OWN_ALLOWED:
        obj, allowed = own_object(session, action, target, people), OWN_ALLOWED[action]
    expected = role in allowed
    assert can(user, action, obj) is expected
    if expected:
        authorize(user, action, obj)
    else:
        error = NotAuthenticated if user is None else PermissionDenied
        with pytest.raises(error):
            authorize(user, action, obj)


def _id(user: User | None) -> int:
    assert user is not None
    return user.id


def test_excluded_expert_cannot_score(session: Session) -> None:
    expert = make_user(session, role=Role.EXPERT)
    seat = ReviewMember(expert_id=expert.id, status=PanelMemberStatus.EXCLUDED)
    assert not can(expert, Action.CHALLENGE_SCORE, seat)
    assert not can(expert, Action.CHALLENGE_SCORE, None)


def test_unverified_org_cannot_publish(session: Session) -> None:
    pending = make_org(session, status=OrgStatus.PENDING)
    admin = make_user(session, org=pending, org_role=OrgRole.ADMIN)
    assert not can(admin, Action.ORG_PUBLISH, pending)
    with pytest.raises(PermissionDenied, match="机构通过认证后"):
        authorize(admin, Action.ORG_PUBLISH, pending)
