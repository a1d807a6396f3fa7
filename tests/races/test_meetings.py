"""Meetings of an event under many clients at once: nobody holds two places in a slot."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import session_scope
from app.events import service as event_service
from app.events.schemas import RequestIn
from app.models import Event, Meeting, MeetingRequest, MeetingSeat, Notification, User
from app.models.enums import MeetingRequestStatus, MeetingStatus, OrgRole, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.events import make_event, register
from tests.races.conftest import RaceServer, statuses


def _people(session: Session, count: int) -> list[User]:
    return [
        make_user(session, org=make_org(session), org_role=OrgRole.ADMIN, name=f"参会人{n}")
        for n in range(count)
    ]


def _scheduled_event(server: RaceServer, people: int = 6) -> tuple[int, str]:
    """An event whose everyone asked everyone, scheduled on two tables with a standby list."""
    with session_scope(server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="活动组织者")
        event = make_event(s, admin, tables=2)
        users = _people(s, people)
        parts = [register(s, event, u) for u in users]
        for i in range(people):
            for j in range(i + 1, people):
                event_service.send_request(
                    s,
                    Actor(user=users[i]),
                    event,
                    parts[i],
                    RequestIn(to_participant_id=parts[j].id),
                )
        actor = Actor(user=admin)
        event_service.transition(s, actor, event, "close")
        event_service.build_schedule(s, actor, event, time_limit=1)
        event_service.transition(s, actor, event, "publish")
        return event.id, server.token(s, admin)


def _assert_nobody_double_booked(session: Session, event_id: int) -> list[Meeting]:
    live = list(
        session.scalars(
            select(Meeting).where(
                Meeting.event_id == event_id, Meeting.status != MeetingStatus.CANCELLED
            )
        )
    )
    places = Counter()
    for meeting in live:
        for person in (meeting.request.party_a_id, meeting.request.party_b_id):
            places[(meeting.slot_id, person)] += 1
    assert max(places.values(), default=1) == 1, places.most_common(3)
    requests = Counter(m.request_id for m in live)
    assert max(requests.values(), default=1) == 1, requests.most_common(3)
    seats = {
        (seat.slot_id, seat.participant_id)
        for seat in session.scalars(
            select(MeetingSeat).where(MeetingSeat.meeting_id.in_([m.id for m in live]))
        )
    }
    assert seats == set(places), "every live meeting seats both its parties, and only they"
    return live


def test_meetings_cancelled_at_once_are_refilled_without_double_booking(
    race_server: RaceServer,
) -> None:
    event_id, token = _scheduled_event(race_server)
    with race_server.factory() as s:
        live = _assert_nobody_double_booked(s, event_id)
    cancel = f"/api/v1/events/{event_id}/meetings/{{}}/cancel"

    responses = race_server.at_once(
        [(token, "POST", cancel.format(m.id), {"reason": "临时有事"}) for m in live[:4]]
    )

    assert set(statuses(responses)) <= {200, 409}, [r.text for r in responses]
    assert 200 in statuses(responses)
    with race_server.factory() as s:
        _assert_nobody_double_booked(s, event_id)


def test_schedule_builds_at_once_place_each_request_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="活动组织者")
        event = make_event(s, admin, tables=2)
        users = _people(s, 5)
        parts = [register(s, event, u) for u in users]
        for i in range(5):
            for j in range(i + 1, 5):
                event_service.send_request(
                    s,
                    Actor(user=users[i]),
                    event,
                    parts[i],
                    RequestIn(to_participant_id=parts[j].id),
                )
        event_service.transition(s, Actor(user=admin), event, "close")
        event_id, token = event.id, race_server.token(s, admin)

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/events/{event_id}/schedule", {"time_limit": 1})] * 4
    )

    assert set(statuses(responses)) <= {200, 409}, [r.text for r in responses]
    placed = sum(r.json()["placed"] for r in responses if r.status_code == 200)
    with race_server.factory() as s:
        live = _assert_nobody_double_booked(s, event_id)
        assert placed == len(live)  # later builds kept what the first placed, added nothing twice
        event = s.get(Event, event_id)
        assert event is not None and event.schedule_built_at is not None


def test_two_people_asking_each_other_at_once_agree_in_one_request(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="活动组织者")
        event = make_event(s, admin)
        users = _people(s, 6)
        parts = [register(s, event, u) for u in users]
        tokens = [race_server.token(s, u) for u in users]
        event_id, ids = event.id, [p.id for p in parts]
    path = f"/api/v1/events/{event_id}/requests"
    # Three pairs, each side asking the other at the same moment.
    pairs = [(0, 1), (2, 3), (4, 5)]
    requests = []
    for a, b in pairs:
        requests.append((tokens[a], "POST", path, {"to_participant_id": ids[b]}))
        requests.append((tokens[b], "POST", path, {"to_participant_id": ids[a]}))

    responses = race_server.at_once(requests)

    assert set(statuses(responses)) <= {200, 201, 409}, [r.text for r in responses]
    with race_server.factory() as s:
        rows = list(s.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event_id)))
        assert len(rows) == len(pairs)
        assert {r.status for r in rows} == {MeetingRequestStatus.ACCEPTED}


def test_a_double_clicked_request_is_sent_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="活动组织者")
        event = make_event(s, admin)
        sender, receiver = _people(s, 2)
        register(s, event, sender)
        other = register(s, event, receiver)
        event_id, token, to = event.id, race_server.token(s, sender), other.id
        receiver_id = receiver.id

    responses = race_server.at_once(
        [(token, "POST", f"/api/v1/events/{event_id}/requests", {"to_participant_id": to})] * 5
    )

    assert statuses(responses) == [201] + [409] * 4, [r.text for r in responses]
    assert all("待对方回复" in r.json()["detail"] for r in responses if r.status_code == 409)
    with race_server.factory() as s:
        told = s.scalars(select(Notification).where(Notification.user_id == receiver_id)).all()
        assert len([n for n in told if "约您" in n.title]) == 1
