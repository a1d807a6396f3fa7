"""Weighted criteria as data: each review kind (or each call) brings its own set.

A criterion is a name and a whole-number weight in percent; a set's weights add up to 100.
An expert's marks are one whole score 0–100 and a comment per criterion, in the set's order;
what is stored keeps the criterion's name and weight beside the score, so a later change of
the set never changes a score already given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.core.errors import InvalidInput
from app.reviews.ranking import weighted_total


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: int


@dataclass(frozen=True)
class Mark:
    score: int
    comment: str


def criteria_from(data: Iterable[dict[str, Any]]) -> list[Criterion]:
    """Criteria stored as JSON (``[{"name": …, "weight": …}]``)."""
    return [Criterion(str(c["name"]), int(c["weight"])) for c in data]


def check_weights(criteria: Sequence[Criterion], field: str = "criteria") -> None:
    """A set needs at least one criterion, distinct names and weights adding up to 100."""
    if not criteria:
        raise InvalidInput(errors={field: "请至少设置一项评价指标"})
    names = [c.name for c in criteria]
    if len(set(names)) != len(names):
        raise InvalidInput(errors={field: "评价指标名称不能重复"})
    if sum(c.weight for c in criteria) != 100:
        raise InvalidInput(errors={field: "各项评价指标的权重之和应为 100%"})


def scored_items(
    criteria: Sequence[Criterion], marks: Sequence[Mark], field: str = "items"
) -> tuple[list[dict[str, Any]], Decimal]:
    """The stored items of one expert's marks and their weighted total (exact)."""
    if len(marks) != len(criteria):
        names = "、".join(c.name for c in criteria)
        raise InvalidInput(errors={field: f"应为 {len(criteria)} 项评分，依次对应：{names}"})
    items = [
        {"name": c.name, "weight": c.weight, "score": m.score, "comment": m.comment.strip()}
        for c, m in zip(criteria, marks, strict=True)
    ]
    return items, weighted_total([m.score for m in marks], [c.weight for c in criteria])
