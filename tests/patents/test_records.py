"""Importing patents: every row valid or nothing written, with a report per row and column."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.spreadsheets import csv_bytes
from app.models import Patent, PatentClaim, User
from app.patents import records
from tests.patents.conftest import jsonl, real_patents

HEADERS = [
    "申请号",
    "公开号",
    "标题",
    "摘要",
    "权利要求",
    "主分类号",
    "申请人",
    "发明人",
    "申请日",
    "法律状态",
]


def _csv(rows: list[list[str]]) -> bytes:
    return csv_bytes(HEADERS, rows)


class TestImport:
    def test_jsonl_creates_patents_with_split_claims(
        self, session: Session, searcher: User
    ) -> None:
        rows = real_patents(5)
        report = records.import_file(session, Actor(user=searcher), "p.jsonl", jsonl(rows))
        assert (report.refused, report.created) == (False, 5)
        patent = session.scalar(
            select(Patent).where(Patent.application_no == rows[0]["application_no"])
        )
        assert patent is not None and patent.title == rows[0]["title"]
        claims = records.claims_of(session, patent.id)
        assert claims[0].number == 1 and claims[0].independent
        assert len(claims) > 1 and not claims[1].independent  # 2. 根据权利要求1所述…

    def test_one_bad_row_refuses_the_whole_file(self, session: Session, searcher: User) -> None:
        good = [
            "CN202310000001.1",
            "",
            "一种车载激光雷达点云配准方法",
            "摘要",
            "1.一种方法。",
            "G01S",
            "吉林大学",
            "张三",
            "2023-04-01",
            "审中",
        ]
        bad_date = [
            "CN202310000002.1",
            "",
            "一种电池热管理系统",
            "",
            "",
            "",
            "",
            "",
            "2023年4月",
            "审中",
        ]
        no_title = ["CN202310000003.1", "", "", "", "", "", "", "", "", "有效（已授权）"]
        bad_status = ["CN202310000004.1", "", "一种焊接方法", "", "", "", "", "", "", "作废"]
        report = records.import_file(
            session,
            Actor(user=searcher),
            "p.csv",
            _csv([good, bad_date, no_title, bad_status, good]),
        )
        assert report.refused
        assert "整个文件未写入" in report.summary()
        found = {(e.row, e.column) for e in report.errors}
        assert {(3, "申请日"), (4, "标题"), (5, "法律状态"), (6, "申请号")} <= found
        assert session.scalar(select(func.count(Patent.id))) == 0
        assert session.scalar(select(func.count(PatentClaim.id))) == 0

    def test_reimport_updates_by_application_number(self, session: Session, searcher: User) -> None:
        row = [
            "CN202310000001.1",
            "CN116000001A",
            "一种车载激光雷达点云配准方法",
            "摘要",
            "1.一种方法。2.根据权利要求1所述的方法。",
            "G01S 7/48",
            "吉林大学",
            "张三",
            "2023-04-01",
            "审中",
        ]
        records.import_file(session, Actor(user=searcher), "p.csv", _csv([row]))
        row[9] = "有效（已授权）"
        report = records.import_file(session, Actor(user=searcher), "p.csv", _csv([row]))
        assert (report.created, report.updated) == (0, 1)
        patent = session.scalar(select(Patent))
        assert patent is not None and patent.legal_status.label == "有效（已授权）"
        assert [c.number for c in records.claims_of(session, patent.id)] == [1, 2]

    def test_unknown_column_is_reported(self, session: Session, searcher: User) -> None:
        data = csv_bytes(["申请号", "标题", "颜色"], [["CN1", "一种方法", "红"]])
        report = records.import_file(session, Actor(user=searcher), "p.csv", data)
        assert report.refused and report.errors[0].column == "颜色"


def test_api_refuses_an_unreadable_file_with_the_report(
    client, session: Session, searcher: User
) -> None:  # type: ignore[no-untyped-def]
    from tests.orgs.test_endpoints import bearer

    response = client.post(
        "/api/v1/patents/import",
        headers=bearer(session, searcher),
        files={"file": ("p.csv", bytes([0x81, 0x30, 0xFF, 0xFE]) * 10, "text/csv")},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    report = response.json()["report"]
    assert report["refused"] is True and report["errors"][0]["reason"].startswith("无法识别")
    assert session.scalar(select(func.count(Patent.id))) == 0
    denied = client.post("/api/v1/patents/import", files={"file": ("p.csv", b"a,b", "text/csv")})
    assert denied.status_code == 401
