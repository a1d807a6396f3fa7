"""Who may create and manage an event, asked the same way by its pages and its API."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.permissions import Action, authorize, can
from app.events import service
from app.models import Event, User


def may_manage(user: User | None, event: Event) -> bool:
    """The platform, the event's district administrator and its organisers."""
    return can(user, Action.EVENT_MANAGE, event)


def managed(session: Session, actor: Actor, event_id: int) -> Event:
    """An event ``actor`` manages: 404 when they may not see it, 403 when they only see it."""
    event = service.get(session, event_id, actor.user)
    authorize(actor.user, Action.EVENT_MANAGE, event)
    return event


def check_creates(actor: Actor) -> None:
    """Refuse (403) unless ``actor`` may create events (platform and district staff)."""
    authorize(actor.user, Action.EVENT_CREATE)


def agenda(session: Session, actor: Actor, event: Event, person: Any) -> Any:
    """A participant's agenda; managers also see a schedule not yet published."""
    return service.agenda(session, event, person, draft=may_manage(actor.user, event))
