from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from app.core.schemas import Schema


class SearchSort(StrEnum):
    """The orders of a searched list: by relevance to the words, or newest first."""

    RELEVANCE = "relevance"
    NEWEST = "newest"


class SearchItem(Schema):
    type: str = Field(description="结果类型，如 achievement、demand、challenge、org")
    id: str
    title: str
    snippet: str = Field(description="摘要片段（HTML，命中词以 <mark> 标出，其余已转义）")
    score: float
    title_html: str = Field(description="标题（HTML，命中词以 <mark> 标出）")
    url: str = Field(description="详情页地址")


class FacetCount(Schema):
    value: str
    count: int


class SearchResponse(Schema):
    total: int
    items: list[SearchItem]
    facets: dict[str, list[FacetCount]]
    page: int
    size: int
    relaxed: bool = Field(description="没有同时命中全部关键词时为 true，结果为部分命中")
    approximate: bool = Field(
        default=False, description="命中数极多时为 true：total 与分面计数为估算值"
    )


class Suggestions(Schema):
    suggestions: list[str]


class VocabularyEntry(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="term（术语）或 synonym（同义词组，词之间以 | 分隔）")
    value: str


class TermsIn(Schema):
    terms: str = Field(
        min_length=1, max_length=2000, description="一个或多个术语，以空格、逗号或换行分隔"
    )


class SynonymsIn(Schema):
    words: str = Field(min_length=1, max_length=500, description="同义的词，以空格、逗号或换行分隔")
