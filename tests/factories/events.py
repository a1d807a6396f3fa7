"""Events ready for registration, with people who registered and what they bring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.db import utcnow
from app.events import service
from app.events.schemas import EventCreate, RegistrationIn, SessionIn
from app.models import Event, EventParticipant, User
from app.models.enums import EventKind


def event_payload(**overrides: Any) -> dict[str, Any]:
    now = utcnow().replace(microsecond=0)
    day = now + timedelta(days=10)
    payload: dict[str, Any] = {
        "title": "长春新区汽车电子技术对接会",
        "kind": EventKind.MATCHMAKING.value,
        "summary": "围绕汽车电子与智能网联，组织高校院所与企业一对一洽谈。",
        "venue": "长春国际会展中心",
        "region_code": "220173",
        "registration_opens_at": (now - timedelta(days=1)).isoformat(),
        "registration_closes_at": (now + timedelta(days=5)).isoformat(),
        "slot_minutes": 30,
        "tables": 3,
        "sessions": [
            {
                "title": "上午场",
                "room": "一号厅",
                "starts_at": day.isoformat(),
                "ends_at": (day + timedelta(hours=2)).isoformat(),
            }
        ],
    }
    payload.update(overrides)
    return payload


def make_event(
    session: Session, organiser: User, *, open_now: bool = True, **overrides: Any
) -> Event:
    data = EventCreate.model_validate(event_payload(**overrides))
    event = service.create(session, Actor(user=organiser), data)
    if open_now:
        service.transition(session, Actor(user=organiser), event, "open")
    return event


def meetings_took_place(session: Session, event: Event) -> None:
    """Shift the event back in time so that its meetings are over (outcomes can be recorded)."""
    slots = service.slots(session, event)
    shift = max(slot.ends_at for slot in slots) - utcnow() + timedelta(hours=1)
    for moment in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        setattr(event, moment, getattr(event, moment) - shift)
    for block in service.sessions(session, event):
        block.starts_at -= shift
        block.ends_at -= shift
    for slot in slots:
        slot.starts_at -= shift
        slot.ends_at -= shift
    session.flush()


def register(session: Session, event: Event, person: User, **fields: Any) -> EventParticipant:
    return service.register(session, Actor(user=person), event, RegistrationIn(**fields))


__all__ = ["SessionIn", "event_payload", "make_event", "meetings_took_place", "register"]
