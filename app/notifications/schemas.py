from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.core.schemas import Schema


class NotificationOut(Schema):
    id: int
    topic: str = Field(description="通知类型")
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class PreferenceOut(Schema):
    kind: str = Field(description="通知类型")
    label: str = Field(description="通知类型名称")
    in_app: bool = Field(description="在消息中心显示")
    mail: bool = Field(description="立即发送邮件")
    digest: bool = Field(description="汇入每日汇总邮件")


class PreferenceIn(Schema):
    kind: str = Field(max_length=60)
    in_app: bool = True
    mail: bool = True
    digest: bool = False


class MarkedAll(Schema):
    marked: int = Field(description="本次标记为已读的条数")
