"""API and form schemas of 互动交流."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import Schema

SubjectType = Literal["listing", "challenge", "event", "deal", "direct"]
Body = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    Field(description="消息内容，1～2000 字"),
]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=500),
    Field(description="原因，2～500 字"),
]


class ConversationOpen(Schema):
    subject_type: SubjectType = Field(
        description="listing、challenge（揭榜挂帅榜单）、event、deal 或 direct（直接联系）"
    )
    subject_id: int | None = Field(default=None, description="信息、榜单、活动或洽谈的编号")
    org_id: int | None = Field(
        default=None,
        description="对方机构（活动中的参会机构、发榜单位联系的揭榜单位或直接联系的机构）",
    )
    body: Body
    quote_listing_id: int | None = None


class MessageCreate(Schema):
    body: Body
    quote_listing_id: int | None = Field(
        default=None, description="引用的信息；消息中只显示其公开部分"
    )


class ReadMark(Schema):
    up_to: int | None = Field(default=None, description="读到的消息编号；缺省为最新一条")


class ReportCreate(Schema):
    reason: Reason


class ReportResolve(Schema):
    resolution: Reason


class BlockCreate(Schema):
    org_id: int


class QuestionCreate(Schema):
    body: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=4, max_length=1000),
        Field(description="问题，4～1000 字"),
    ]


class AnswerCreate(Schema):
    answer: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=2, max_length=2000),
        Field(description="回答，2～2000 字"),
    ]
    private: bool = Field(default=False, description="仅提问人可见，不在信息页公开")


class Moderation(Schema):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""


class OrgName(Schema):
    id: int
    name: str


class QuoteOut(Schema):
    """The public part of a quoted listing: what anyone may see on its page."""

    id: int
    kind: str
    title: str
    summary: str
    data: dict[str, Any]


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    author_name: str
    org_id: int
    body: str
    created_at: datetime
    quote: QuoteOut | None = None


class ConversationOut(Schema):
    id: int
    subject_type: str
    subject_id: int | None
    #: the page of the listing, challenge, event or deal ("" for a direct conversation)
    subject_url: str = ""
    title: str
    orgs: list[OrgName]
    created_at: datetime
    last_message_at: datetime
    unread: int = 0
    reported: bool
    blocked: bool = False


class BlockOut(Schema):
    org_id: int
    org_name: str
    created_at: datetime


class QuestionOut(Schema):
    id: int
    listing_id: int
    body: str
    status: str
    answer: str
    is_private: bool
    created_at: datetime
    answered_at: datetime | None
    mine: bool = False
