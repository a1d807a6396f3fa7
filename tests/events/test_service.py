"""Event rules that need no HTTP: expiry, cancellations and refills, re-sending, the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import utcnow
from app.core.errors import Conflict
from app.events import service
from app.events.schemas import RequestIn
from app.models import AuditEvent, Notification, User
from app.models.enums import MeetingRequestStatus, MeetingStatus, OrgRole, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.events import make_event, register


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, role=Role.PLATFORM_ADMIN)


def _people(session: Session, count: int) -> list[User]:
    return [
        make_user(session, org=make_org(session), org_role=OrgRole.ADMIN, name=f"人{n}")
        for n in range(count)
    ]


class TestRequests:
    def test_declined_sender_cannot_ask_again_but_the_decliner_can(
        self, session: Session, admin: User
    ) -> None:
        event = make_event(session, admin)
        a_user, b_user = _people(session, 2)
        a, b = register(session, event, a_user), register(session, event, b_user)
        sent = service.send_request(
            session, Actor(user=a_user), event, a, RequestIn(to_participant_id=b.id)
        )
        service.respond(session, Actor(user=b_user), sent, b, accept=False)
        with pytest.raises(Conflict, match="婉拒"):
            service.send_request(
                session, Actor(user=a_user), event, a, RequestIn(to_participant_id=b.id)
            )
        again = service.send_request(
            session, Actor(user=b_user), event, b, RequestIn(to_participant_id=a.id)
        )
        assert again.status == MeetingRequestStatus.PENDING and again.requested_by_id == b.id

    def test_both_asking_means_agreed(self, session: Session, admin: User) -> None:
        event = make_event(session, admin)
        a_user, b_user = _people(session, 2)
        a, b = register(session, event, a_user), register(session, event, b_user)
        service.send_request(
            session, Actor(user=a_user), event, a, RequestIn(to_participant_id=b.id)
        )
        both = service.send_request(
            session, Actor(user=b_user), event, b, RequestIn(to_participant_id=a.id)
        )
        assert both.status == MeetingRequestStatus.ACCEPTED

    def test_expiry_tells_the_sender_and_is_audited(self, session: Session, admin: User) -> None:
        event = make_event(session, admin)
        a_user, b_user = _people(session, 2)
        a, b = register(session, event, a_user), register(session, event, b_user)
        sent = service.send_request(
            session, Actor(user=a_user), event, a, RequestIn(to_participant_id=b.id)
        )
        sent.expires_at = utcnow() - timedelta(seconds=1)
        with pytest.raises(Conflict, match="过期"):
            service.respond(session, Actor(user=b_user), sent, b, accept=True)
        assert sent.status == MeetingRequestStatus.EXPIRED
        sent2 = service.send_request(
            session, Actor(user=a_user), event, a, RequestIn(to_participant_id=b.id)
        )
        sent2.expires_at = utcnow() - timedelta(seconds=1)
        assert service.expire_all_overdue(session) == 1
        titles = [n.title for n in session.query(Notification).filter_by(user_id=a_user.id)]
        assert "您发出的洽谈约见已过期" in titles
        actions = {
            e.action for e in session.query(AuditEvent).filter_by(object_type="meeting_request")
        }
        assert {"meeting_request.send", "meeting_request.expire"} <= actions


class TestCancellation:
    def test_unregistering_frees_meetings_and_refills_from_standby(
        self, session: Session, admin: User
    ) -> None:
        # One slot-table pair per slot: 1 table, so a freed place is visible.
        event = make_event(session, admin, tables=1)
        users = _people(session, 4)
        parts = [register(session, event, u) for u in users]
        # Everyone asked everyone; 4 slots, 1 table → 4 placed of 6.
        for i in range(4):
            for j in range(i + 1, 4):
                service.send_request(
                    session,
                    Actor(user=users[i]),
                    event,
                    parts[i],
                    RequestIn(to_participant_id=parts[j].id),
                )
        actor = Actor(user=admin)
        service.transition(session, actor, event, "close")
        out = service.build_schedule(session, actor, event, time_limit=1)
        assert out.placed == 4 and out.standby == 2
        service.transition(session, actor, event, "publish")
        leaving = parts[0]
        before = {m.id for m in service.schedule_of(session, event)}
        service.cancel_registration(session, Actor(user=users[0]), leaving)
        after = service.schedule_of(session, event)
        assert all(leaving.id not in (m.request.party_a_id, m.request.party_b_id) for m in after)
        kept = before & {m.id for m in after}
        assert len(kept) == len(before) - sum(
            1
            for m in service.repository.meetings(session, event.id, live_only=False)
            if m.status == MeetingStatus.CANCELLED
        )
        # The standby pairs without the leaver were refilled.
        assert len(after) >= len(kept)
        for m in after:
            assert m.status == MeetingStatus.SCHEDULED
        added = [m for m in after if m.id not in before]
        for meeting in added:
            note = (
                session.query(Notification)
                .filter_by(user_id=meeting.request.party_a.user_id, topic="event.meeting_added")
                .first()
            )
            assert note is not None


class TestReregistration:
    def test_a_colleague_can_bring_the_listing_after_a_cancellation(
        self, session: Session, admin: User
    ) -> None:
        from tests.factories.listings import make_listing

        event = make_event(session, admin)
        org = make_org(session)
        first = make_user(session, org=org, org_role=OrgRole.ADMIN, name="甲")
        second = make_user(session, org=org, name="乙")
        listing = make_listing(session, org, first)
        person = register(session, event, first, listing_ids=[listing.id])
        service.cancel_registration(session, Actor(user=first), person)
        colleague = register(session, event, second, listing_ids=[listing.id])
        assert [el.listing_id for el in colleague.listings] == [listing.id]
        again = register(session, event, first)
        assert again.id == person.id and again.active and again.listings == []
