"""Bulk import and export of achievements and demands: CSV, Excel (.xlsx) and JSON Lines.

An import reads the whole file, validates every row into the listing schemas and collects
(row, column, reason) for each problem before anything is written: all rows or none, or only
the valid rows when the caller asks to skip the invalid ones. Each row is keyed by
(organisation, kind, external id); a row without an external id gets a stable key from its
normalised title, stored as the external id, so importing a file again updates in place.

A platform administrator imports for the organisations named in the ``org`` column (a bureau
migrating a legacy catalogue): the listings are published at once. Anyone else imports drafts
of their own organisation through the catalogue service, with its checks.

An export writes the same columns (Chinese headers in CSV and Excel, English keys in JSON
Lines) with only what the viewer may see; the column list is documented in
docs/import-columns.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.core import audit, clock
from app.core.audit import Actor
from app.core.config import get_settings
from app.core.db import start_writing, utcnow
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.core.indexing import index_later, index_many_later
from app.core.money import parse_yuan
from app.core.pagination import Pagination
from app.core.permissions import Action, authorize, can
from app.core.regions import REGIONS
from app.core.spreadsheets import csv_bytes, unguard, xlsx_bytes
from app.core.uploaded_tables import TableTooLarge, bounded_rows, check_xlsx_container
from app.core.validation import error_map
from app.listings import repository, service
from app.listings.schemas import CONFIDENTIAL_SECTIONS, FIELDS_BY_KIND, ListingFields
from app.listings.search import price_band
from app.models import (
    Achievement,
    AuditEvent,
    Demand,
    Listing,
    ListingVersion,
    Organization,
    User,
)
from app.models.enums import (
    ListingKind,
    ListingStatus,
    MaturityStage,
    OrgRole,
    OrgStatus,
    TransferMode,
)
from app.orgs import service as org_service
from app.taxonomy import service as taxonomy
from search.analysis import compact, default_analyzer, normalize

KINDS = (ListingKind.ACHIEVEMENT, ListingKind.DEMAND)
MAX_ROWS = 20_000
Progress = Callable[[str, int, int], None]


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        return {
            Format.CSV: "text/csv; charset=utf-8",
            Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format.JSONL: "application/x-ndjson; charset=utf-8",
        }[self]


# -- the columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the English name: JSON Lines key, also accepted as a CSV/Excel header
    header: str  # the Chinese header shown on the forms
    fmt: str
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()


_COMMON_HEAD = [
    Column("external_id", "外部编号", "文本，≤64字；来源系统中的编号，用于去重", "CG-2024-0012"),
]
_COMMON_TAIL = [
    Column(
        "keywords",
        "关键词",
        "以逗号、顿号、分号或空格分隔，最多10个，每个≤20字",
        "激光焊接、电池托盘",
    ),
    Column(
        "field",
        "技术领域",
        "分类代码或名称；可为空，平台按内容推荐领域，由发布方确认",
        "激光技术与装备",
        aliases=("领域",),
    ),
    Column("industry", "所属产业", "产业代码或名称，可为空", "汽车产业", aliases=("产业",)),
    Column(
        "region",
        "所在区域",
        "行政区划代码或名称；为空时取机构所在区域",
        "长春高新技术产业开发区",
        aliases=("区域",),
    ),
    Column("contact_name", "联系人", "文本，≤50字", "王工"),
    Column("contact_phone", "联系电话", "文本，≤30字", "0431-88888888"),
    Column("contact_email", "联系邮箱", "邮箱地址", "wang@example.cn", aliases=("邮箱",)),
    Column(
        "confidential",
        "保密部分",
        "设为保密的部分：字段英文名或中文名，以顿号分隔",
        "详细介绍、完成人",
    ),
    Column(
        "org",
        "所属机构",
        "已认证机构的全称或统一社会信用代码；平台管理员导入时必填，机构用户导入时可为空",
        "长春光电技术研究院",
        aliases=("机构", "机构名称", "统一社会信用代码"),
    ),
]

COLUMNS: dict[ListingKind, list[Column]] = {
    ListingKind.ACHIEVEMENT: [
        *_COMMON_HEAD,
        Column("title", "成果名称", "文本，4–120字", "高功率光纤激光焊接头", True, ("名称",)),
        Column(
            "summary",
            "成果简介",
            "文本，10–1000字",
            "面向电池托盘的高功率光纤激光焊接头……",
            True,
            ("简介",),
        ),
        Column("description", "详细介绍", "文本，≤20000字", "采用双光束摆动焊接……"),
        Column(
            "maturity",
            "成熟度",
            "实验室/小试/中试/产业化，或代码 lab/small_pilot/pilot/industrial",
            "中试",
        ),
        Column("trl", "技术就绪度", "整数 1–9", "6", aliases=("TRL",)),
        Column("pilot_status", "中试情况", "文本，≤200字", "已完成中试，良率98%"),
        Column(
            "transfer_modes",
            "转化方式",
            "转让/许可/作价入股/合作开发/技术服务（或代码），可多选，以顿号分隔",
            "转让、许可",
        ),
        Column(
            "price",
            "价格",
            "元；可写 50万、1.2亿、800000；“面议”或为空表示面议",
            "50万",
            aliases=("价格（元）", "转让价格"),
        ),
        Column("advantages", "技术优势", "文本，≤5000字", "焊接速度提高30%"),
        Column("economic_benefit", "预期经济效益", "文本，≤5000字", "年节约成本约200万元"),
        Column("application_scenarios", "应用场景", "文本，≤5000字", "新能源汽车电池托盘焊接"),
        Column(
            "ip_items",
            "知识产权明细",
            "每项一行或以分号分隔：[专利/软件著作权/其他：]号码 名称",
            "专利：ZL202010000000.1 一种激光焊接头",
        ),
        Column("inventors", "完成人", "以顿号分隔", "张三、李四"),
        *_COMMON_TAIL,
    ],
    ListingKind.DEMAND: [
        *_COMMON_HEAD,
        Column("title", "需求名称", "文本，4–120字", "电池托盘焊接变形控制", True, ("名称",)),
        Column(
            "summary",
            "需求简介",
            "文本，10–1000字",
            "需要解决6系铝合金电池托盘焊接变形超差的问题",
            True,
            ("简介",),
        ),
        Column("description", "需求详情", "文本，≤20000字", "现有工艺……"),
        Column("problem", "待解决的问题", "文本，≤5000字", "焊后平面度超过1.5mm"),
        Column("indicators", "技术指标", "文本，≤5000字", "平面度≤0.5mm"),
        Column("budget_min", "预算下限", "元；可写 20万；为空表示面议", "20万"),
        Column("budget_max", "预算上限", "元；不低于预算下限", "50万"),
        Column("deadline", "截止日期", "日期，如 2026-12-31，不早于今天", "2026-12-31"),
        Column(
            "cooperation_modes",
            "合作方式",
            "转让/许可/作价入股/合作开发/技术服务（或代码），可多选",
            "合作开发",
        ),
        *_COMMON_TAIL,
    ],
}

# Column key → attribute of the listing / field of the schema, where they differ.
_ATTRIBUTE = {"field": "field_code", "industry": "industry_code", "region": "region_code"}
_KEY_OF_ATTRIBUTE = {v: k for k, v in _ATTRIBUTE.items()}
_LIST_COLUMNS = {"keywords", "inventors", "transfer_modes", "cooperation_modes", "confidential"}
_DATE_COLUMNS = {"deadline"}
_MONEY_COLUMNS = {"price", "budget_min", "budget_max"}
_IP_TYPES = {"patent": "专利", "software_copyright": "软件著作权", "other": "其他"}


def columns(kind: ListingKind) -> list[Column]:
    if kind not in COLUMNS:
        raise InvalidInput(f"只支持导入导出科技成果和技术需求，不支持{kind.label}")
    return COLUMNS[kind]


def _header_key(text: str) -> str:
    text = normalize(text).strip().lstrip("*＊").rstrip("*＊").strip()
    return re.sub(r"\s+", "", text)


def _header_index(kind: ListingKind) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns(kind):
        for name in (column.key, column.header, *column.aliases):
            index.setdefault(_header_key(name), column.key)
    return index


# -- reading files ----------------------------------------------------------------------------


@dataclass
class RawTable:
    """A file's rows as (row number as the user sees it, {column key: value})."""

    fmt: Format
    rows: list[tuple[int, dict[str, Any]]]
    headers: dict[str, str]  # column key → the header the file used
    unknown: list[str]
    errors: list[RowError] = field(default_factory=list)


