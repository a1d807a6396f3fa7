"""Conversations between organisations (互动交流) and their moderation, walked by every role
(see test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.conversations import moderation
from app.conversations import service as conversations
from app.conversations.schemas import ConversationOpen
from app.core.audit import Actor
from app.models import Organization, User
from tests.factories.accounts import make_org
from tests.factories.challenges import PDF
from tests.permissions.world import (
    IN_VERIFIED_ORG,
    SIGNED_IN,
    Route,
    World,
    assert_walk,
    build_world,
)

#: The people of its two organisations: the target (org admin, org member) and the other
#: organisation (its administrator). Everyone else is told it does not exist.
SIDES = {"org_admin", "org_member", "other_org_admin"}
#: Staff of either side's region, while the conversation is reported (the target is in
#: 220173, the other organisation in 220191).
REPORT_HANDLERS = {"platform_admin", "district_admin_here", "district_admin_elsewhere"}
ON_ITS_MERITS = frozenset({409, 422})
UPLOAD = {"file": ("技术方案.pdf", PDF, "application/pdf")}


@dataclass(frozen=True)
class ConversationsWorld(World):
    # The other organisation asked about the target's achievement, with one PDF; the org
    # member started a direct conversation with the other organisation and reported it.
    conversation: int
    attachment: int
    reported: int
    reported_attachment: int
    # A third organisation, and one the target organisation has blocked.
    stranger_org: int
    blocked_org: int


@pytest.fixture(scope="module")
def world(
    session: Session, target: Organization, people: dict[str, User | None]
) -> ConversationsWorld:
    base = build_world(session, target, people)
    owner, member, other = people["org_admin"], people["org_member"], people["other_org_admin"]
    assert owner and member and other and other.org_id
    asking = conversations.open_conversation(
        session,
        Actor(user=other),
        ConversationOpen(
            subject_type="listing", subject_id=base.listing, body="请问能否试用样机？"
        ),
    )
    attachment = conversations.add_attachment(
        session, Actor(user=other), asking, "需求说明.pdf", PDF
    )
    direct = conversations.open_conversation(
        session,
        Actor(user=member),
        ConversationOpen(subject_type="direct", org_id=other.org_id, body="贵司报价偏高"),
    )
    direct_file = conversations.add_attachment(
        session, Actor(user=member), direct, "报价单.pdf", PDF
    )
    moderation.report(session, Actor(user=member), direct, "对方发送与合作无关的推销信息")
    blocked = make_org(session, name="骚扰推销有限公司")
    moderation.block(session, Actor(user=owner), blocked.id)
    session.flush()
    return ConversationsWorld(
        **asdict(base),
        conversation=asking.id,
        attachment=attachment.id,
        reported=direct.id,
        reported_attachment=direct_file.id,
        stranger_org=make_org(session, name="长春新材料研究院").id,
        blocked_org=blocked.id,
    )


def _reading(path: str) -> list[Route]:
    """A GET of the listing-question conversation and of the reported one."""
    return [
        Route("GET", path.format(c="{conversation}", a="{attachment}"), SIDES, seen_by=set()),
        Route(
            "GET",
            path.format(c="{reported}", a="{reported_attachment}"),
            SIDES | REPORT_HANDLERS,
            seen_by=set(),
        ),
    ]


ROUTES: list[Route] = [
    # Starting a conversation and blocking an organisation: people of a verified
    # organisation (conversations.service.member); blocking is its administrator's.
    Route(
        "POST",
        "/api/v1/conversations",
        IN_VERIFIED_ORG,
        lambda w: {"subject_type": "direct", "org_id": w.stranger_org, "body": "想了解合作方式"},  # type: ignore[attr-defined]
    ),
    Route(
        "POST",
        "/messages",
        IN_VERIFIED_ORG,
        lambda w: {
            "subject_type": "direct",
            "org_id": str(w.stranger_org),  # type: ignore[attr-defined]
            "body": "想了解合作方式",
        },
    ),
    Route(
        "POST",
        "/api/v1/conversations/blocks",
        {"org_admin", "other_org_admin"},
        lambda w: {"org_id": w.stranger_org},  # type: ignore[attr-defined]
    ),
    # Only the target organisation blocked that one: the other organisation's administrator
    # is told there is no such block; everyone else is not an organisation's administrator.
    Route(
        "DELETE",
        "/api/v1/conversations/blocks/{blocked_org}",
        {"org_admin"},
        seen_by=SIGNED_IN - {"other_org_admin"},
    ),
    # Reading: the two sides; staff only while it is reported.
    *_reading("/api/v1/conversations/{c}"),
    *_reading("/api/v1/conversations/{c}/messages"),
    *_reading("/api/v1/conversations/{c}/attachments"),
    *_reading("/api/v1/conversations/{c}/attachments/{a}"),
    *_reading("/messages/{c}"),
    *_reading("/messages/{c}/attachments/{a}"),
    # Writing: the two sides; staff reading a reported conversation may not write in it.
    Route(
        "POST",
        "/api/v1/conversations/{conversation}/messages",
        SIDES,
        {"body": "可以，下周安排"},
        seen_by=set(),
    ),
    Route("POST", "/messages/{conversation}", SIDES, {"body": "可以，下周安排"}, seen_by=set()),
    Route(
        "POST",
        "/api/v1/conversations/{reported}/messages",
        SIDES,
        {"body": "可以，下周安排"},
        seen_by=REPORT_HANDLERS,
    ),
    Route("POST", "/api/v1/conversations/{conversation}/read", SIDES, seen_by=set()),
    Route(
        "POST",
        "/api/v1/conversations/{conversation}/attachments",
        SIDES,
        files=UPLOAD,
        seen_by=set(),
    ),
    Route("POST", "/messages/{conversation}/attachments", SIDES, files=UPLOAD, seen_by=set()),
    Route(
        "POST",
        "/api/v1/conversations/{conversation}/reports",
        SIDES,
        {"reason": "对方索要与项目无关的资料"},
        seen_by=set(),
    ),
    Route(
        "POST",
        "/messages/{conversation}/report",
        SIDES,
        {"reason": "对方索要与项目无关的资料"},
        seen_by=set(),
    ),
    # Blocking the other side from within the conversation: a side's administrator.
    Route(
        "POST", "/messages/{conversation}/block", {"org_admin", "other_org_admin"}, seen_by=SIDES
    ),
    # Handling the report: the staff who may read it; its sides may not.
    Route(
        "POST",
        "/api/v1/conversations/{reported}/reports/resolve",
        REPORT_HANDLERS,
        {"resolution": "已提醒双方文明沟通"},
        seen_by=SIDES,
    ),
    Route(
        "POST",
        "/messages/{reported}/resolve",
        REPORT_HANDLERS,
        {"resolution": "已提醒双方文明沟通"},
        seen_by=SIDES,
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_conversation_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: ConversationsWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
