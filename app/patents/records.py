"""Patent records: import from a standard export (CSV, Excel, JSON Lines), all or nothing.

The file is read with the listings import's readers' building blocks (format detection,
decoding, spreadsheet bounds) and checked row by row; one bad row refuses the whole file with
a report naming every row, column and reason, so no half-imported file exists. A row whose
申请号 is already known updates that patent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.errors import AppError, NotFound
from app.core.outbox import enqueue
from app.core.uploaded_tables import TableTooLarge, bounded_rows, check_xlsx_container
from app.listings.transfer import Format, RowError, decode_text, detect_format, jsonl_records
from app.models import Organization, Patent, PatentAchievement, PatentClaim
from app.models.enums import PatentLegalStatus
from app.patents import access
from app.patents.retrieval import is_dependent, split_claims

#: column key → (Chinese header, required)
COLUMNS: dict[str, tuple[str, bool]] = {
    "application_no": ("申请号", True),
    "publication_no": ("公开号", False),
    "title": ("标题", True),
    "abstract": ("摘要", False),
    "claims": ("权利要求", False),
    "ipc": ("主分类号", False),
    "ipc_codes": ("IPC", False),
    "applicants": ("申请人", False),
    "inventors": ("发明人", False),
    "application_date": ("申请日", False),
    "publication_date": ("公开日", False),
    "legal_status": ("法律状态", False),
    "citations": ("引证", False),
}
_HEADERS = {header: key for key, (header, _req) in COLUMNS.items()}
_HEADERS.update({key: key for key in COLUMNS})
_HEADERS.update(
    {"名称": "title", "发明名称": "title", "权利要求书": "claims", "IPC分类号": "ipc_codes"}
)


@dataclass
class PatentImportReport:
    fmt: Format | None = None
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unit: str = "件"

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def summary(self) -> str:
        if self.refused:
            rows = len({e.row for e in self.errors})
            return f"未导入：{self.total} 行中有 {rows} 处有误，请修改后重新导入（整个文件未写入）"
        return f"新增 {self.created} {self.unit}，更新 {self.updated} {self.unit}"


class ImportRefused(AppError):
    """A file refused by the validation (nothing written); the report goes with the 422."""

    status_code = 422
    title = "导入未通过校验"


def report_body(report: PatentImportReport) -> dict[str, Any]:
    """The report as the API shows it."""
    return {
        "refused": report.refused,
        "summary": report.summary(),
        "total": report.total,
        "created": report.created,
        "updated": report.updated,
        "errors": [e.__dict__ for e in report.errors],
    }


def answer(report: PatentImportReport) -> dict[str, Any]:
    """The API's answer to an import: the report, or for a refused file a 422 problem+json
    carrying the whole report."""
    if report.refused:
        raise ImportRefused(report.summary(), report=report_body(report))
    return report_body(report)


def read_rows(
    fmt: Format, content: bytes, headers: dict[str, str]
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Numbered rows of a CSV / Excel / JSON Lines file, columns named by ``headers``."""
    if fmt == Format.JSONL:
        records, errors = jsonl_records(content)
        named = [
            (number, {headers.get(str(k), str(k)): v for k, v in record.items()})
            for number, record in records
        ]
        return named, errors
    if fmt == Format.XLSX:
        from openpyxl import load_workbook

        check_xlsx_container(content)
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            return [], [RowError(1, "", "无法读取 Excel 文件（.xlsx）")]
        sheet = book.active if book.active is not None else book.worksheets[0]
        table = list(bounded_rows(sheet.iter_rows(values_only=True), first_number=1))
        book.close()
    else:
        reader = csv.reader(io.StringIO(decode_text(content), newline=""))
        table = list(bounded_rows(reader, first_number=1))
    if not table:
        return [], [RowError(1, "", "文件是空的")]
    header = [str(c or "").strip() for c in table[0][1]]
    errors = [RowError(1, h, "不认识的列") for h in header if h and h not in headers]
    keys = [headers.get(h) for h in header]
    rows = []
    for number, cells in table[1:]:
        values = {k: cells[i] for i, k in enumerate(keys) if k and i < len(cells)}
        if any(str(v or "").strip() for v in values.values()):
            rows.append((number, values))
    return rows, errors


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return date.fromisoformat(text[:10])


def _validate(number: int, raw: dict[str, Any], errors: list[RowError]) -> dict[str, Any] | None:
    values = {k: "" if v is None else v for k, v in raw.items()}
    before = len(errors)
    for key, (header, required) in COLUMNS.items():
        if required and not str(values.get(key, "")).strip():
            errors.append(RowError(number, header, "必填"))
    clean: dict[str, Any] = {k: str(values.get(k, "")).strip() for k in COLUMNS}
    for key in ("application_date", "publication_date"):
        try:
            clean[key] = _date(values.get(key))
        except ValueError:
            errors.append(RowError(number, COLUMNS[key][0], "日期应写成 2024-05-01"))
    status_text = clean["legal_status"]
    try:
        status: PatentLegalStatus | None = (
            PatentLegalStatus(status_text) if status_text else PatentLegalStatus.PENDING
        )
    except ValueError:
        status = None
    if status is None:
        names = "、".join(s.label for s in PatentLegalStatus)
        errors.append(RowError(number, "法律状态", f"应为 {names} 之一"))
    clean["legal_status"] = status
    if len(clean["title"]) > 300:
        errors.append(RowError(number, "标题", "不能超过 300 字"))
    if len(clean["application_no"]) > 32:
        errors.append(RowError(number, "申请号", "不能超过 32 个字符"))
    return clean if len(errors) == before else None


