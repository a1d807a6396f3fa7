"""The open-data catalogue of published listings: CSV and Excel at stable addresses, read back."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.listings.catalogue import DICTIONARY
from app.models.enums import ListingKind, ListingStatus, OrgType
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing


def test_published_listings_are_downloadable_with_their_dictionary(
    client: TestClient, session: Session
) -> None:
    org = make_org(session, name="吉林开放数据大学", org_type=OrgType.UNIVERSITY)
    owner = make_user(session, org=org)
    achievement = make_listing(session, org, owner, title="高功率光纤激光焊接头")
    demand = make_listing(session, org, owner, kind=ListingKind.DEMAND, title="焊接变形控制")
    make_listing(session, org, owner, title="尚未发布的成果", status=ListingStatus.SUBMITTED)
    session.flush()

    page = client.get("/open-data")
    assert page.status_code == 200
    assert "/open-data/listings.csv" in page.text and "/open-data/listings.xlsx" in page.text
    assert "转让参考价（元）" in page.text  # the data dictionary

    exported = client.get("/open-data/listings.csv")
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [header for _k, header, _m, _d in DICTIONARY]
    by_id = {row["编号"]: row for row in rows}
    assert set(by_id) == {str(achievement.id), str(demand.id)}  # published ones only
    row = by_id[str(achievement.id)]
    assert row["名称"] == "高功率光纤激光焊接头" and row["类别"] == "科技成果"
    assert row["发布机构"] == "吉林开放数据大学" and row["关键词"] == "激光、焊接"
    assert row["转让参考价（元）"] == "800000.00" and row["成熟度"]
    assert "王工" not in exported.content.decode("utf-8-sig")  # no contacts
    assert by_id[str(demand.id)]["类别代码"] == "demand"

    xlsx = client.get("/open-data/listings.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [header for _k, header, _m, _d in DICTIONARY]
    assert {str(v[0]) for v in values[1:]} == {str(achievement.id), str(demand.id)}
    price = next(v[12] for v in values[1:] if str(v[0]) == str(achievement.id))
    assert float(price) == 800000.0

    assert client.get("/open-data/listings.json").status_code == 404
