"""API shapes of patents, patent search and novelty commissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from app.core.schemas import Schema
from app.models.enums import NoveltyPurpose, NoveltyStatus, PatentLegalStatus


class PatentClaimOut(Schema):
    number: int
    text: str
    independent: bool


class PatentOut(Schema):
    id: int
    application_no: str
    publication_no: str
    title: str
    abstract: str
    ipc_main: str
    ipc_codes: str
    applicants: str
    inventors: str
    application_date: date | None
    publication_date: date | None
    legal_status: PatentLegalStatus
    citations: str
    org_id: int | None


class PatentDetail(PatentOut):
    claims: list[PatentClaimOut]


class PatentHitOut(Schema):
    patent: PatentOut
    claim: int = Field(description="命中的权利要求序号；0 表示命中标题/摘要")
    where: str = Field(description="命中位置，如“权利要求3”")
    snippets: list[dict[str, Any]] = Field(description="命中片段及其包含的检索词")


class PatentSearchPage(Schema):
    items: list[PatentHitOut]
    total: int
    page: int
    size: int


class ImportRowError(Schema):
    row: int
    column: str
    reason: str


class PatentImportOut(Schema):
    refused: bool
    summary: str
    total: int
    created: int
    updated: int
    errors: list[ImportRowError]


class LiteratureOut(Schema):
    id: int
    ref_no: str
    title: str
    authors: str
    venue: str
    year: int | None
    abstract: str
    keywords: str


class LiteraturePage(Schema):
    items: list[LiteratureOut]
    total: int
    page: int
    size: int


class CommissionCreate(Schema):
    project_name: str = Field(min_length=1, max_length=200)
    purpose: NoveltyPurpose
    tech_points: str = Field(min_length=1, max_length=5000)
    points: list[str] = Field(min_length=1, max_length=20, description="查新点，按顺序编号")
    requirements: str = Field(default="", max_length=2000)
    commission_date: date | None = None


class PointOut(Schema):
    number: int
    text: str
    hits: list[dict[str, Any]]
    conclusion: str


class CommissionOut(Schema):
    id: int
    project_name: str
    purpose: NoveltyPurpose
    tech_points: str
    requirements: str
    commission_date: date
    status: NoveltyStatus
    report_no: str | None
    issued_at: datetime | None
    overall_conclusion: str
    conflicting: list[dict[str, Any]]
    points: list[PointOut]


class CommissionSummary(Schema):
    id: int
    project_name: str
    purpose: NoveltyPurpose
    status: NoveltyStatus
    commission_date: date
    report_no: str | None


class CommissionPage(Schema):
    items: list[CommissionSummary]
    total: int
    page: int
    size: int


class Mark(Schema):
    patent_id: int | None = Field(default=None, description="标注一件专利")
    literature_id: int | None = Field(default=None, description="或一篇文献")
    relevant: bool


class Draft(Schema):
    conclusions: dict[int, str] = Field(default_factory=dict, description="查新点序号 → 结论")
    overall: str = ""
    finish: bool = Field(default=False, description="为 true 时完成初稿")


class ReturnNote(Schema):
    note: str = Field(default="", max_length=2000)
