"""Ranking the entries of a review (applications) by their experts' scores, ties explained.

Pure arithmetic, no database: the weighted total of one expert is Σ score × weight / 100; an
application's score is the mean of its experts' totals, compared exactly (fractions) and shown
to two decimals. Equal means are separated by the mean score on the criterion with the
highest weight, then the next one; applications equal on all of them share the rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def shown(value: Fraction) -> Decimal:
    """A fraction as the two-decimal number people read."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def weighted_total(scores: list[int], weights: list[int]) -> Decimal:
    """One expert's total: exact, since scores and weights are whole numbers."""
    return (Decimal(sum(s * w for s, w in zip(scores, weights, strict=True))) / 100).quantize(CENT)


@dataclass
class Entry:
    """One application going into the ranking: each expert's scores, criterion by criterion."""

    key: int
    name: str
    expert_scores: list[list[int]]
    mean: Fraction = Fraction(0)
    criteria_means: list[Fraction] = field(default_factory=list)
    rank: int = 0
    note: str = ""


def rank(entries: list[Entry], criteria: list[tuple[str, int]]) -> list[Entry]:
    """Sort ``entries`` best first and set each one's rank and the note explaining it."""
    weights = [w for _, w in criteria]
    # Tie-break order: heavier criteria first; equal weights keep the challenge's order.
    order = sorted(range(len(criteria)), key=lambda i: -weights[i])
    for entry in entries:
        n = len(entry.expert_scores)
        totals = [
            Fraction(sum(s * w for s, w in zip(row, weights, strict=True)), 100)
            for row in entry.expert_scores
        ]
        entry.mean = sum(totals, Fraction(0)) / n if n else Fraction(0)
        entry.criteria_means = [
            sum((Fraction(row[i]) for row in entry.expert_scores), Fraction(0)) / n
            if n
            else Fraction(0)
            for i in range(len(criteria))
        ]

    def sort_key(e: Entry) -> tuple[Fraction, ...]:
        return (-e.mean, *(-e.criteria_means[i] for i in order))

    ranked = sorted(entries, key=sort_key)
    count = len(ranked)
    for position, entry in enumerate(ranked):
        experts = len(entry.expert_scores)
        base = f"{experts} 位专家加权总分的平均值为 {shown(entry.mean)} 分"
        previous = ranked[position - 1] if position else None
        if previous is not None and sort_key(previous) == sort_key(entry):
            entry.rank = previous.rank
            entry.note = (
                f"{base}，与“{previous.name}”的平均分及各项评价指标平均分完全相同，"
                f"并列第 {entry.rank} 名（共 {count} 个申请）"
            )
            if "并列" not in previous.note:
                previous.note = (
                    f"{previous.note.split('，排名')[0]}，与“{entry.name}”的平均分及各项评价指标"
                    f"平均分完全相同，并列第 {previous.rank} 名（共 {count} 个申请）"
                )
            continue
        entry.rank = position + 1
        entry.note = f"{base}，排名第 {entry.rank} 名（共 {count} 个申请）"
        if previous is not None and previous.mean == entry.mean:
            for i in order:
                if previous.criteria_means[i] != entry.criteria_means[i]:
                    name = criteria[i][0]
                    entry.note += (
                        f"；平均分与“{previous.name}”相同，按评价指标“{name}”（权重 "
                        f"{weights[i]}%）的平均分 {shown(entry.criteria_means[i])} 低于对方的 "
                        f"{shown(previous.criteria_means[i])}，排在其后"
                    )
                    previous.note += (
                        f"；平均分与“{entry.name}”相同，按评价指标“{name}”（权重 "
                        f"{weights[i]}%）的平均分较高排在前面"
                    )
                    break
        elif previous is not None and shown(previous.mean) == shown(entry.mean):
            entry.note += (
                f"；保留两位小数后与“{previous.name}”同为 {shown(entry.mean)} 分，"
                "按未经舍入的精确平均分排在其后"
            )
    return ranked
