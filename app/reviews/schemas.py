"""What the review API answers."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from app.core.schemas import Schema


class ReviewTaskOut(Schema):
    subject_type: str = Field(description="project_call 项目申报 / service_case 奖补事项")
    subject_id: int
    kind_label: str
    title: str
    pending: bool = Field(description="是否等待本人评分")
    status_label: str
    deadline: date | None = Field(description="办理时限（无则为空）")
    url: str = Field(description="评分页面")
    scored: int = Field(description="本人已评份数")
    of: int = Field(description="应评份数")
