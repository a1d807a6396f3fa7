"""Bounds on a spreadsheet someone uploads, checked before and while it is read.

A 300 KB .xlsx can unpack to gigabytes (a zip bomb); a CSV can carry one cell of megabytes or
a million rows. Each is refused with a Chinese message naming the bound, before the file is
unpacked or while its rows are counted, so reading an upload never costs more than the bounds.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_XLSX_MEMBERS = 200


class TableTooLarge(ValueError):
    """The upload is over a bound; the message says which, in Chinese."""


def check_xlsx_container(content: bytes) -> None:
    """Refuse an .xlsx whose parts would unpack past the bound (the sizes its zip declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return  # not a zip: openpyxl will say it cannot read the file
    if len(members) > MAX_XLSX_MEMBERS:
        raise TableTooLarge(f"Excel 文件包含的部件过多（超过 {MAX_XLSX_MEMBERS} 个），无法导入")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableTooLarge(
            f"Excel 文件解压后超过 {MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)} MB，"
            "请删除无关的工作表或图片，或另存为 CSV 后再导入"
        )


def bounded_rows(
    rows: Iterable[Sequence[Any]], *, first_number: int = 2
) -> Iterator[tuple[int, list[Any]]]:
    """Number the rows as a spreadsheet does and stop at the bounds (TableTooLarge).

    A CSV cell over the ``csv`` module's field limit is refused with its row, not a crash.
    """
    number = first_number - 1
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TableTooLarge(
                f"第{number + 1}行有一个单元格超过 {csv.field_size_limit():,} 个字符，无法导入"
            ) from exc
        number += 1
        if number - first_number + 1 > MAX_ROWS:
            raise TableTooLarge(f"一次最多导入 {MAX_ROWS:,} 行，请把文件拆分后分批导入")
        cells = list(row)
        if len(cells) > MAX_COLUMNS and any(c not in (None, "") for c in cells[MAX_COLUMNS:]):
            raise TableTooLarge(f"第{number}行超过 {MAX_COLUMNS} 列，请只保留模板中的列")
        yield number, cells[:MAX_COLUMNS]