Validator = Callable[[int, dict[str, Any], list[RowError]], dict[str, Any] | None]


def check_file(
    filename: str,
    content: bytes,
    headers: dict[str, str],
    validate: Validator,
    key: tuple[str, str],
) -> tuple[PatentImportReport, list[dict[str, Any]]]:
    """Read and validate every row; ``key`` (column, header) must be unique in the file.

    Returns the report and the clean rows; the caller writes them only when the report has
    no errors.
    """
    fmt = detect_format(filename, content)
    report = PatentImportReport(fmt=fmt)
    try:
        rows, report.errors = read_rows(fmt, content, headers)
    except TableTooLarge as exc:
        report.errors = [RowError(1, "", str(exc))]
        return report, []
    except UnicodeDecodeError:
        report.errors = [RowError(1, "", "无法识别文件的文字编码，请另存为 UTF-8 后重新导入")]
        return report, []
    report.total = len(rows)
    seen: dict[str, int] = {}
    valid: list[dict[str, Any]] = []
    column, header = key
    for number, raw in rows:
        clean = validate(number, raw, report.errors)
        if clean is None:
            continue
        first = seen.setdefault(clean[column], number)
        if first != number:
            report.errors.append(RowError(number, header, f"与第{first}行重复"))
            continue
        valid.append(clean)
    if not rows and not report.errors:
        report.errors.append(RowError(1, "", "文件中没有数据行"))
    report.errors.sort()
    return report, valid


def import_file(
    session: Session, actor: Actor, filename: str, content: bytes, *, org_id: int | None = None
) -> PatentImportReport:
    """Validate every row, then write all of them or none."""
    access.require_records_manager(actor.user)
    report, valid = check_file(filename, content, _HEADERS, _validate, ("application_no", "申请号"))
    if report.errors:
        return report
    for clean in valid:
        created = _write(session, clean, org_id)
        report.created += created
        report.updated += not created
    audit.record(session, actor, "patent.import", None, summary=f"导入专利：{report.summary()}")
    enqueue(session, "patent.imported", {"count": len(valid)})
    return report


def _write(session: Session, clean: dict[str, Any], org_id: int | None) -> bool:
    patent = session.scalar(select(Patent).where(Patent.application_no == clean["application_no"]))
    created = patent is None
    if patent is None:
        patent = Patent(application_no=clean["application_no"], org_id=org_id)
        session.add(patent)
    patent.publication_no = clean["publication_no"]
    patent.title = clean["title"]
    patent.abstract = clean["abstract"]
    patent.claims_text = clean["claims"]
    patent.ipc_main = (clean["ipc"] or clean["ipc_codes"].split(";")[0]).strip().upper()
    patent.ipc_codes = clean["ipc_codes"]
    patent.applicants = clean["applicants"]
    patent.inventors = clean["inventors"]
    patent.application_date = clean["application_date"]
    patent.publication_date = clean["publication_date"]
    patent.legal_status = clean["legal_status"]
    patent.citations = clean["citations"]
    session.flush()
    if not created:
        session.execute(delete(PatentClaim).where(PatentClaim.patent_id == patent.id))
    session.add_all(
        PatentClaim(patent_id=patent.id, number=n, text=t, independent=not is_dependent(t))
        for n, t in split_claims(clean["claims"])
    )
    return created


def get(session: Session, patent_id: int) -> Patent:
    patent = session.get(Patent, patent_id)
    if patent is None:
        raise NotFound("专利不存在")
    return patent


def claims_of(session: Session, patent_id: int) -> list[PatentClaim]:
    stmt = select(PatentClaim).where(PatentClaim.patent_id == patent_id)
    return list(session.scalars(stmt.order_by(PatentClaim.number)))


def link_achievement(session: Session, actor: Actor, patent_id: int, listing_id: int) -> None:
    """Link a patent to an achievement (the achievement's 关联专利)."""
    access.require_records_manager(actor.user)
    patent = get(session, patent_id)
    if session.get(PatentAchievement, (patent.id, listing_id)) is None:
        session.add(PatentAchievement(patent_id=patent.id, listing_id=listing_id))
        audit.record(session, actor, "patent.link", patent, summary=f"关联成果 {listing_id}")


def linked_patents(session: Session, listing_id: int) -> list[Patent]:
    stmt = (
        select(Patent)
        .join(PatentAchievement, PatentAchievement.patent_id == Patent.id)
        .where(PatentAchievement.listing_id == listing_id)
        .order_by(Patent.application_date)
    )
    return list(session.scalars(stmt))


def org_name(session: Session, org_id: int | None) -> str:
    org = session.get(Organization, org_id) if org_id else None
    return org.name if org else ""
