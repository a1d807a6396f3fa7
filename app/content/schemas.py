"""API shapes of 信息发布."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from app.core.schemas import Schema
from app.models.enums import ContentKind, ContentStatus

Title = Annotated[str, Field(min_length=2, max_length=200)]


class ContentFields(Schema):
    """What an editor writes; ``body_html`` is sanitised when it is saved."""

    title: Title | None = None
    summary: Annotated[str, Field(max_length=2000)] | None = None
    body_html: Annotated[str, Field(max_length=200_000)] | None = None
    issuer: Annotated[str, Field(max_length=120)] | None = None
    doc_number: Annotated[str, Field(max_length=60)] | None = None
    region_code: Annotated[str, Field(max_length=6)] | None = None
    topics: Annotated[list[Annotated[str, Field(max_length=20)]], Field(max_length=10)] | None = (
        None
    )
    pinned: bool | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    listing_id: int | None = None
    contract_id: int | None = None
    publish_at: datetime | None = None
    expires_at: datetime | None = None
    #: the version the editor started from; a newer one refuses the change (409)
    version: int | None = None


class ContentCreate(ContentFields):
    kind: ContentKind
    title: Title


class ReviewDecision(Schema):
    note: Annotated[str, Field(max_length=500)] = ""


class ClauseOut(Schema):
    number: int
    chapter: str
    heading: str
    text: str
    anchor: str
    url: str


class ContentSummary(Schema):
    id: int
    kind: ContentKind
    status: ContentStatus
    title: str
    summary: str
    issuer: str
    region_code: str | None
    topics: list[str]
    pinned: bool
    opens_on: date | None
    closes_on: date | None
    publish_at: datetime | None
    expires_at: datetime | None
    published_at: datetime | None
    version: int
    url: str


class ContentOut(ContentSummary):
    body_html: str
    doc_number: str
    listing_id: int | None
    contract_id: int | None
    review_note: str
    clauses: list[ClauseOut] = Field(default_factory=list)


class VersionOut(Schema):
    version: int
    title: str
    status: str
    note: str
    created_at: datetime
