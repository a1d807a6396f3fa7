"""Base schema classes and the one page shape every list endpoint answers with."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)
