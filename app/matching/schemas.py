"""API shapes of matching: matches, feedback, pipeline entries, subscriptions, expert profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from app.core.schemas import Schema
from app.models.enums import PipelineStage, ResourceStatus


class MatchOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str = Field(validation_alias="kind")
    title: str
    score: float
    reasons: list[str]
    url: str = ""
    subtitle: str = ""


class MatchList(Schema):
    listing_id: int
    listing_type: str
    items: list[MatchOut]


class FeedbackIn(Schema):
    target_type: str = Field(
        description="被评价的匹配对象类型：achievement、demand、challenge、expert、organization"
    )
    target_id: int
    relevant: bool
    reason_code: str | None = Field(
        default=None, description="原因代码，见 /api/v1/taxonomy/match-feedback-reasons"
    )
    note: str = ""


class FeedbackOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    listing_id: int
    target_kind: str
    target_id: int
    relevant: bool
    reason_code: str | None
    note: str
    score: float | None
    rank: int | None


class ProposalIn(Schema):
    demand_listing_id: int = Field(description="技术需求或榜单的编号")
    supply_listing_id: int = Field(description="科技成果的编号")
    note: str = ""


class PipelineMove(Schema):
    reason: str = ""


class PipelineOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    demand_listing_id: int
    supply_listing_id: int
    broker_id: int | None
    stage: PipelineStage
    stage_label: str
    source: str
    score: float | None
    reasons: list[str]
    note: str
    demand_confirmed_at: datetime | None
    supply_confirmed_at: datetime | None
    close_reason: str
    history: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class PipelinePage(Schema):
    total: int
    items: list[PipelineOut]
    page: int
    size: int


class SubscriptionIn(Schema):
    name: str = ""
    query: str = ""
    kinds: list[str] = Field(default_factory=list)
    field_code: str | None = None
    region_code: str | None = None
    listing_id: int | None = None
    min_score: float | None = None


class SubscriptionOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    query: str
    kinds: list[str]
    field_code: str | None
    region_code: str | None
    listing_id: int | None
    min_score: float
    active: bool
    checked_at: datetime
    created_at: datetime


class SubscriptionPage(Schema):
    total: int
    items: list[SubscriptionOut]
    page: int
    size: int


class ExpertProfileIn(Schema):
    title: str = ""
    institution: str = ""
    field_codes: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    bio: str = ""
    region_code: str | None = None
    version: int | None = Field(
        default=None,
        ge=0,
        description="保存时所依据的版本（0：尚无档案；也可用 If-Match 头）；已被修改时返回 409",
    )


class ExpertProfileOut(ExpertProfileIn):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    updated_at: datetime
    version: int = Field(description="档案版本，保存时放入 If-Match")
    status: ResourceStatus = Field(description="专家库审核状态：待审核、已发布、未通过、撤回")
    review_note: str = ""


class ExpertEntryOut(Schema):
    """An entry of the expert directory."""

    model_config = ConfigDict(from_attributes=True)

    user_id: int
    name: str
    title: str
    institution: str
    org_name: str | None = Field(default=None, description="所属机构")
    field_codes: list[str]
    keywords: list[str]
    region_code: str | None
    status: ResourceStatus
    review_note: str = ""
