"""Lists show exactly what ``can()`` allows: the SQL filter of each domain's policy.py and its
check on one record agree, for every role.

Also: every action has its rule once every domain's policy is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

import app.registry  # noqa: F401  (every domain's policy.py)
from app.conversations import moderation
from app.conversations import repository as conversation_repository
from app.conversations import service as conversation_service
from app.conversations.schemas import ConversationOpen
from app.core import permissions
from app.core.audit import Actor
from app.core.pagination import Pagination
from app.core.permissions import Action
from app.incentives import service as incentive_service
from app.matching import pipeline as pipeline_service
from app.models import (
    Conversation,
    Deal,
    IncentiveClaim,
    MatchPipeline,
    NoveltyCommission,
    Organization,
    ProjectApplication,
    Resource,
    User,
)
from app.models.enums import ListingKind, NoveltyPurpose, OrgRole, OrgType, PipelineStage
from app.patents import commissions as novelty_service
from app.projects import service as project_service
from app.projects.schemas import ApplicationFields
from app.resources import service as resource_service
from app.trading import deals as deal_service
from app.trading import service as contract_service
from tests.factories.accounts import make_org, make_user
from tests.factories.incentives import facts_between
from tests.factories.incentives import register as register_contract
from tests.factories.listings import make_listing
from tests.factories.projects import ANSWERS
from tests.factories.projects import draft as draft_application
from tests.factories.projects import make_cast as make_call_cast
from tests.factories.resources import make_resource
from tests.factories.trading import make_contract
from tests.permissions.test_matrix import ROLES
from tests.permissions.world import assert_lists_what_can_allows

EVERYTHING = Pagination(page=1, size=100)
#: Lists where the organisation's administrator or the broker may rightly see nothing here.
SOMETIMES_EMPTY = {"deals", "commissions", "applications", "resources", "conversations"}


def test_every_action_has_a_rule() -> None:
    assert permissions.undefined() == set()


@pytest.fixture(scope="module")
def world(
    session: Session, target: Organization, people: dict[str, User | None]
) -> dict[str, list[int]]:
    """Records of every listed kind, each seen by a different set of people."""
    owner, other, broker = people["org_admin"], people["other_org_admin"], people["broker"]
    assert owner is not None and other is not None and other.org is not None and broker
    third = make_org(session, region_code="220104")
    stranger = make_user(session, org=third, org_role=OrgRole.ADMIN)
    contracts = [
        make_contract(session, owner, target, other.org, broker_id=broker.id),
        make_contract(session, other, other.org, third),
        make_contract(session, stranger, third, make_org(session)),
    ]
    contracts[2].transfer_org_id = target.id  # the target is the transfer institution
    ours = make_listing(session, target, owner)
    theirs = make_listing(session, third, stranger, kind=ListingKind.DEMAND)
    elsewhere = make_listing(session, other.org, other)
    deals = [
        Deal(
            listing_id=ours.id,
            title=ours.title,
            owner_org_id=target.id,
            inquirer_org_id=third.id,
            opened_by_id=stranger.id,
        ),
        Deal(
            listing_id=elsewhere.id,
            title=elsewhere.title,
            owner_org_id=other.org.id,
            inquirer_org_id=third.id,
            opened_by_id=stranger.id,
            broker_id=broker.id,
        ),
    ]
    entries = [
        MatchPipeline(
            demand_listing_id=theirs.id,
            supply_listing_id=ours.id,
            demand_org_id=third.id,
            supply_org_id=target.id,
            stage=PipelineStage.PROPOSED,
        ),
        MatchPipeline(
            demand_listing_id=theirs.id,
            supply_listing_id=elsewhere.id,
            demand_org_id=third.id,
            supply_org_id=other.org.id,
            broker_id=broker.id,
            stage=PipelineStage.PROPOSED,
        ),
    ]
    session.add_all([*deals, *entries])
    # Reward claims: the target's (it sold a contract, with the broker's share), and one
    # between two other organisations.
    staff = Actor(user=people["platform_admin"])
    university = make_org(session, org_type=OrgType.UNIVERSITY)
    claims = [
        *register_contract(session, staff, facts_between(university, target, broker=broker)),
        *register_contract(session, staff, facts_between(third, other.org)),
    ]
    # 查新委托 filed by the target's member, by the other organisation and by a stranger.
    commissions = [
        _commission(session, people["org_member"]),
        _commission(session, other),
        _commission(session, stranger),
    ]
    # Project applications of the target's member, and of another enterprise.
    cast = make_call_cast(session, applicants=1, tag="名单")
    applications = [
        project_service.applications.create(
            session,
            Actor(user=people["org_member"]),
            cast.call,
            ApplicationFields(
                title="车规级雷达芯片封装关键技术攻关",
                summary="围绕毫米波雷达芯片封装开展攻关",
                requested_amount=Decimal("800000"),
                answers=ANSWERS,
            ),
        ),
        draft_application(session, cast, 0),
    ]
    # Conversations: the target's with the other organisation (reported, so the staff of
    # either region handle it), the target's with the stranger, and two others' (reported).
    chats = [
        _conversation(session, people["org_member"], other.org, report=True),
        _conversation(session, owner, third),
        _conversation(session, stranger, other.org, report=True),
    ]
    # Resources waiting for review: the target's (220173) and the stranger's (220104).
    resources = []
    for keeper, region in ((owner, "220173"), (stranger, "220104")):
        resource = make_resource(session, keeper, publish=False, region_code=region)
        resource_service.submit(session, Actor(user=keeper), resource.id)
        resources.append(resource)
    session.flush()
    return {
        "conversations": [c.id for c in chats],
        "resources": [r.id for r in resources],
        "contracts": [c.id for c in contracts],
        "deals": [d.id for d in deals],
        "pipeline": [e.id for e in entries],
        "claims": [c.id for c in claims],
        "commissions": [c.id for c in commissions],
        "applications": [a.id for a in applications],
    }


def _commission(session: Session, requester: User | None) -> NoveltyCommission:
    return novelty_service.create(
        session,
        Actor(user=requester),
        project_name="车用电池包液冷板",
        purpose=NoveltyPurpose.PROJECT,
        tech_points="电池包底部的液冷板采用吹胀工艺成型",
        points=["吹胀成型的液冷板流道"],
    )


def _conversation(
    session: Session, user: User | None, org: Organization, *, report: bool = False
) -> Conversation:
    actor = Actor(user=user)
    data = ConversationOpen(subject_type="direct", org_id=org.id, body="想了解贵方的检测能力")
    chat = conversation_service.open_conversation(session, actor, data)
    if report:
        moderation.report(session, actor, chat, "对方反复发送与合作无关的推销信息")
    return chat


def _conversations(session: Session, actor: Actor) -> list[object]:
    """The staff's reported conversations; an organisation's people, its inbox."""
    user = _user(actor)
    if not (user.is_staff or user.active_org_id):
        return []  # the inbox refuses them (403)
    page = conversation_service.inbox(session, actor, EVERYTHING, reported=user.is_staff)
    return [conversation_repository.get(session, c.id) for c in page.items]


Lister = Callable[[Session, Actor], list[object]]
LISTS: dict[str, tuple[Action, Lister]] = {
    "conversations": (Action.CONVERSATION_VIEW, _conversations),
    # The review desk of resources: staff, each for their region (others are refused).
    "resources": (
        Action.RESOURCE_REVIEW,
        lambda s, a: (
            resource_service.review_queue(s, _user(a), EVERYTHING).items
            if _user(a).is_staff
            else []
        ),
    ),
    "contracts": (
        Action.CONTRACT_VIEW,
        lambda s, a: contract_service.list_contracts(s, a, EVERYTHING).items,
    ),
    "deals": (Action.DEAL_VIEW, lambda s, a: deal_service.list_deals(s, a, EVERYTHING).items),
    "pipeline": (Action.PIPELINE_VIEW, lambda s, a: pipeline_service.mine(s, a, EVERYTHING).items),
    # Staff see every claim; the others the claims their organisation or they benefit from.
    "claims": (
        Action.INCENTIVE_VIEW_CLAIM,
        lambda s, a: incentive_service.list_claims(s, _user(a), EVERYTHING).items,
    ),
    # The agency sees every commission; the others their own and their organisation's.
    "commissions": (
        Action.NOVELTY_VIEW,
        lambda s, a: novelty_service.list_for(s, _user(a), EVERYTHING).items,
    ),
    # "My applications": the applying organisation's people, who work on them.
    "applications": (
        Action.PROJECT_EDIT,
        lambda s, a: project_service.mine(s, a.user, EVERYTHING).items,
    ),
}


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


@pytest.mark.parametrize("kind", list(LISTS))
@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "deactivated_admin")])
def test_a_list_shows_what_can_allows(
    kind: str,
    role: str,
    session: Session,
    people: dict[str, User | None],
    world: dict[str, list[int]],
) -> None:
    user = people[role]
    assert user is not None
    action, listed_by = LISTS[kind]
    listed = listed_by(session, Actor(user=user))
    admin = people["platform_admin"]
    assert admin is not None
    rows = [_load(session, kind, i, admin) for i in world[kind]]
    shown = assert_lists_what_can_allows(user, action, listed, rows)
    assert shown or kind in SOMETIMES_EMPTY or role not in ("org_admin", "broker")


def _load(session: Session, kind: str, row_id: int, admin: User) -> Any:
    if kind == "contracts":
        return contract_service.get_contract(session, Actor(user=admin), row_id)
    if kind == "conversations":
        return conversation_repository.get(session, row_id)
    cls = {
        "resources": Resource,
        "applications": ProjectApplication,
        "deals": Deal,
        "pipeline": MatchPipeline,
        "claims": IncentiveClaim,
        "commissions": NoveltyCommission,
    }[kind]
    row = session.get(cls, row_id)
    assert row is not None
    return row
