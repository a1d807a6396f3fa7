"""One state-machine helper for every review and approval flow.

A ``Workflow`` lists its transitions once; ``apply`` locks the object's row, re-reads its state
and moves it, or answers 409 with a Chinese message that names the current state and the
action refused. So of two requests doing the same thing at once, the second gets the 409
(it waits for the first, then sees the state the first committed), never a second effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from app.core.db import RowGone, lock_row
from app.core.errors import Conflict

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Transition(Generic[S]):
    action: str
    label: str
    sources: frozenset[S]
    target: S


class Workflow(Generic[S]):
    def __init__(self, name: str, field: str, transitions: list[Transition[S]]) -> None:
        self.name = name
        self.field = field
        self._by_action = {t.action: t for t in transitions}

    def label(self, action: str) -> str:
        return self._by_action[action].label

    def allowed(self, obj: Any) -> list[Transition[S]]:
        """The transitions open to ``obj`` in its current state."""
        state = getattr(obj, self.field)
        return [t for t in self._by_action.values() if state in t.sources]

    def can(self, obj: Any, action: str) -> bool:
        transition = self._by_action.get(action)
        return transition is not None and getattr(obj, self.field) in transition.sources

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
