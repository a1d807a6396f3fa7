"""Notification kinds: one name, a Chinese label and title/body templates with named fields.

A domain declares its kinds once, next to its rules::

    LISTING_PUBLISHED = kind(
        "listing.published", "信息审核通过",
        title="您的{kind}“{title}”已审核通过并发布",
        body="{kind}“{title}”有效期至 {expires_on}，到期前会提醒您续期。",
    )

and sends with ``notifications.send(session, user, LISTING_PUBLISHED, link=..., kind=..., ...)``.
Fields are filled by name; a ``Decimal`` is written as an exact amount (``exact_yuan``), so no
call site formats money by hand. A missing field is a programming error and raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from app.core.clock import local_date
from app.core.money import exact_yuan


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    title: str
    body: str = ""
    #: Whether mail is on for people who never chose (the in-app message always is).
    mail: bool = True

    def render(self, fields: dict[str, Any]) -> tuple[str, str]:
        values = {k: _text(v) for k, v in fields.items()}
        return self.title.format_map(values)[:200], self.body.format_map(values)


KINDS: dict[str, Kind] = {}


def kind(name: str, label: str, *, title: str, body: str = "", mail: bool = True) -> Kind:
    """Declare a kind; its name is what preferences and the notification's ``topic`` hold."""
    if name in KINDS and KINDS[name] != Kind(name, label, title, body, mail):
        raise ValueError(f"notification kind {name!r} declared twice")
    KINDS[name] = Kind(name, label, title, body, mail)
    return KINDS[name]


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return exact_yuan(value)
    if isinstance(value, datetime):
        return str(local_date(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    return "" if value is None else str(value)
