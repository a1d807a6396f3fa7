"""Workflow.run: permission of the transition, lock, move, audit, one event, subscribers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, sessionmaker

from app.core import outbox, workflow
from app.core.audit import Actor
from app.core.errors import Conflict, PermissionDenied
from app.core.permissions import Action
from app.core.workflow import On, Transition, Workflow, WorkflowEvent
from app.models import AuditEvent, Listing, Organization, OutboxMessage
from app.models.enums import ListingStatus as S
from app.models.enums import OrgRole
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing

seen: list[tuple[str, int]] = []
after: list[dict[str, Any]] = []
flow: Workflow[S] = Workflow(
    "测试对象",
    "status",
    [
        Transition(
            "shelve", "搁置", frozenset({S.PUBLISHED}), S.CLOSED, lambda u, o: u is not None
        ),
    ],
    type="testthing",
    summary=lambda listing: listing.title,
)


@workflow.on("testthing.shelve")
def _in_transaction(session: Session, event: WorkflowEvent) -> None:
    seen.append((event.topic, event.obj.id))


@workflow.on("testthing.shelve", after_commit=True)
def _after_commit(session: Session, payload: dict[str, Any]) -> None:
    after.append(payload)


def thing(session: Session) -> tuple[Listing, Actor]:
    org = make_org(session)
    user = make_user(session, org=org)
    return make_listing(session, org, user, title="示例成果"), Actor(user=user)


def events(session: Session) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.topic == "testthing.shelve")
    return list(session.scalars(stmt))


def test_run_moves_audits_publishes_once_and_tells_subscribers(session: Session) -> None:
    seen.clear()
    listing, actor = thing(session)
    event = flow.run(session, actor, listing, "shelve", note="暂不对外", reason_code="x")
    assert listing.status == S.CLOSED
    assert event.topic == "testthing.shelve"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "testthing.shelve")).one()
    assert audit.summary == "搁置：示例成果（暂不对外）"
    assert (audit.before, audit.after) == (
        {"status": "published"},
        {"status": "closed", "reason_code": "x"},
    )
    (message,) = events(session)
    assert message.payload == {
        "id": listing.id,
        "action": "shelve",
        "actor_id": actor.user_id,
        "before": "published",
        "after": "closed",
        "note": "暂不对外",
        "reason_code": "x",
    }
    assert seen == [("testthing.shelve", listing.id)]


def test_a_second_run_is_a_409_with_no_second_effect(session: Session) -> None:
    seen.clear()
    listing, actor = thing(session)
    flow.run(session, actor, listing, "shelve")
    with pytest.raises(Conflict, match="测试对象当前状态为“已关闭”，不能执行“搁置”"):
        flow.run(session, actor, listing, "shelve")
    assert len(events(session)) == 1 and len(seen) == 1


def test_the_transition_permission_is_checked_first(session: Session) -> None:
    listing, _ = thing(session)
    with pytest.raises(PermissionDenied):
        flow.run(session, Actor(), listing, "shelve")
    assert listing.status == S.PUBLISHED and events(session) == []


def test_after_commit_subscribers_run_from_the_outbox(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    after.clear()
    listing, actor = thing(session)
    flow.run(session, actor, listing, "shelve")
    session.commit()
    assert after == []
    outbox.drain(session_factory, topics={"testthing.shelve"})
    assert [p["id"] for p in after] == [listing.id]


def _org_of(listing: Listing) -> Organization | None:
    return object_session(listing).get(Organization, listing.org_id)  # type: ignore[union-attr]


#: a permission held on the record the object belongs to (a listing's organisation)
org_flow: Workflow[S] = Workflow(
    "测试对象",
    "status",
    [
        Transition(
            "archive",
            "归档",
            frozenset({S.PUBLISHED}),
            S.CLOSED,
            On(Action.ORG_UPDATE, _org_of),
        )
    ],
    type="testorgthing",
)


def test_a_permission_on_the_owning_record_refuses_with_its_own_message(
    session: Session,
) -> None:
    listing, member = thing(session)
    with pytest.raises(PermissionDenied, match="仅本机构管理员或平台管理员可以修改机构信息"):
        org_flow.check(member.user, listing, "archive")
    with pytest.raises(PermissionDenied):
        org_flow.run(session, member, listing, "archive")
    assert listing.status == S.PUBLISHED
    org = session.get(Organization, listing.org_id)
    admin = make_user(session, org=org, org_role=OrgRole.ADMIN)
    assert org_flow.permitted(admin, listing, "archive")
    assert org_flow.run(session, Actor(user=admin), listing, "archive").after == S.CLOSED
