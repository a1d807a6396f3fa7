"""Reading CSV, Excel and JSON Lines files into a table of raw cells."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.core.spreadsheets import unguard
from app.core.uploaded_tables import TableTooLarge, bounded_rows, check_xlsx_container
from app.listings.transfer.columns import Format, _header_index, _header_key, columns
from app.listings.transfer.report import RowError
from app.models.enums import (
    ListingKind,
)

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


def jsonl_records(content: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Each non-blank line's object with its line number, and an error for each line that is not
    one JSON object."""
    records: list[tuple[int, dict[str, Any]]] = []
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
        records.append((number, record))
    return records, errors


def read_jsonl(kind: ListingKind, content: bytes) -> RawTable:
    index = {c.key: c.key for c in columns(kind)}
    rows: list[tuple[int, dict[str, Any]]] = []
    unknown: dict[str, None] = {}
    records, errors = jsonl_records(content)
    for number, record in records:
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
