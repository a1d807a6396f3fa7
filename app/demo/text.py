"""Small text helpers shared by the demo's listing writers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta


def sentence(text: str) -> str:
    """``text`` ending in a full stop (or the mark it already has)."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？")) else text + "。"


def numbered(lines: Sequence[str], style: str = "1.") -> str:
    """One item a line, numbered the way ``style`` shows ("1.", "（1）", "1)", "·")."""
    items = [line.strip().rstrip("。；;") for line in lines if line.strip()]
    marks = {
        "1.": lambda i: f"{i}. ",
        "（1）": lambda i: f"（{i}）",
        "1)": lambda i: f"{i}) ",
        "·": lambda _i: "· ",
    }[style]
    return "\n".join(
        f"{marks(i)}{line}{'。' if i == len(items) else '；'}" for i, line in enumerate(items, 1)
    )


def join_words(words: Sequence[str]) -> str:
    """ "甲、乙和丙"."""
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "和" + words[-1]


def fitting(lines: Sequence[str], form: str) -> list[str]:
    """The lines that suit a topic's form ("dev sys|…" suits only devices and systems)."""
    fit = []
    for line in lines:
        forms, sep, text = line.rpartition("|")
        if not sep or form in forms.split():
            fit.append(text)
    return fit


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