def detect_format(filename: str, content: bytes) -> Format:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return Format.XLSX
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return Format.JSONL
    if name.endswith((".csv", ".txt")):
        return Format.CSV
    if content[:2] == b"PK":
        return Format.XLSX
    if content.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"{":
        return Format.JSONL
    return Format.CSV


def decode_text(content: bytes) -> str:
    """UTF-8 with or without BOM; otherwise GB18030 (what Chinese Excel saves as CSV)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def _cell_text(value: Any) -> Any:
    """Spreadsheet cells as the text a person typed: 6.0 → "6", dates without midnight."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    # Exports guard formula-like text with a leading apostrophe; take it off again.
    return unguard(str(value))


def _table_from_rows(
    kind: ListingKind, fmt: Format, header: list[Any], body: Iterable[tuple[int, list[Any]]]
) -> RawTable:
    index = _header_index(kind)
    positions: list[tuple[int, str]] = []
    headers: dict[str, str] = {}
    unknown: list[str] = []
    errors: list[RowError] = []
    for i, cell in enumerate(header):
        text = str(cell or "").strip()
        if not text:
            continue
        key = index.get(_header_key(text))
        if key is None:
            unknown.append(text)
        elif key in headers:
            errors.append(RowError(1, text, f"与“{headers[key]}”是同一列，重复出现"))
        else:
            headers[key] = text
            positions.append((i, key))
    rows = []
    for number, cells in body:
        values = {key: _cell_text(cells[i]) if i < len(cells) else "" for i, key in positions}
        if any(str(v).strip() for v in values.values()):
            rows.append((number, values))
    return RawTable(fmt, rows, headers, unknown, errors)


def read_csv(kind: ListingKind, content: bytes) -> RawTable:
    text = decode_text(content)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # reader.line_num counts physical lines; a cell with line breaks spans several, so
        # count records instead: the header is row 1 as in a spreadsheet.
        rows = list(bounded_rows(reader, first_number=1))
    except TableTooLarge as exc:
        return RawTable(Format.CSV, [], {}, [], [RowError(1, "", str(exc))])
    if not rows:
        return RawTable(Format.CSV, [], {}, [], [RowError(1, "", "文件是空的")])
    return _table_from_rows(kind, Format.CSV, rows[0][1], rows[1:])


def read_xlsx(kind: ListingKind, content: bytes) -> RawTable:
    from openpyxl import load_workbook

    try:
        check_xlsx_container(content)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except TableTooLarge as exc:
        return RawTable(Format.XLSX, [], {}, [], [RowError(1, "", str(exc))])
    except Exception:
        return RawTable(Format.XLSX, [], {}, [], [RowError(1, "", "无法读取 Excel 文件（.xlsx）")])
    try:
        sheet = book.active if book.active is not None else book.worksheets[0]
        rows = list(bounded_rows(sheet.iter_rows(values_only=True), first_number=1))
    except TableTooLarge as exc:
        return RawTable(Format.XLSX, [], {}, [], [RowError(1, "", str(exc))])
    finally:
        book.close()
    if not rows:
        return _table_from_rows(kind, Format.XLSX, [], [])
    return _table_from_rows(kind, Format.XLSX, rows[0][1], rows[1:])


