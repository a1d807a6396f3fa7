"""The import report: what was created, updated or refused, row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.listings.transfer.columns import Format
from app.models.enums import (
    ListingKind,
)

# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # as the user sees it: the header is row 1 (JSON Lines: the line number)
    column: str  # the header the file used, or empty for the whole row
    reason: str


@dataclass
class ImportReport:
    kind: ListingKind
    fmt: Format | None = None
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    suggested: int = 0
    refused: bool = False

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors if e.row > 1 or self.fmt == Format.JSONL})

    @property
    def written(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        if self.refused and not self.invalid_rows:
            return "未导入：文件的表头或格式有误，请按下表修改后重新导入"
        if self.refused:
            return (
                f"未导入：{self.total} 行中有 {self.invalid_rows} 行有误，"
                "请修改后重新导入，或选择“跳过有误的行”只导入正确的行"
            )
        text = f"新增 {self.created} 条，更新 {self.updated} 条，未变化 {self.unchanged} 条"
        if self.skipped:
            text += f"，跳过有误的 {self.skipped} 行"
        if self.suggested:
            text += f"；{self.suggested} 条的技术领域由平台推荐，请发布方确认"
        return text
