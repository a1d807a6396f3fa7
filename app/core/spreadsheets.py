"""The one writer of every exported spreadsheet (CSV and Excel .xlsx).

Text a spreadsheet program would run as a formula — cells starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (CSV/formula injection) — is written as inert text: in CSV
with a leading apostrophe, in Excel as a string cell marked "quote prefix" (Excel shows the
text as typed and keeps it text when the cell is edited). Numbers, dates and booleans are
written as themselves, so sums and sorting still work.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# With a BOM, Excel opens UTF-8 CSV without mangling the Chinese.
CSV_BOM = b"\xef\xbb\xbf"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SheetColumn:
    """A column of an Excel sheet: its header, and optionally a width and a number format."""

    header: str
    width: float | None = None
    number_format: str | None = None


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise(value: Any) -> Any:
    """A CSV cell value that no spreadsheet program runs: formula-like text gets an apostrophe."""
    return "'" + value if is_formula_like(value) else value


def unguard(text: str) -> str:
    """Undo :func:`neutralise` on a cell read back from a file the platform exported."""
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV file (with BOM) of ``headers`` and ``rows``, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return CSV_BOM + out.getvalue().encode("utf-8")


def xlsx_bytes(
    title: str,
    columns: Sequence[str | SheetColumn],
    rows: Iterable[Sequence[Any]],
    *,
    bold_header: bool = False,
    freeze_header: bool = False,
) -> bytes:
    """An Excel workbook with one sheet; text cells are always text, never formulas.

    Written in openpyxl's write-only mode, so a large export streams row by row.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cols = [c if isinstance(c, SheetColumn) else SheetColumn(c) for c in columns]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit for a sheet name
    # Write-only sheets take widths and panes before the first row only.
    for index, col in enumerate(cols, start=1):
        if col.width is not None:
            sheet.column_dimensions[get_column_letter(index)].width = col.width
    if freeze_header:
        sheet.freeze_panes = "A2"

    def cell(value: Any, col: SheetColumn | None, font: Any = None) -> Any:
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"  # never a formula, whatever the text starts with
            if is_formula_like(value):
                item.quotePrefix = True
        if col is not None and col.number_format:
            item.number_format = col.number_format
        if font is not None:
            item.font = font
        return item

    header_font = Font(bold=True) if bold_header else None
    sheet.append([cell(c.header, None, header_font) for c in cols])
    for row in rows:
        sheet.append([cell(v, cols[i] if i < len(cols) else None) for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
