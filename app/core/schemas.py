"""Base schema classes and the one page shape every list endpoint answers with."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.core.urls import check_web_url

T = TypeVar("T")

# Every stored web address: ``http://`` or ``https://`` only (empty for none), so a page can
# link to it without running script. Pages link through the ``href`` template filter as well.
WebUrl = Annotated[
    str,
    Field(max_length=200, description="以 http:// 或 https:// 开头的网址"),
    AfterValidator(check_web_url),
]


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
