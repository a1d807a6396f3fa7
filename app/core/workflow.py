"""One state-machine engine for every flow: permission, lock, move, audit, one event.

A ``Workflow`` lists its transitions once. ``run`` does everything a state change needs, in
this order and once:

1. checks the transition's ``permission`` (an ``Action`` of ``app.core.permissions`` or a
   callable ``(user, obj) -> bool``) — 403 in Chinese when refused;
2. locks the object's row and re-reads its state (``apply``) — of two requests doing the same
   thing at once the second waits for the first, then gets 409 naming the current state;
3. moves the state, writes the audit event ``"<type>.<action>"`` with before → after;
4. writes ONE outbox event with the same topic and the ids (``WorkflowEvent.payload``);
5. calls the subscribers of that topic registered with ``on``.

Subscribers, and when they run:

* ``@on("achievement.publish")`` — **in the transaction of the change**, before the request
  commits. Notifications subscribe this way: they are kept exactly when the change is, and a
  refused or rolled-back change notifies nobody. Indexing subscribes this way too, but what it
  does is ``index_later`` — an outbox row — so the search index is still written only after
  commit, by the outbox worker, as before.
* ``@on("achievement.publish", after_commit=True)`` — by the outbox worker, from the event row,
  in a session of its own, after the change committed (and retried with back-off on failure).
  For slow work nobody waits for. It gets the event's payload (plain JSON), not the objects.

``apply`` stays for the flows that lock and move the state themselves (and for callers that
are being moved to ``run``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from app.core import audit, outbox
from app.core.audit import Actor
from app.core.db import RowGone, lock_row
from app.core.errors import Conflict, PermissionDenied
from app.core.permissions import Action, authorize

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class On:
    """A permission held on a record the object belongs to: ``On(Action.CHALLENGE_MANAGE,
    challenge_of)`` checks the action on ``challenge_of(panel)``, refusing with its message."""

    action: Action
    of: Callable[[Any], Any]


#: Who may take a transition: a permission name, one on a related record, or a check of its own.
Permission = Action | On | Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition(Generic[S]):
    action: str
    label: str
    sources: frozenset[S]
    target: S
    permission: Permission | None = None


@dataclass
class WorkflowEvent(Generic[S]):
    """What ``run`` did, as in-transaction subscribers receive it."""

    topic: str
    action: str
    obj: Any
    actor: Actor
    before: S
    after: S
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def payload(self) -> dict[str, Any]:
        """The outbox event: plain ids and states, what after-commit subscribers get."""
        return {
            "id": getattr(self.obj, "id", None),
            "action": self.action,
            "actor_id": self.actor.user_id,
            "before": self.before.value,
            "after": self.after.value,
            "note": self.note,
            **{k: audit._plain(v) for k, v in self.details.items()},
        }


Subscriber = Callable[[Session, "WorkflowEvent[Any]"], None]
AfterCommit = Callable[[Session, dict[str, Any]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_after_commit: dict[str, list[AfterCommit]] = defaultdict(list)


def on(*topics: str, after_commit: bool = False) -> Callable[[Any], Any]:
    """Subscribe a function to workflow events ``"<type>.<action>"`` (see the module text)."""

    def register(fn: Any) -> Any:
        for topic in topics:
            (_after_commit if after_commit else _subscribers)[topic].append(fn)
        return fn

    return register


def subscribers(topic: str) -> list[Subscriber]:
    return list(_subscribers.get(topic, ()))


def _dispatch_after_commit(topic: str) -> outbox.Handler:
    def perform(session: Session, payload: dict[str, Any]) -> None:
        for fn in _after_commit.get(topic, ()):
            fn(session, payload)

    return perform


class Workflow(Generic[S]):
    def __init__(
        self,
        name: str,
        field: str,
        transitions: list[Transition[S]],
        *,
        type: str | Callable[[Any], str] = "",
        types: tuple[str, ...] = (),
        summary: Callable[[Any], str] | None = None,
    ) -> None:
        """``name`` is the object's Chinese name in messages ("该信息"); ``type`` the event
        prefix (``"deal"``), or a function of the object (a listing's kind) with every value
        it can give in ``types``, so any process can perform the events' rows."""
        self.name = name
        self.field = field
        self.type = type
        self.summary = summary
        self._by_action = {t.action: t for t in transitions}
        for prefix in (type,) if isinstance(type, str) and type else types:
            for t in transitions:
                self._handle(f"{prefix}.{t.action}")

    @staticmethod
    def _handle(topic: str) -> None:
        # Every event row has a handler, so an event nobody awaits after commit is simply done.
        if not outbox.has_handler(topic):
            outbox.handles(topic)(_dispatch_after_commit(topic))

    def label(self, action: str) -> str:
        return self._by_action[action].label

    def transition(self, action: str) -> Transition[S]:
        return self._by_action[action]

    def allowed(self, obj: Any) -> list[Transition[S]]:
        """The transitions open to ``obj`` in its current state."""
        state = getattr(obj, self.field)
        return [t for t in self._by_action.values() if state in t.sources]

    def can(self, obj: Any, action: str) -> bool:
        transition = self._by_action.get(action)
        return transition is not None and getattr(obj, self.field) in transition.sources

    def permitted(self, user: Any, obj: Any, action: str) -> bool:
        """Whether ``user`` holds the transition's permission (its state aside)."""
        permission = self._by_action[action].permission
        if permission is None:
            return True
        from app.core.permissions import can

        if isinstance(permission, Action):
            return can(user, permission, obj)
        if isinstance(permission, On):
            return can(user, permission.action, permission.of(obj))
        return bool(permission(user, obj))

    def check(self, user: Any, obj: Any, action: str) -> None:
        """Refuse (403, the permission's Chinese message) unless ``user`` may take ``action``;
        ``run`` does this first, a caller that must refuse before its own checks calls it."""
        permission = self._by_action[action].permission
        if isinstance(permission, Action):
            authorize(user, permission, obj)
        elif isinstance(permission, On):
            authorize(user, permission.action, permission.of(obj))
        elif permission is not None and not permission(user, obj):
            raise PermissionDenied()

    def apply(self, obj: Any, action: str) -> tuple[S, S]:
        """Move ``obj`` by ``action``; returns (before, after) or raises Conflict."""
        transition = self._by_action[action]
        try:
            lock_row(obj)
        except RowGone:
            raise Conflict(f"{self.name}已不存在，不能执行“{transition.label}”") from None
        state = getattr(obj, self.field)
        if state not in transition.sources:
            label = getattr(state, "label", state)
            raise Conflict(f"{self.name}当前状态为“{label}”，不能执行“{transition.label}”")
        setattr(obj, self.field, transition.target)
        return state, transition.target

    def event_type(self, obj: Any) -> str:
        prefix = self.type(obj) if callable(self.type) else self.type
        if not prefix:
            raise TypeError(f"workflow {self.name!r} has no event type; pass type=")
        return prefix

    def run(
        self,
        session: Session,
        actor: Actor,
        obj: Any,
        action: str,
        *,
        note: str = "",
        summary: str | Callable[[S, S], str] | None = None,
        **details: Any,
    ) -> WorkflowEvent[S]:
        """Authorize, lock, move, audit and publish ``"<type>.<action>"`` once (module text).

        ``note`` is shown in the audit summary and passed on; ``summary`` replaces the audit
        summary (a function of the states before and after, read inside the lock); ``details``
        go into the audit record's ``after`` and the event's payload.
        """
        transition = self._by_action[action]
        self.check(actor.user, obj, action)
        before, after = self.apply(obj, action)
        topic = f"{self.event_type(obj)}.{action}"
        self._handle(topic)
        event: WorkflowEvent[S] = WorkflowEvent(
            topic, action, obj, actor, before, after, note, dict(details)
        )
        if callable(summary):
            summary = summary(before, after)
        elif summary is None:
            name = self.summary(obj) if self.summary else ""
            summary = transition.label + (f"：{name}" if name else "")
            summary += f"（{note}）" if note else ""
        audit.record(
            session,
            actor,
            topic,
            obj,
            summary=summary,
            before={self.field: before.value},
            after={self.field: after.value, **{k: audit._plain(v) for k, v in details.items()}},
        )
        outbox.enqueue(session, topic, event.payload)
        for subscriber in subscribers(topic):
            subscriber(session, event)
        return event
