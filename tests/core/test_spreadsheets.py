"""The shared spreadsheet writer: formula-like text is inert, everything else as it was."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core.spreadsheets import SheetColumn, csv_bytes, neutralise, unguard, xlsx_bytes

DANGEROUS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|'/C calc'!A0"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_neutralised_and_read_back(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert unguard(neutralise(text)) == text


@pytest.mark.parametrize("value", ["长春", "'引号开头", "", -5, Decimal("-1.50"), 3.5, None])
def test_other_values_pass_unchanged(value: object) -> None:
    assert neutralise(value) == value


def test_csv_keeps_numbers_and_guards_text() -> None:
    content = csv_bytes(["名称", "金额"], [["=1+1", Decimal("-12.50")], ["普通", -3]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["名称", "金额"], ["'=1+1", "-12.50"], ["普通", "-3"]]


def test_xlsx_text_is_text_and_numbers_are_numbers() -> None:
    content = xlsx_bytes(
        "测试",
        ["名称", SheetColumn("金额", width=14, number_format="#,##0.00"), "日期"],
        [["=1+1", Decimal("-12.50"), date(2026, 1, 31)], ["-负号开头", 7, None]],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    first, second = sheet[2], sheet[3]
    assert (first[0].value, first[0].data_type, first[0].quotePrefix) == ("=1+1", "s", True)
    assert first[1].data_type == "n" and first[1].value == -12.5
    assert first[1].number_format == "#,##0.00"
    assert first[2].is_date
    assert second[0].value == "-负号开头" and second[0].data_type == "s"
    assert second[1].value == 7