def read_jsonl(kind: ListingKind, content: bytes) -> RawTable:
    index = {c.key: c.key for c in columns(kind)}
    rows: list[tuple[int, dict[str, Any]]] = []
    unknown: dict[str, None] = {}
    errors: list[RowError] = []
    for number, line in enumerate(decode_text(content).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            errors.append(RowError(number, "", "不是合法的 JSON"))
            continue
        if not isinstance(record, dict):
            errors.append(RowError(number, "", "每行应为一个 JSON 对象"))
            continue
        values: dict[str, Any] = {}
        for key, value in record.items():
            if key in index:
                values[key] = "" if value is None else value
            else:
                unknown[key] = None
        rows.append((number, values))
    return RawTable(
        Format.JSONL, rows, {c.key: c.key for c in columns(kind)}, list(unknown), errors
    )


def read(kind: ListingKind, filename: str, content: bytes) -> RawTable:
    fmt = detect_format(filename, content)
    reader = {Format.CSV: read_csv, Format.XLSX: read_xlsx, Format.JSONL: read_jsonl}[fmt]
    return reader(kind, content)


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


# -- validating rows --------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    org: Organization
    data: ListingFields
    existing: Listing | None
    suggested: bool
    version: int | None = None  # the existing listing's, when the row was validated


class _Lookups:
    """Reference data read once per import."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.fields = taxonomy.names(session, "field")
        self.industries = taxonomy.names(session, "industry")
        self._orgs: dict[str, Organization | str] = {}

    def org(self, text: str) -> Organization | str:
        """The verified organisation named by full name or credit code, or why not."""
        key = text.strip().upper() if _looks_like_credit_code(text) else text.strip()
        if key not in self._orgs:
            self._orgs[key] = self._find_org(key)
        return self._orgs[key]

    def _find_org(self, key: str) -> Organization | str:
        org: Organization | None
        if _looks_like_credit_code(key):
            org = org_service.get_by_credit_code(self.session, key)
        else:
            page = org_service.list_orgs(
                self.session, self.actor.user, Pagination(page=1, size=100), q=key
            )
            org = next((o for o in page.items if o.name == key), None)
        if org is None:
            return "平台上没有这个机构，请填写已注册机构的全称或统一社会信用代码"
        if org.status != OrgStatus.VERIFIED:
            return f"机构“{org.name}”尚未通过认证，不能发布信息"
        return org


def _looks_like_credit_code(text: str) -> bool:
    return re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", text.strip().upper()) is not None


def _code_from(text: str, names: Mapping[str, str]) -> str | None:
    """A code from its code or its name (also the name without the bracketed note)."""
    value = text.strip()
    if value in names:
        return value
    folded = compact(value)
    for code, name in names.items():
        if folded in (compact(name), compact(re.split(r"[（(]", name)[0])):
            return code
    return None


def _enum_code(text: str, enum: type[StrEnum]) -> str | None:
    value = text.strip()
    for member in enum:
        if value in (member.value, getattr(member, "label", None)):
            return member.value
    return None


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for sep in "，,、;；|\n":
        text = text.replace(sep, " ")
    return text.split()


def _parse_date(value: Any) -> str:
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        raise ValueError("日期格式不正确，请写成 2026-12-31")
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise ValueError("日期不存在，请核对年月日") from None


def _parse_ip_items(value: Any) -> list[dict[str, str]]:
    if isinstance(value, list):
        return value
    items = []
    by_label = {label: code for code, label in _IP_TYPES.items()}
    for part in re.split(r"[;；\n]", str(value)):
        part = part.strip()
        if not part:
            continue
        kind = "patent"
        head, _, rest = part.replace("：", ":").partition(":")
        head = head.strip()
        if rest and (head in by_label or head in _IP_TYPES):
            kind = by_label.get(head, head)
            part = rest.strip()
        number, _, title = part.partition(" ")
        items.append({"type": kind, "number": number.strip(), "title": title.strip()})
    return items


def _prepare_values(
    kind: ListingKind, raw: dict[str, Any], lookups: _Lookups
) -> tuple[dict[str, Any], dict[str, str]]:
    """Column values → schema input; column key → reason for values that cannot be read."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        if key == "org" or (isinstance(value, str) and not value.strip()) or value == []:
            continue
        try:
            if key == "field":
                code = _code_from(str(value), lookups.fields)
                if code is None:
                    raise ValueError("技术领域不在分类表中，请填写分类代码或名称，也可留空")
                values["field_code"] = code
            elif key == "industry":
                code = _code_from(str(value), lookups.industries)
                if code is None:
                    raise ValueError("产业不在分类表中，请填写产业代码或名称")
                values["industry_code"] = code
            elif key == "region":
                code = _code_from(str(value), REGIONS)
                if code is None:
                    raise ValueError("所在区域不在本市行政区划或开发区列表中")
                values["region_code"] = code
            elif key == "maturity":
                code = _enum_code(str(value), MaturityStage)
                if code is None:
                    raise ValueError("成熟度应为：实验室、小试、中试、产业化")
                values[key] = code
            elif key in ("transfer_modes", "cooperation_modes"):
                codes = []
                for part in _split(value):
                    code = _enum_code(part, TransferMode)
                    if code is None:
                        raise ValueError(
                            f"“{part}”不是可选的方式，应为：转让、许可、作价入股、合作开发、技术服务"
                        )
                    codes.append(code)
                values[key] = codes
            elif key == "confidential":
                sections = CONFIDENTIAL_SECTIONS[kind]
                by_label = {label: name for name, label in sections.items()}
                chosen = []
                for part in _split(value):
                    name = part if part in sections else by_label.get(part)
                    if name is None:
                        raise ValueError(
                            f"“{part}”不能设为保密，可选：{'、'.join(sections.values())}"
                        )
                    chosen.append(name)
                values[key] = chosen
            elif key in _DATE_COLUMNS:
                values[key] = _parse_date(value)
            elif key == "ip_items":
                values[key] = _parse_ip_items(value)
            elif key in _LIST_COLUMNS:
                values[key] = _split(value)
            elif key in _MONEY_COLUMNS:
                text = str(value).strip()
                values[key] = None if text == "面议" else parse_yuan(value)
            else:
                values[key] = value.strip() if isinstance(value, str) else value
        except ValueError as exc:
            errors[key] = str(exc)
    return values, errors


def _column_of(error_field: str) -> str:
    name = error_field.split(".")[0]
    return _KEY_OF_ATTRIBUTE.get(name, name)


def stable_key(org_id: int, kind: ListingKind, title: str) -> str:
    """The external id of a row that has none: a hash of its organisation, kind and title."""
    digest = hashlib.sha256(f"{org_id}|{kind.value}|{compact(title)}".encode()).hexdigest()
    return f"title:{digest[:32]}"


class _Validator:
    def __init__(
        self, session: Session, actor: Actor, kind: ListingKind, *, as_admin: bool
    ) -> None:
        self.session = session
        self.actor = actor
        self.kind = kind
        self.as_admin = as_admin
        self.schema = FIELDS_BY_KIND[kind]
        self.lookups = _Lookups(session, actor)
        self.own_org = (
            None
            if as_admin or actor.user is None
            else org_service.get_for_member(session, actor.user)
        )
        self.suggester = FieldSuggester(self.lookups.fields)
        self.seen: dict[tuple[int, str], int] = {}
        self._by_key: dict[int, dict[str, Listing]] = {}

    def _existing(self, org_id: int) -> dict[str, Listing]:
        """The organisation's listings of this kind by external id, read once per import."""
        if org_id not in self._by_key:
            stmt = repository.of_org(self.session, org_id, self.kind, None)
            self._by_key[org_id] = {
                x.external_id: x for x in self.session.scalars(stmt) if x.external_id
            }
        return self._by_key[org_id]

    def row(self, number: int, raw: dict[str, Any]) -> tuple[_Row | None, dict[str, str]]:
        values, errors = _prepare_values(self.kind, raw, self.lookups)
        org = self._org(str(raw.get("org") or "").strip(), errors)
        for name in ("title", "summary"):
            if name not in values and name not in errors:
                errors[name] = "必填项"
        try:
            data = self.schema.model_validate(values)
        except ValidationError as exc:
            for name, reason in error_map(exc.errors()).items():
                errors.setdefault(_column_of(name) if name != "body" else "", reason)
            return None, errors
        deadline = getattr(data, "deadline", None)
        late = deadline is not None and deadline < clock.today()
        if errors or org is None:
            if late:
                errors.setdefault("deadline", "需求截止日期不能早于今天")
            return None, errors
        assert data.title is not None
        key = data.external_id or stable_key(org.id, self.kind, data.title)
        first = self.seen.setdefault((org.id, key), number)
        if first != number:
            column = "external_id" if data.external_id else "title"
            errors[column] = f"与第{first}行是同一条信息（外部编号或名称相同）"
            return None, errors
        existing = self._existing(org.id).get(key)
        if existing is not None:
            problem = self._cannot_update(existing)
            if problem:
                errors["external_id" if data.external_id else "title"] = problem
        # A past deadline is refused unless the listing already has it (an export re-imported).
        if late and (existing is None or getattr(existing, "deadline", None) != deadline):
            errors["deadline"] = "需求截止日期不能早于今天"
        if errors:
            return None, errors
        suggested = False
        if data.field_code is None and (existing is None or existing.field_code is None):
            code = self.suggester.suggest(
                data.title,
                f"{data.summary or ''} {data.description or ''}",
                data.keywords or [],
            )
            if code is not None:
                data = data.model_copy(update={"field_code": code})
                suggested = True
        data = data.model_copy(update={"external_id": key})
        version = existing.version if existing is not None else None
        return _Row(number, org, data, existing, suggested, version), {}

    def _org(self, text: str, errors: dict[str, str]) -> Organization | None:
        if self.as_admin:
            if not text:
                errors["org"] = "必填项：平台管理员导入时请填写所属机构"
                return None
            found = self.lookups.org(text)
            if isinstance(found, str):
                errors["org"] = found
                return None
            return found
        org = self.own_org
        assert org is not None
        if text and text.upper() != org.credit_code and text != org.name:
            errors["org"] = f"只能导入本机构（{org.name}）的信息"
            return None
        return org

    def _cannot_update(self, listing: Listing) -> str:
        if listing.status == ListingStatus.CLOSED:
            return "平台上的这条信息已关闭，不能再导入修改"
        if not self.as_admin and not can(self.actor.user, Action.LISTING_EDIT, listing):
            return "平台上已有这条信息，仅发布人或本机构管理员可以修改"
        return ""


# -- field suggestion -------------------------------------------------------------------------

# Words that point to a field, beyond the field's own name. Keyed by taxonomy code; a field
# added later by administrators is still matched through the words of its name.
FIELD_TERMS: dict[str, tuple[str, ...]] = {
    "F0101": ("5G", "通信", "网络", "光通信", "物联网", "基站", "天线"),
    "F0102": ("芯片", "集成电路", "传感器", "半导体", "光电子", "MEMS", "晶圆", "封装"),
    "F0103": ("软件", "信息系统", "平台", "操作系统", "数据库", "工业软件", "信创"),
    "F0104": ("大数据", "云计算", "云平台", "数据中心", "区块链", "数据治理"),
    "F0105": (
        "人工智能",
        "机器学习",
        "深度学习",
        "神经网络",
        "视觉识别",
        "语音识别",
        "大模型",
        "算法",
    ),
    "F0201": ("数控", "机床", "机器人", "工业机器人", "自动化", "生产线", "智能制造", "装配"),
    "F0202": ("航空", "飞机", "无人机", "航空发动机", "机载"),
    "F0203": ("卫星", "遥感", "北斗", "导航定位", "星载"),
    "F0204": ("轨道交通", "高铁", "动车", "列车", "地铁", "转向架", "轨道客车"),
    "F0205": ("海洋", "船舶", "海工", "深海"),
    "F0301": ("钢铁", "合金", "铝合金", "镁合金", "钛合金", "有色金属", "冶金", "铸造"),
    "F0302": ("化工", "高分子", "树脂", "聚合物", "塑料", "橡胶", "涂料", "催化剂", "聚乳酸"),
    "F0303": ("陶瓷", "玻璃", "无机", "水泥", "耐火材料", "玄武岩"),
    "F0304": ("碳纤维", "复合材料", "纤维", "玻璃纤维", "芳纶"),
    "F0305": ("石墨烯", "纳米材料", "超导", "3D打印", "增材制造", "智能材料", "稀土"),
    "F0401": ("药物", "医药", "疫苗", "抗体", "中药", "制剂", "原料药", "创新药", "靶向", "临床"),
    "F0402": ("医疗器械", "诊断", "影像", "体外诊断", "植入", "康复", "医用", "检测试剂"),
    "F0403": ("育种", "种子", "兽药", "生物农药", "生物肥料", "饲料", "畜牧", "动物疫苗"),
    "F0404": ("生物质", "发酵", "酶制剂", "生物制造", "生物基", "秸秆"),
    "F0501": ("新能源汽车", "电动汽车", "整车", "纯电动", "插电混动"),
    "F0502": ("动力电池", "锂电池", "电池包", "电机", "电驱动", "电控", "电池管理", "BMS"),
    "F0503": ("智能网联", "自动驾驶", "车联网", "激光雷达", "毫米波雷达", "辅助驾驶", "V2X"),
    "F0504": ("汽车零部件", "轻量化", "底盘", "车身", "变速器", "制动", "汽车"),
    "F0601": ("太阳能", "光伏", "电池片", "组件", "光热"),
    "F0602": ("风能", "风电", "风机", "叶片", "风力发电"),
    "F0603": ("氢能", "氢气", "制氢", "储氢", "加氢", "燃料电池", "电解水"),
    "F0604": ("储能", "智能电网", "电网", "配电", "微电网", "液流电池"),
    "F0701": ("节能", "余热", "热泵", "能效", "保温", "变频"),
    "F0702": ("环保", "污水", "废水", "废气", "脱硫", "脱硝", "污染", "土壤修复", "除尘", "VOCs"),
    "F0703": ("资源循环", "回收", "再生", "固废", "尾矿", "综合利用", "再制造"),
    "F08": ("数字创意", "动漫", "游戏", "影视", "虚拟现实", "VR", "AR", "数字内容", "文创"),
    "F09": ("检验检测", "检测服务", "研发设计", "工业设计", "科技服务", "技术咨询", "认证"),
    "F1001": (
        "玉米",
        "大豆",
        "水稻",
        "深加工",
        "精深加工",
        "淀粉",
        "食品",
        "粮食",
        "农产品",
        "酿造",
        "乳制品",
        "肉制品",
        "人参",
        "果蔬",
        "保鲜",
        "饮料",
    ),
    "F1002": ("智慧农业", "农机", "农业机械", "收获机", "播种", "植保", "灌溉", "温室"),
    "F1101": ("光学", "镜头", "光谱", "光谱仪", "透镜", "光学仪器", "干涉", "望远镜"),
    "F1102": ("激光", "激光器", "激光焊接", "激光切割", "焊接", "熔覆", "打标", "光纤激光"),
    "F1103": ("红外", "探测器", "成像", "光电探测", "图像传感", "夜视", "热成像"),
}


# Words of field names that say nothing about the field on their own.
_GENERIC = frozenset(
    [
        "技术",
        "服务",
        "产业",
        "相关",
        "新型",
        "新兴",
        "先进",
        "高端",
        "装备",
        "系统",
        "制品",
        "其他",
        "新一代",
        "核心",
        "高效",
        "前沿",
        "及",
        "和",
        "与",
        "设备",
        "工程",
        "应用",
        "材料",
        "信息",
        "精深",
    ]
)


class FieldSuggester:
    """Scores taxonomy fields against a listing's text with the search analyzer.

    The text is cut as search cuts it: a field scores for each token that is a distinctive word
    of its name, and for each of its words (FIELD_TERMS) that occurs as tokens of the text — so
    "纯化工艺" does not count as "化工". The title and keywords weigh more than the body. The
    best field wins; ties go to the more specific field, then to taxonomy order.
    """

    HEAD_WEIGHT = 3
    BODY_CHARS = 2000  # the start of a long description says enough

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.analyzer = default_analyzer()
        self.order = {code: i for i, code in enumerate(fields)}
        # A field's words as token sequences: one token, or several a term is cut into.
        self.words: dict[tuple[str, ...], set[str]] = {}
        for code, name in fields.items():
            for token in self.analyzer.index_tokens(name):
                if len(token) > 1 and token not in _GENERIC:
                    self.words.setdefault((token,), set()).add(code)
            for term in FIELD_TERMS.get(code, ()):
                tokens = tuple(self.analyzer.query_tokens(term))
                if tokens:
                    self.words.setdefault(tokens, set()).add(code)
        self.longest = max((len(w) for w in self.words), default=1)

    def scores(self, head: str, body: str = "") -> dict[str, int]:
        result: dict[str, int] = {}
        for part, weight in ((head, self.HEAD_WEIGHT), (body[: self.BODY_CHARS], 1)):
            if not part.strip():
                continue
            # Fine-grained tokens find a word inside a longer one (动力电池 in 动力电池包);
            # precise tokens in order find a term jieba cuts into several words.
            found: set[tuple[str, ...]] = {(t,) for t in self.analyzer.index_tokens(part)}
            cut = self.analyzer.query_tokens(part)
            for n in range(2, self.longest + 1):
                found |= {tuple(cut[i : i + n]) for i in range(len(cut) - n + 1)}
            for word in found & self.words.keys():
                for code in self.words[word]:
                    result[code] = result.get(code, 0) + weight
        return result

    def suggest(self, title: str, body: str = "", keywords: Iterable[str] = ()) -> str | None:
        """The most likely field code, or None when nothing in the text points to one."""
        scores = self.scores(" ".join([title, *keywords]), body)
        if not scores:
            return None
        return max(scores, key=lambda c: (scores[c], len(c), -self.order[c]))


# -- importing --------------------------------------------------------------------------------


def _imports_as_admin(session: Session, actor: Actor) -> bool:
    """Platform administrators import for any organisation; others for their own, if verified."""
    user = actor.user
    if user is not None and user.is_platform_admin:
        return True
    org = org_service.get_for_member(session, user) if user is not None else None
    authorize(user, Action.ORG_PUBLISH, org)
    return False


def import_file(
    session: Session,
    actor: Actor,
    kind: ListingKind,
    filename: str,
    content: bytes,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate every row, then write all of them, or only the valid ones with ``skip_invalid``.

    Nothing is written when the report is refused; the caller's transaction holds the rest.
    A ``reads_first`` session validates without SQLite's write lock and takes it only for the
    writes; a listing another writer added or changed meanwhile refuses the whole import.
    """
    order = {c.key: i for i, c in enumerate(columns(kind))}
    as_admin = _imports_as_admin(session, actor)
    table = read(kind, filename, content)
    report = ImportReport(kind, fmt=table.fmt, total=len(table.rows))
    fatal = table.fmt != Format.JSONL and bool(table.errors)
    report.errors.extend(table.errors)
    if table.unknown:
        report.warnings.append(f"未识别的列，已忽略：{'、'.join(table.unknown)}")
    if table.fmt != Format.JSONL:
        for column in columns(kind):
            needed = column.required or (column.key == "org" and as_admin)
            if needed and column.key not in table.headers:
                report.errors.append(RowError(1, column.header, "缺少必填列"))
                fatal = True
    if not table.rows and not report.errors:
        report.errors.append(RowError(1, "", "文件中没有数据行"))
        fatal = True
    if len(table.rows) > MAX_ROWS:
        report.errors.append(RowError(1, "", f"一次最多导入 {MAX_ROWS} 行，请拆分文件"))
        fatal = True
    if fatal:
        report.refused = True
        return report

    validator = _Validator(session, actor, kind, as_admin=as_admin)
    valid: list[_Row] = []
    row_errors: list[RowError] = []
    for done, (number, raw) in enumerate(table.rows, start=1):
        row, problems = validator.row(number, raw)
        if row is not None:
            valid.append(row)
        for key, reason in sorted(problems.items(), key=lambda kv: order.get(kv[0], -1)):
            row_errors.append(RowError(number, table.headers.get(key, key), reason))
        if progress and (done % 100 == 0 or done == report.total):
            progress("validate", done, report.total)
    report.errors.extend(row_errors)
    report.errors.sort(key=lambda e: e.row)
    if report.errors and not skip_invalid:
        report.refused = True
        return report
    report.skipped = report.total - len(valid)

    writer = _Writer(session, actor, kind, as_admin=as_admin)
    writer.prepare(valid)
    start_writing(session)
    with session.begin_nested():  # all rows or none, even if a row fails while writing
        _refuse_changed_meanwhile(session, kind, valid)
        writer.write_all(valid, report, progress)
    return report


def _refuse_changed_meanwhile(session: Session, kind: ListingKind, rows: list[_Row]) -> None:
    """Conflict when a row's listing was created or changed since it was validated."""
    now: dict[int, dict[str, int]] = {}
    for row in rows:
        if row.org.id not in now:
            now[row.org.id] = repository.versions_by_external_id(session, row.org.id, kind)
        key = row.data.external_id
        assert key is not None
        current = now[row.org.id].get(key)
        if current == row.version:
            continue
        what = "新增了同一条信息" if row.version is None else "修改了这条信息"
        if current is None:
            what = "删除了这条信息"
        raise Conflict(
            f"导入期间平台上有人{what}（第{row.number}行：{row.data.title}），"
            "本次未导入任何内容，请重新导入",
            title="导入期间信息有变化",
        )


class _Writer:
    """Writes validated rows; an administrator's rows in batches that share one flush.

    For an administrator, ``prepare`` does the work of every row before the write lock is
    taken: it builds the new listings and works out each update's changes. Under the lock a
    batch is then one INSERT per table for its new listings, their versions, audit events and
    index messages, and an UPDATE for each listing that changed.
    """

    BATCH = 250

    def __init__(
        self, session: Session, actor: Actor, kind: ListingKind, *, as_admin: bool
    ) -> None:
        self.session = session
        self.actor = actor
        self.kind = kind
        self.as_admin = as_admin
        self._owners: dict[int, User] = {}
        self._new: dict[int, tuple[Listing, dict[str, Any]]] = {}
        self._values: dict[int, list[dict[str, Any]]] = {}
        # Per updated row: the fields to apply, the changed values before and after, the state.
        self._updates: dict[
            int, tuple[ListingFields, dict[str, Any], dict[str, Any], dict[str, Any]]
        ] = {}

    def prepare(self, rows: list[_Row]) -> None:
        """Build the new listings and each update's changes, outside the session; reads only."""
        if not self.as_admin:
            return
        for row in rows:
            if row.existing is None:
                listing = self._new_published(row)
                self._new[row.number] = (listing, service.snapshot(listing))
                self._values[row.number] = self._column_values(listing)
            else:
                data = _without_same_field(row)
                self._updates[row.number] = (data, *self._changes(row.existing, row, data))

    def write_all(self, rows: list[_Row], report: ImportReport, progress: Progress | None) -> None:
        for start in range(0, len(rows), self.BATCH):
            batch = rows[start : start + self.BATCH]
            outcomes = self._write_batch(batch)
            for row, outcome in zip(batch, outcomes, strict=True):
                setattr(report, outcome, getattr(report, outcome) + 1)
                report.suggested += row.suggested and outcome != "unchanged"
            if progress:
                progress("write", start + len(batch), len(rows))

    def _write_batch(self, rows: list[_Row]) -> list[str]:
        """Create or update each row's listing: "created", "updated" or "unchanged"."""
        if not self.as_admin:
            return [self._through_service(row, _without_same_field(row)) for row in rows]
        outcomes: list[str] = []
        created: list[tuple[Listing, dict[str, Any]]] = []
        values: list[list[dict[str, Any]]] = []
        changes: list[tuple[Listing, str, dict[str, Any] | None, dict[str, Any], Any]] = []
        for row in rows:
            if row.existing is None:
                created.append(self._new.pop(row.number))
                values.append(self._values.pop(row.number))
                outcomes.append("created")
                continue
            data, old, new, state = self._updates.pop(row.number)
            if new:
                self._update_in_place(row.existing, row, data)
                changes.append((row.existing, "update", old, new, state))
            outcomes.append("updated" if new else "unchanged")
        self._insert(created, values)
        changes[:0] = [(listing, "create", None, state, state) for listing, state in created]
        self.session.flush()  # the batch's updates
        self._record_all(changes)
        return outcomes

    def _column_values(self, listing: Listing) -> list[dict[str, Any]]:
        """The listing's row of each of its tables (base first), built before the lock."""
        mapper = sa_inspect(repository.MODELS[self.kind])
        return [
            {
                column.key: getattr(listing, mapper.get_property_by_column(column).key)
                for column in table.columns
                if column.key != "id"
            }
            for table in mapper.tables
        ]

    def _insert(
        self, created: list[tuple[Listing, dict[str, Any]]], values: list[list[dict[str, Any]]]
    ) -> None:
        """One INSERT per table for the batch's new listings, which then know their ids."""
        if not created:
            return
        # Core INSERTs with every column given: the ORM's bulk path groups rows by which
        # columns are empty and would send dozens of small statements per batch.
        mapper = sa_inspect(repository.MODELS[self.kind])
        listings = [listing for listing, _state in created]
        for position, table in enumerate(mapper.tables):  # the base table first
            rows = [tables[position] for tables in values]
            if table is mapper.tables[0]:
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                ids = self.session.scalars(stmt, rows).all()
                for listing, listing_id in zip(listings, ids, strict=True):
                    listing.id = listing_id
            else:
                for row, listing in zip(rows, listings, strict=True):
                    row["id"] = listing.id
                self.session.execute(insert(table), rows)

    def _through_service(self, row: _Row, data: ListingFields) -> str:
        if row.existing is None:
            listing = service.create(self.session, self.actor, self.kind, data)
            listing.field_suggested = row.suggested
            index_later(self.session, self.kind.value, listing.id)
            return "created"
        listing = row.existing
        version = listing.version
        service.update(self.session, self.actor, listing, data)
        if row.suggested:
            listing.field_suggested = True
        return "unchanged" if listing.version == version else "updated"

    def _owner(self, org: Organization) -> User:
        """Imported listings belong to the organisation's administrator when it has one."""
        if org.id not in self._owners:
            people = [
                u
                for u in org_service.members(self.session, self.actor, org)
                if u.active_org_id == org.id and u.is_active
            ]
            people.sort(key=lambda u: (u.org_role != OrgRole.ADMIN, u.id))
            assert self.actor.user is not None
            self._owners[org.id] = people[0] if people else self.actor.user
        return self._owners[org.id]

    def _new_published(self, row: _Row) -> Listing:
        """The row's listing as it will be inserted; never added to the session."""
        org = row.org
        now = utcnow()
        listing = repository.MODELS[self.kind](
            kind=self.kind,
            org_id=org.id,
            owner_id=self._owner(org).id,
            region_code=org.region_code,
            title="",
            summary="",
            contact_name=org.contact_name,
            contact_phone=org.contact_phone,
            contact_email="",
            status=ListingStatus.PUBLISHED,
            published_at=now,
            expires_at=now + timedelta(days=get_settings().listing_valid_days),
            field_suggested=row.suggested,
        )
        service.apply_fields(listing, row.data)
        _fill_defaults(listing)
        return listing

    def _changes(
        self, listing: Listing, row: _Row, data: ListingFields
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """What importing ``data`` would change on ``listing``, worked out on a copy: the
        changed values before and after, and the listing's state after."""
        model = type(listing)
        copy = model(**{a.key: getattr(listing, a.key) for a in sa_inspect(model).column_attrs})
        self._update_in_place(copy, row, data)
        state = service.snapshot(copy)
        old, new = audit.diff(service.snapshot(listing), state)
        return old, new, state

    @staticmethod
    def _update_in_place(listing: Listing, row: _Row, data: ListingFields) -> None:
        service.apply_fields(listing, data)
        if "field_code" in data.model_fields_set:
            listing.field_suggested = row.suggested
        listing.version += 1

    def _record_all(
        self, changes: list[tuple[Listing, str, dict[str, Any] | None, dict[str, Any], Any]]
    ) -> None:
        """The version row, audit event and reindex request every change gets, in bulk.

        A new listing's audit event records it whole; an update's, the fields it changed.
        """
        versions, events = [], []
        for listing, action, before, after, state in changes:
            note = "批量导入并发布" if action == "create" else "批量导入更新"
            versions.append(service.version_values(self.actor, listing, note, state))
            events.append(
                audit.event_values(
                    self.actor,
                    f"{self.kind.value}.import_{action}",
                    listing,
                    summary=f"{note}{self.kind.label}：{listing.title}",
                    before=before,
                    after=after,
                )
            )
        if changes:
            self.session.execute(insert(ListingVersion), versions)
            self.session.execute(insert(AuditEvent), events)
            index_many_later(self.session, self.kind.value, [c[0].id for c in changes])


def _fill_defaults(obj: Any) -> None:
    """Give a row built outside the session the values its columns' defaults would on flush,
    so it can be inserted in bulk and its snapshot taken before (as the flushed row's)."""
    for attr in sa_inspect(type(obj)).column_attrs:
        default = attr.columns[0].default
        if attr.key in obj.__dict__ or attr.key == "id" or default is None:
            continue
        if default.is_scalar:
            setattr(obj, attr.key, default.arg)
        elif default.is_callable:
            setattr(obj, attr.key, default.arg(None))


def _without_same_field(row: _Row) -> ListingFields:
    """Re-importing the field a listing has neither changes it nor confirms a suggestion."""
    data, existing = row.data, row.existing
    if existing is not None and data.field_code == existing.field_code:
        return type(data).model_validate(
            data.model_dump(exclude_unset=True, exclude={"field_code"})
        )
    return data


# -- exporting --------------------------------------------------------------------------------


def _text_filters(filters: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        kept = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if kept:
            out[name] = kept
    return out


def listings_for_export(
    session: Session, viewer: User | None, kind: ListingKind, filters: Mapping[str, Any]
) -> list[Listing]:
    """The listings a filtered list shows: published ones, or with ``mine`` the viewer's
    organisation's in every state. Filters take the list page's values (facet labels) or codes.
    """
    columns(kind)
    wanted = _text_filters(filters)
    if wanted.get("mine", [""])[0] in ("1", "true", "on", "yes"):
        if viewer is None or viewer.active_org_id is None:
            raise PermissionDenied("加入机构后才能导出本机构的信息")
        status = wanted.get("status", [""])[0]
        state = ListingStatus.from_code(status)
        stmt = repository.of_org(session, viewer.active_org_id, kind, state)
    else:
        stmt = repository.published(kind)
    listings = list(session.scalars(stmt.order_by(None).order_by(Listing.id)))
    facets = _Facets(session)
    return [x for x in listings if facets.match(x, wanted)]


class _Facets:
    """The values a listing answers to in each list filter: codes, names and labels."""

    def __init__(self, session: Session) -> None:
        terms = taxonomy.terms(session, "field", include_inactive=True)
        self.field_names = {t.code: t.name for t in terms}
        self.parents = {t.code: t.parent_code for t in terms}
        self.industries = taxonomy.names(session, "industry")

    def _top(self, code: str) -> str:
        while self.parents.get(code):
            code = self.parents[code] or code
        return code

    def values(self, listing: Listing, facet: str) -> set[str]:
        if facet == "field":
            code = listing.field_code or ""
            top = self._top(code)
            return {code, top, self.field_names.get(code, ""), self.field_names.get(top, "")}
        if facet == "industry":
            code = listing.industry_code or ""
            return {code, self.industries.get(code, "")}
        if facet == "region":
            return {listing.region_code, REGIONS.get(listing.region_code, "")}
        if facet == "org_type":
            return {listing.org.org_type.value, listing.org.org_type.label}
        if facet == "maturity":
            stage = getattr(listing, "maturity", None)
            return {stage.value, stage.label} if stage else set()
        if facet == "transfer_mode":
            codes = getattr(listing, "transfer_modes", None) or getattr(
                listing, "cooperation_modes", []
            )
            return set(codes) | {TransferMode(c).label for c in codes}
        if facet == "price_band":
            amount = listing.price if isinstance(listing, Achievement) else None
            if isinstance(listing, Demand):
                amount = listing.budget_max
            return {price_band(amount)}
        return set()

    def match(self, listing: Listing, wanted: dict[str, list[str]]) -> bool:
        for facet, values in wanted.items():
            if facet == "q":
                text = normalize(" ".join([listing.title, listing.summary, *listing.keywords]))
                if not all(normalize(word) in text for v in values for word in v.split()):
                    return False
            elif facet in FILTERS and not (self.values(listing, facet) - {""}) & set(values):
                return False
        return True


# The list page's filters (the search facets), plus free text.
FILTERS = ("field", "industry", "maturity", "transfer_mode", "region", "price_band", "org_type")


_ALWAYS_SHOWN = {"title", "summary", "keywords", "field", "industry", "region", "org"}
_INSIDE_ONLY = {"external_id", "confidential", *service.CONTACT_FIELDS}


def visible_columns(session: Session, viewer: User | None, listing: Listing) -> set[str]:
    """The columns of ``listing`` that ``viewer`` may read, by the tiers of ``service.view``.

    Everybody: the summary and the public facts. People who may see details (verified
    organisations, brokers, experts, staff): the detail sections, except confidential ones
    their organisation was not granted. Contacts, external ids and the confidential list: only
    the owner's organisation and its reviewers — a bulk file of contacts would bypass the
    contact log owners rely on. ``tests/listings/test_transfer.py`` checks this against
    ``service.view`` for every kind of viewer.
    """
    kind = listing.kind
    shown = _ALWAYS_SHOWN | set(service.PUBLIC_FIELDS[kind])
    if viewer is None or not can(viewer, Action.LISTING_SEE_DETAIL, listing):
        return shown
    insider = can(viewer, Action.LISTING_SEE_CONFIDENTIAL, listing)
    granted = (
        insider
        or not listing.confidential
        or repository.has_access(session, listing.id, viewer.active_org_id)
    )
    hidden = set() if granted else set(listing.confidential)
    shown = shown | (set(service.DETAIL_FIELDS[kind]) - hidden)
    return shown | _INSIDE_ONLY if insider else shown


def export_records(
    session: Session, viewer: User | None, kind: ListingKind, listings: Iterable[Listing]
) -> Iterator[dict[str, Any]]:
    """Each listing as {column key: value}; what ``viewer`` may not read is None."""
    for listing in listings:
        visible = visible_columns(session, viewer, listing)
        record: dict[str, Any] = {}
        for column in columns(kind):
            key = column.key
            if key not in visible:
                record[key] = None
            elif key == "org":
                record[key] = listing.org.name
            else:
                record[key] = getattr(listing, _ATTRIBUTE.get(key, key))
        yield record


def _json_value(key: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _sheet_value(
    kind: ListingKind, key: str, value: Any, names: Mapping[str, Mapping[str, str]]
) -> Any:
    """A value as a person reads it in a spreadsheet: labels, names, joined lists."""
    if value is None or value == []:
        return ""
    if key == "field":
        return names["field"].get(value, value)
    if key == "industry":
        return names["industry"].get(value, value)
    if key == "region":
        return REGIONS.get(value, value)
    if key == "maturity":
        return MaturityStage(value).label
    if key in ("transfer_modes", "cooperation_modes"):
        return "、".join(
            TransferMode(c).label if c in TransferMode._value2member_map_ else c for c in value
        )
    if key == "confidential":
        sections = CONFIDENTIAL_SECTIONS[kind]
        return "、".join(sections.get(c, c) for c in value)
    if key == "ip_items":
        return "\n".join(
            f"{_IP_TYPES.get(i.get('type', 'patent'), '专利')}：{i.get('number', '')}"
            + (f" {i['title']}" if i.get("title") else "")
            for i in value
        )
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def export(
    session: Session,
    viewer: User | None,
    kind: ListingKind,
    filters: Mapping[str, Any] | None = None,
    fmt: Format | str = Format.CSV,
) -> bytes:
    """The filtered list as a file: Chinese headers in CSV and Excel, English keys in JSON Lines."""
    fmt = Format(fmt)
    listings = listings_for_export(session, viewer, kind, filters or {})
    records = export_records(session, viewer, kind, listings)
    names = {
        "field": taxonomy.names(session, "field"),
        "industry": taxonomy.names(session, "industry"),
    }
    cols = columns(kind)
    if fmt == Format.JSONL:
        lines = []
        for record in records:
            plain = {c.key: _json_value(c.key, record[c.key]) for c in cols}
            lines.append(json.dumps(plain, ensure_ascii=False))
        return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
    rows = ([_sheet_value(kind, c.key, record[c.key], names) for c in cols] for record in records)
    headers = [c.header for c in cols]
    if fmt == Format.CSV:
        return csv_bytes(headers, rows)
    return xlsx_bytes(kind.label, headers, rows)


def template(kind: ListingKind, fmt: Format | str = Format.XLSX) -> bytes:
    """An empty file with the column headers and one example row, to fill in."""
    fmt = Format(fmt)
    cols = columns(kind)
    if fmt == Format.JSONL:
        sample = {c.key: c.example for c in cols if c.key != "org"}
        return (json.dumps(sample, ensure_ascii=False) + "\n").encode()
    headers = [c.header + ("*" if c.required else "") for c in cols]
    example = ["" if c.key == "org" else c.example for c in cols]
    if fmt == Format.CSV:
        return csv_bytes(headers, [example])
    return xlsx_bytes(kind.label, headers, [example])
