"""The forms and steps of matchmaking events (活动与洽谈), walked by every role (see
test_route_coverage.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.permissions import Action
from app.events import service as event_service
from app.events.schemas import RequestIn
from app.models import Event, Organization, User
from app.models.enums import OrgRole
from tests.factories.accounts import make_org, make_user
from tests.factories.events import event_payload
from tests.factories.events import register as register_for_event
from tests.permissions.test_matrix import ALLOWED, EVENT_ALLOWED, PARTICIPANT_ALLOWED
from tests.permissions.world import SIGNED_IN, Route, World, assert_walk, build_world

EVENT_MANAGERS = EVENT_ALLOWED[Action.EVENT_MANAGE]
#: The participant (the org member) themselves, their organisation's administrator, and
#: whoever manages the event (events.service.participant_for).
FOR_THE_PARTICIPANT = PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS
#: Event pages explain every refused button on the page it came from (events/pages.py).
NOT_MANAGER = "仅活动的组织者或管理员可以管理该活动"
ON_ITS_MERITS = frozenset({409, 422})


@dataclass(frozen=True)
class EventsWorld(World):
    # A third organisation's administrator registered for ``event``, who asked the org
    # member for a meeting that waits for an answer.
    asker: int
    pending_request: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> EventsWorld:
    base = build_world(session, target, people)
    event = session.get(Event, base.event)
    assert event is not None
    asker = make_user(session, org=make_org(session), org_role=OrgRole.ADMIN)
    theirs = register_for_event(session, event, asker)
    ours = event_service.participant_for(
        session, Actor(user=people["org_member"]), event, base.participant
    )
    asked = event_service.send_request(
        session, Actor(user=asker), event, theirs, RequestIn(to_participant_id=ours.id)
    )
    session.flush()
    return EventsWorld(**asdict(base), asker=theirs.id, pending_request=asked.id)


def _event_form(_world: World) -> dict[str, str]:
    payload = event_payload()
    block = payload.pop("sessions")[0]
    return {
        **{k: str(v) for k, v in payload.items()},
        "registration_opens_at": payload["registration_opens_at"][:16],
        "registration_closes_at": payload["registration_closes_at"][:16],
        "s0.title": block["title"],
        "s0.room": block["room"],
        "s0.starts_at": block["starts_at"][:16],
        "s0.ends_at": block["ends_at"][:16],
    }


ROUTES: list[Route] = [
    # Staff create events; the event's managers run it.
    Route("POST", "/events/new", ALLOWED[Action.EVENT_CREATE], _event_form),
    Route(
        "POST",
        "/events/{event}/transitions/close",
        EVENT_MANAGERS,
        refusal_flashed=NOT_MANAGER,
    ),
    Route("POST", "/events/{event}/propose", EVENT_MANAGERS),
    Route(
        "POST",
        "/events/{scheduled_event}/schedule",
        EVENT_MANAGERS,
        refusal_flashed=NOT_MANAGER,
    ),
    Route(
        "POST",
        "/events/{scheduled_event}/checkins",
        EVENT_MANAGERS,
        lambda w: {"participant_id": str(w.scheduled_participant)},
        refusal_flashed=NOT_MANAGER,
    ),
    # Managers arrange a meeting between two participants.
    Route(
        "POST",
        "/api/v1/events/{event}/arrangements?participant_id={participant}",
        EVENT_MANAGERS,
        lambda w: {"to_participant_id": w.asker},  # type: ignore[attr-defined]
        answers=ON_ITS_MERITS,
    ),
    Route(
        "POST",
        "/events/{event}/arrangements",
        EVENT_MANAGERS,
        lambda w: {"first_id": str(w.participant), "second_id": str(w.asker)},  # type: ignore[attr-defined]
        refusal_flashed=NOT_MANAGER,
    ),
    # Asking for a meeting and answering one: for the participant.
    Route(
        "POST",
        "/api/v1/events/{event}/requests?participant_id={participant}",
        FOR_THE_PARTICIPANT,
        lambda w: {"to_participant_id": w.asker, "message": "想了解贵司的车载雷达方案"},  # type: ignore[attr-defined]
        answers=ON_ITS_MERITS,
    ),
    Route(
        "POST",
        "/events/{event}/requests?participant_id={participant}",
        FOR_THE_PARTICIPANT,
        lambda w: {"to_participant_id": str(w.asker), "message": "想了解贵司的车载雷达方案"},  # type: ignore[attr-defined]
    ),
    Route(
        "POST",
        "/api/v1/events/{event}/requests/{pending_request}/accept?participant_id={participant}",
        FOR_THE_PARTICIPANT,
    ),
    Route(
        "POST",
        "/events/{event}/requests/{pending_request}/decline?participant_id={participant}",
        FOR_THE_PARTICIPANT,
    ),
    # Registering oneself: anyone signed in; cancelling a registration: for the participant.
    Route("POST", "/events/{event}/register", SIGNED_IN, {"position": "总工"}),
    Route("POST", "/events/{event}/unregister/{participant}", FOR_THE_PARTICIPANT),
    # A meeting's outcome and its cancellation: its two sides (or whoever acts for them).
    Route(
        "POST",
        "/events/{scheduled_event}/meetings/{meeting}/outcome",
        FOR_THE_PARTICIPANT,
        {"outcome": "intent", "note": "有合作意向"},
        refusal_flashed="仅洽谈双方或组织者可以记录洽谈结果",
    ),
    Route(
        "POST",
        "/events/{scheduled_event}/meetings/{meeting}/cancel",
        FOR_THE_PARTICIPANT,
        {"reason": "时间冲突"},
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_event_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: EventsWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
