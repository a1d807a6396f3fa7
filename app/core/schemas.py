"""Base schema classes and the one page shape every list endpoint answers with."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from app.core import clock
from app.core.urls import check_web_url

T = TypeVar("T")

# Every stored web address: ``http://`` or ``https://`` only (empty for none), so a page can
# link to it without running script. Pages link through the ``href`` template filter as well.
WebUrl = Annotated[
    str,
    Field(max_length=200, description="以 http:// 或 https:// 开头的网址"),
    AfterValidator(check_web_url),
]

EARLIEST_DATE = date(1980, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def _plausible(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"日期应在 {EARLIEST_DATE} 至 {LATEST_DATE} 之间")
    return value


def _not_after_today(value: date) -> date:
    _plausible(value)
    if value > clock.today():
        raise ValueError("日期不能晚于今天")
    return value


#: A date a person enters: a contract's term, a deadline (no year 1 or 9999).
PlausibleDate = Annotated[date, AfterValidator(_plausible)]
#: A date something already happened on: a contract signed, money received (the city's today).
PastDate = Annotated[date, AfterValidator(_not_after_today)]


# Characters no one types on purpose and no page shows: C0/C1 controls (NUL among them, which
# PostgreSQL refuses in text) and format characters (zero-width spaces and joiners, BOM).
_INVISIBLE = {"Cc", "Cf"}
_KEPT = {"\n", "\r", "\t"}


def visible_text(value: str) -> str:
    """``value`` without invisible characters, so a title of zero-width spaces is empty."""
    if value.isprintable():
        return value
    return "".join(ch for ch in value if ch in _KEPT or unicodedata.category(ch) not in _INVISIBLE)


#: For an ``Annotated`` text field of a schema that does not derive from ``Schema``.
VisibleText = BeforeValidator(
    lambda value: visible_text(value) if isinstance(value, str) else value
)


def _clean(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        # A password is checked as typed: invisible characters there are refused, not dropped.
        return value if "password" in key else visible_text(value)
    if isinstance(value, dict):
        return {k: _clean(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, key) for v in value]
    return value


class Schema(BaseModel):
    """Base of every API and form schema; text arriving in it loses invisible characters."""

    model_config = ConfigDict(from_attributes=True)

    @model_validator(mode="before")
    @classmethod
    def _visible_text_only(cls, data: Any) -> Any:
        return _clean(data) if isinstance(data, dict) else data


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)
