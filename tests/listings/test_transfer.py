"""Bulk import and export of achievements and demands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.core.audit import Actor
from app.core.errors import PermissionDenied
from app.listings import transfer
from app.listings.transfer import FieldSuggester, Format, RowError
from app.models import Achievement, AuditEvent, Listing, ListingVersion, OutboxMessage
from app.models.enums import ListingKind, ListingStatus, OrgRole, OrgStatus, Role
from app.models.organization import Organization
from app.models.user import User
from app.taxonomy import service as taxonomy
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing

A = ListingKind.ACHIEVEMENT
D = ListingKind.DEMAND

HEADERS = ["外部编号", "成果名称", "成果简介", "技术领域", "成熟度", "转化方式", "价格", "关键词"]


def achievement_row(n: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "external_id": f"CG-{n:04d}",
        "title": f"高功率光纤激光焊接头{n}",
        "summary": "面向新能源汽车电池托盘的高功率光纤激光焊接头，焊缝一致性好。",
        "field": "F1102",
        "maturity": "中试",
        "transfer_modes": "转让、许可",
        "price": "50万",
        "keywords": "激光焊接、电池托盘",
    }
    row.update(overrides)
    return row


_KEYS = ["external_id", "title", "summary", "field", "maturity", "transfer_modes", "price"]


def csv_bytes(rows: list[dict[str, Any]], *, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row.get(k, "") for k in [*_KEYS, "keywords"]])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(k, "") for k in [*_KEYS, "keywords", "org"][: len(headers)]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def count(session: Session, kind: ListingKind = A) -> int:
    return (
        session.scalar(select(func.count()).select_from(Listing).where(Listing.kind == kind)) or 0
    )


@pytest.fixture
def actor(member: User) -> Actor:
    return Actor(user=member)


def run(session: Session, actor: Actor, content: bytes, name: str = "f.csv", **kw: Any):  # type: ignore[no-untyped-def]
    return transfer.import_file(session, actor, A, name, content, **kw)


class TestReading:
    def test_csv_utf8_with_bom(self, session: Session, actor: Actor) -> None:
        report = run(session, actor, csv_bytes([achievement_row(1), achievement_row(2)]))
        assert (report.refused, report.created, report.errors) == (False, 2, [])
        listing = session.scalars(
            select(Achievement).where(Achievement.external_id == "CG-0001")
        ).one()
        assert listing.status == ListingStatus.DRAFT
        assert listing.maturity == "pilot" and listing.transfer_modes == ["assignment", "license"]
        assert listing.price == Decimal("500000.00") and listing.keywords == [
            "激光焊接",
            "电池托盘",
        ]

    def test_csv_utf8_without_bom_and_gb18030(self, session: Session, actor: Actor) -> None:
        plain = run(session, actor, csv_bytes([achievement_row(1)], encoding="utf-8"))
        gbk = run(session, actor, csv_bytes([achievement_row(2)], encoding="gb18030"))
        assert (plain.created, gbk.created) == (1, 1)
        titles = set(session.scalars(select(Listing.title)))
        assert {"高功率光纤激光焊接头1", "高功率光纤激光焊接头2"} <= titles

    def test_xlsx_with_chinese_headers(self, session: Session, actor: Actor) -> None:
        row = achievement_row(1, price=800000, maturity="产业化")
        report = run(session, actor, xlsx_bytes([row]), "成果.xlsx")
        assert report.fmt == Format.XLSX and report.created == 1, report.errors
        listing = session.scalars(select(Achievement)).one()
        assert listing.price == Decimal("800000.00") and listing.maturity == "industrial"

    def test_jsonl_with_english_keys_and_lists(self, session: Session, actor: Actor) -> None:
        row = achievement_row(1, keywords=["激光", "焊接"], transfer_modes=["license"], price=None)
        report = run(session, actor, jsonl_bytes([row]), "a.jsonl")
        assert report.created == 1, report.errors
        listing = session.scalars(select(Achievement)).one()
        assert listing.keywords == ["激光", "焊接"] and listing.price is None

    def test_unknown_columns_are_reported_as_warnings(self, session: Session, actor: Actor) -> None:
        content = xlsx_bytes([achievement_row(1)], [*HEADERS, "备注"])
        report = run(session, actor, content, "a.xlsx")
        assert report.created == 1 and report.warnings == ["未识别的列，已忽略：备注"]

    def test_missing_required_column_refuses_the_file(self, session: Session, actor: Actor) -> None:
        content = "成果名称,关键词\n激光焊接头,激光\n".encode()
        report = run(session, actor, content)
        assert report.refused
        assert report.errors == [RowError(1, "成果简介", "缺少必填列")]
        assert report.summary() == "未导入：文件的表头或格式有误，请按下表修改后重新导入"


BAD_ROWS = [
    achievement_row(1),
    achievement_row(2, title="焊接", maturity="量产"),
    achievement_row(3),
    achievement_row(4, price="五十万", field="不存在的领域"),
    achievement_row(5, external_id="CG-0001"),
]


class TestValidation:
    def test_exact_report_and_nothing_written(self, session: Session, actor: Actor) -> None:
        report = run(session, actor, csv_bytes(BAD_ROWS))
        assert report.refused and report.written == 0 and count(session) == 0
        assert report.errors == [
            RowError(3, "成果名称", "至少需要4个字符"),
            RowError(3, "成熟度", "成熟度应为：实验室、小试、中试、产业化"),
            RowError(5, "价格", "金额格式不正确，请填写数字，例如 500000 或 50万"),
            RowError(5, "技术领域", "技术领域不在分类表中，请填写分类代码或名称，也可留空"),
            RowError(6, "外部编号", "与第2行是同一条信息（外部编号或名称相同）"),
        ]
        assert report.invalid_rows == 3
        assert "5 行中有 3 行有误" in report.summary()

    def test_skip_invalid_writes_only_the_valid_rows(self, session: Session, actor: Actor) -> None:
        report = run(session, actor, csv_bytes(BAD_ROWS), skip_invalid=True)
        assert not report.refused
        assert (report.created, report.skipped, len(report.errors)) == (2, 3, 5)
        assert count(session) == 2

    def test_jsonl_rows_are_numbered_by_line(self, session: Session, actor: Actor) -> None:
        content = b'{"title": "abc"}\nnot json\n' + jsonl_bytes([achievement_row(1)])
        report = run(session, actor, content, "a.jsonl", skip_invalid=True)
        assert [(e.row, e.column) for e in report.errors] == [
            (1, "title"),
            (1, "summary"),
            (2, ""),
        ]
        assert report.created == 1

    def test_past_deadline_and_budget_range(self, session: Session, actor: Actor) -> None:
        rows = [
            {
                "title": "焊接变形控制",
                "summary": "需要解决铝合金焊接变形超差的问题。",
                "deadline": "2020-01-01",
            },
            {
                "title": "焊接变形控制二",
                "summary": "需要解决铝合金焊接变形超差的问题。",
                "budget_min": "50万",
                "budget_max": "20万",
                "deadline": (date.today() + timedelta(days=30)).strftime("%Y年%m月%d日"),
            },
        ]
        report = transfer.import_file(session, actor, D, "d.jsonl", jsonl_bytes(rows))
        assert report.refused
        assert [(e.row, e.column, e.reason) for e in report.errors] == [
            (1, "deadline", "需求截止日期不能早于今天"),
            (2, "", "预算下限不能高于上限"),
        ]

    def test_other_organisation_refused_for_members(self, session: Session, actor: Actor) -> None:
        other = make_org(session, name="别家机构")
        row = achievement_row(1) | {"org": other.name}
        report = run(session, actor, jsonl_bytes([row]), "a.jsonl")
        assert report.errors[0].column == "org" and "只能导入本机构" in report.errors[0].reason

    def test_unverified_organisation_cannot_import(self, session: Session) -> None:
        pending = make_org(session, status=OrgStatus.PENDING)
        user = make_user(session, org=pending)
        with pytest.raises(PermissionDenied):
            run(session, Actor(user=user), csv_bytes([achievement_row(1)]))


class TestIdempotency:
    def test_reimport_creates_no_duplicates(self, session: Session, actor: Actor) -> None:
        content = csv_bytes([achievement_row(1), achievement_row(2)])
        first = run(session, actor, content)
        again = run(session, actor, content)
        assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
        assert count(session) == 2

    def test_changed_rows_are_updated_in_place(self, session: Session, actor: Actor) -> None:
        run(session, actor, csv_bytes([achievement_row(1), achievement_row(2)]))
        changed = csv_bytes([achievement_row(1, price="60万"), achievement_row(2)])
        report = run(session, actor, changed)
        assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
        listing = session.scalars(
            select(Achievement).where(Achievement.external_id == "CG-0001")
        ).one()
        assert listing.price == Decimal("600000.00") and listing.version == 2
        versions = session.scalars(
            select(ListingVersion.note).where(ListingVersion.listing_id == listing.id)
        ).all()
        assert len(versions) == 2

    def test_rows_without_external_id_are_keyed_by_title(
        self, session: Session, actor: Actor, org: Organization
    ) -> None:
        rows = [achievement_row(1, external_id=""), achievement_row(2, external_id="")]
        run(session, actor, csv_bytes(rows))
        spaced = [achievement_row(1, external_id="", title=" 高功率光纤激光焊接头1 ")]
        report = run(session, actor, csv_bytes(spaced))
        assert (report.created, report.unchanged) == (0, 1)
        listing = session.scalars(
            select(Listing).where(Listing.title == "高功率光纤激光焊接头1")
        ).one()
        assert listing.external_id == transfer.stable_key(org.id, A, "高功率光纤激光焊接头1")
        # Full-width digits normalise to the same key: the row updates the same listing.
        wide = [achievement_row(1, external_id="", title="高功率光纤激光焊接头１")]
        report = run(session, actor, csv_bytes(wide))
        assert (report.created, report.updated) == (0, 1)
        assert count(session) == 2

    def test_admin_import_publishes_for_named_orgs(
        self, session: Session, platform_admin: User, org: Organization, org_admin: User
    ) -> None:
        other = make_org(session, name="吉林农业科技有限公司")
        rows = [
            achievement_row(1) | {"org": org.name},
            achievement_row(2) | {"org": other.credit_code},
            achievement_row(3) | {"org": "没有这个机构"},
        ]
        admin = Actor(user=platform_admin)
        report = run(session, admin, jsonl_bytes(rows), "a.jsonl", skip_invalid=True)
        assert (report.created, report.skipped) == (2, 1)
        assert report.errors == [
            RowError(3, "org", "平台上没有这个机构，请填写已注册机构的全称或统一社会信用代码")
        ]
        mine = session.scalars(select(Achievement).where(Achievement.org_id == org.id)).one()
        assert mine.status == ListingStatus.PUBLISHED and mine.published_at is not None
        assert mine.owner_id == org_admin.id  # the organisation's administrator owns it
        theirs = session.scalars(select(Achievement).where(Achievement.org_id == other.id)).one()
        assert theirs.owner_id == platform_admin.id  # nobody there yet
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(mine.id))
        ).all()
        assert events == ["achievement.import_create"]
        queued = [m.payload for m in session.scalars(select(OutboxMessage))]
        assert {"type": "achievement", "id": str(mine.id)} in queued

        again = run(session, admin, jsonl_bytes(rows[:2]), "a.jsonl")
        assert (again.created, again.unchanged) == (0, 2)

    def test_admin_needs_the_org_column(self, session: Session, platform_admin: User) -> None:
        report = run(session, Actor(user=platform_admin), csv_bytes([achievement_row(1)]))
        assert report.refused and report.errors == [RowError(1, "所属机构", "缺少必填列")]


class TestFieldSuggestion:
    @pytest.fixture
    def suggester(self, session: Session) -> FieldSuggester:
        return FieldSuggester(taxonomy.names(session, "field"))

    def test_laser_welding(self, suggester: FieldSuggester) -> None:
        body = "采用光纤激光器实现汽车白车身的高速焊接"
        assert suggester.suggest("激光焊接机器人工作站", body) == "F1102"

    def test_corn_processing(self, suggester: FieldSuggester) -> None:
        body = "以玉米为原料生产高纯度淀粉和膳食纤维，提高附加值"
        assert suggester.suggest("玉米深加工新工艺", body) == "F1001"

    def test_nothing_to_go_on(self, suggester: FieldSuggester) -> None:
        assert suggester.suggest("一种新方法", "具有良好效果") is None

    def test_empty_field_is_suggested_and_must_be_confirmed(
        self, session: Session, actor: Actor
    ) -> None:
        rows = [
            achievement_row(1, field="", title="激光焊接头", keywords=""),
            achievement_row(
                2,
                field="",
                title="玉米深加工技术",
                summary="以玉米为原料的深加工技术，生产淀粉和食品配料。",
                keywords="",
            ),
        ]
        report = run(session, actor, csv_bytes(rows))
        assert report.suggested == 2
        by_title = {x.title: x for x in session.scalars(select(Achievement))}
        assert by_title["激光焊接头"].field_code == "F1102"
        assert by_title["玉米深加工技术"].field_code == "F1001"
        assert all(x.field_suggested for x in by_title.values())
        # The owner confirms it before submitting.
        from app.listings import service

        missing = service.missing_for_submit(by_title["激光焊接头"])
        assert "field_code" in missing


def _rich_achievement(session: Session, org: Organization, owner: User) -> Listing:
    return make_listing(
        session,
        org,
        owner,
        external_id="CG-9",
        confidential=["description"],
        ip_items=[{"type": "patent", "number": "ZL202010000000.1", "title": "一种焊接头"}],
        application_scenarios='=HYPERLINK("http://x")',
        industry_code="auto",
    )


class TestExport:
    @pytest.mark.parametrize("fmt", list(Format))
    def test_round_trip_changes_nothing(
        self, session: Session, org: Organization, member: User, fmt: Format
    ) -> None:
        _rich_achievement(session, org, member)
        make_listing(
            session, org, member, status=ListingStatus.DRAFT, external_id="CG-10", price=None
        )
        make_listing(session, org, member, kind=D, external_id="XQ-1")
        for kind in (A, D):
            data = transfer.export(session, member, kind, {"mine": "1"}, fmt)
            report = transfer.import_file(
                session, Actor(user=member), kind, f"out.{fmt.value}", data
            )
            assert report.errors == [] and report.created == 0 and report.updated == 0
            assert report.unchanged == (2 if kind == A else 1)

    def test_a_past_deadline_already_stored_round_trips(
        self, session: Session, org: Organization, member: User
    ) -> None:
        past = date.today() - timedelta(days=3)
        make_listing(session, org, member, kind=D, external_id="XQ-1", deadline=past)
        data = transfer.export(session, member, D, {"mine": "1"}, "csv")
        report = transfer.import_file(session, Actor(user=member), D, "d.csv", data)
        assert (report.errors, report.unchanged) == ([], 1)

    def test_csv_and_xlsx_use_chinese_headers_and_guard_formulas(
        self, session: Session, org: Organization, member: User
    ) -> None:
        _rich_achievement(session, org, member)
        text = transfer.export(session, member, A, {"mine": "1"}, "csv").decode("utf-8-sig")
        header, row = list(csv.reader(io.StringIO(text)))
        assert header[:3] == ["外部编号", "成果名称", "成果简介"]
        assert '\'=HYPERLINK("http://x")' in row and "激光技术与装备" in row and "中试" in row
        book = load_workbook(io.BytesIO(transfer.export(session, member, A, {"mine": "1"}, "xlsx")))
        sheet = book.active
        assert sheet is not None
        cells = [c.value for c in sheet[2]]
        assert '=HYPERLINK("http://x")' in cells and sheet[2][0].data_type == "s"
        assert not any(c.data_type == "f" for c in sheet[2])

    def test_disclosure(self, session: Session, org: Organization, member: User) -> None:
        _rich_achievement(session, org, member)
        outsider_org = make_org(session)
        outsider = make_user(session, org=outsider_org)

        def record(viewer: User | None) -> dict[str, Any]:
            line = transfer.export(session, viewer, A, {}, "jsonl").decode().strip()
            return dict(json.loads(line))

        public, outside, own = record(None), record(outsider), record(member)
        assert public["title"] == own["title"] == "高功率光纤激光焊接头"
        assert public["price"] == "800000.00" and public["advantages"] is None
        assert public["contact_phone"] is None and public["external_id"] is None
        assert outside["advantages"] == "焊接速度比现有方案提高30%"
        assert outside["description"] is None  # confidential, not granted
        assert outside["contact_phone"] is None and outside["external_id"] is None
        assert own["description"].startswith("详细技术方案") and own["contact_phone"]
        assert own["external_id"] == "CG-9" and own["confidential"] == ["description"]

    def test_visible_columns_follow_the_detail_page(
        self, session: Session, org: Organization, member: User, platform_admin: User
    ) -> None:
        from app.listings import service
        from app.models import ConfidentialAccess
        from app.models.enums import AccessStatus

        listing = _rich_achievement(session, org, member)
        outsider = make_user(session, org=make_org(session))
        granted = make_user(session, org=make_org(session))
        session.add(
            ConfidentialAccess(
                listing_id=listing.id,
                org_id=granted.org_id,
                requested_by_id=granted.id,
                status=AccessStatus.GRANTED,
            )
        )
        broker = make_user(session, role=Role.BROKER)
        session.flush()
        detail = {"description", "advantages", "economic_benefit", "application_scenarios"}
        detail |= {"ip_items", "inventors"}
        for viewer in (None, outsider, granted, broker, member, platform_admin):
            shown = service.view(session, listing, viewer, log_contact=False)
            visible = transfer.visible_columns(session, viewer, listing)
            assert visible & detail == set(shown.data) & detail, viewer
            if "contact_phone" in visible:
                assert "contact_phone" in shown.data

    def test_drafts_only_with_mine_and_filters(
        self, session: Session, org: Organization, member: User
    ) -> None:
        make_listing(session, org, member, external_id="P1")
        make_listing(session, org, member, external_id="P2", field_code="F1001", maturity="lab")
        make_listing(session, org, member, status=ListingStatus.DRAFT, external_id="D1")

        def ids(viewer: User | None, filters: dict[str, Any]) -> list[str]:
            out = transfer.export(session, viewer, A, filters, "jsonl").decode().splitlines()
            return [json.loads(x)["external_id"] or json.loads(x)["title"] for x in out]

        assert len(ids(None, {})) == 2
        assert sorted(ids(member, {"mine": "1"})) == ["D1", "P1", "P2"]
        assert ids(member, {"field": "现代农业与食品"}) == ["P2"]
        assert ids(member, {"maturity": "中试"}) == ["P1"]
        assert ids(member, {"field": "F1102", "transfer_mode": "许可"}) == ["P1"]
        with pytest.raises(PermissionDenied):
            transfer.export(session, None, A, {"mine": "1"}, "csv")

    def test_template_imports_as_example(self, session: Session, actor: Actor) -> None:
        data = transfer.template(A, "xlsx")
        report = run(session, actor, data, "t.xlsx")
        assert report.errors == [] and report.created == 1


class TestCommandLine:
    @pytest.fixture
    def cli_db(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
        from app.core.config import get_settings
        from app.core.db import build_engine, build_sessionmaker
        from app.core.migrate import upgrade

        url = f"sqlite:///{tmp_path / 'cli.db'}"
        monkeypatch.setenv("KC_DATABASE_URL", url)
        get_settings.cache_clear()
        upgrade(url, "head")
        factory = build_sessionmaker(build_engine(url))
        with factory() as session:
            org = make_org(session, name="命令行测试机构")
            make_user(session, role=Role.PLATFORM_ADMIN, email="admin@example.cn")
            make_user(session, org=org, org_role=OrgRole.ADMIN, email="owner@example.cn")
            session.commit()
        yield factory
        get_settings.cache_clear()

    def test_import_refused_then_skip_then_export(self, cli_db: Any, tmp_path: Path) -> None:
        from app.cli import cli

        runner = CliRunner()
        rows = [r | {"org": "命令行测试机构"} for r in BAD_ROWS]
        source = tmp_path / "in.jsonl"
        source.write_bytes(jsonl_bytes(rows))
        refused = runner.invoke(
            cli, ["import", "achievements", str(source), "--as", "admin@example.cn"]
        )
        assert refused.exit_code == 1, refused.output
        assert "未导入" in refused.output and "至少需要4个字符" in refused.output
        done = runner.invoke(
            cli,
            ["import", "achievements", str(source), "--as", "admin@example.cn", "--skip-invalid"],
        )
        assert done.exit_code == 0, done.output
        assert "新增 2 条" in done.output
        out = tmp_path / "out.xlsx"
        exported = runner.invoke(
            cli, ["export", "achievements", str(out), "--field", "激光技术与装备"]
        )
        assert exported.exit_code == 0, exported.output
        sheet = load_workbook(out).active
        assert sheet is not None and sheet.max_row == 3
        with cli_db() as session:
            assert count(session) == 2

    def test_unknown_user(self, cli_db: Any, tmp_path: Path) -> None:
        from app.cli import cli

        source = tmp_path / "in.csv"
        source.write_bytes(csv_bytes([achievement_row(1)]))
        result = CliRunner().invoke(
            cli, ["import", "achievements", str(source), "--as", "nobody@example.cn"]
        )
        assert result.exit_code == 1 and "没有这个用户" in result.output


class TestPages:
    def test_upload_shows_the_report_and_writes_nothing(
        self, client: Any, session: Session, member: User
    ) -> None:
        from tests.factories.fixtures import login, page_csrf

        login(client, member)
        token = page_csrf(client, "/me/import")
        files = {"file": ("成果.csv", csv_bytes(BAD_ROWS), "text/csv")}
        refused = client.post(
            "/me/import", data={"csrf_token": token, "kind": "achievement"}, files=files
        )
        assert refused.status_code == 422
        assert "5 行中有 3 行有误" in refused.text and "至少需要4个字符" in refused.text
        assert "与第2行是同一条信息" in refused.text
        assert count(session) == 0
        done = client.post(
            "/me/import",
            data={"csrf_token": token, "kind": "achievement", "skip_invalid": "1"},
            files=files,
        )
        assert done.status_code == 200 and "新增 2 条" in done.text
        assert count(session) == 2

    def test_upload_needs_csrf_and_admin_page_needs_platform_admin(
        self, client: Any, member: User
    ) -> None:
        from tests.factories.fixtures import login

        login(client, member)
        files = {"file": ("a.csv", csv_bytes([achievement_row(1)]), "text/csv")}
        assert (
            client.post("/me/import", data={"kind": "achievement"}, files=files).status_code == 403
        )
        assert client.get("/admin/import").status_code == 403

    def test_admin_page(self, client: Any, platform_admin: User, org: Organization) -> None:
        from tests.factories.fixtures import login, page_csrf

        login(client, platform_admin)
        page = client.get("/admin/import?kind=demand")
        assert page.status_code == 200 and "需求名称" in page.text
        token = page_csrf(client, "/admin/import")
        rows = [achievement_row(1) | {"org": org.name}]
        files = {"file": ("a.jsonl", jsonl_bytes(rows), "application/x-ndjson")}
        done = client.post(
            "/admin/import", data={"csrf_token": token, "kind": "achievement"}, files=files
        )
        assert done.status_code == 200 and "新增 1 条" in done.text, done.text[
            done.text.find("<main") :
        ][:3000]

    def test_export_links_take_the_list_filters(
        self, client: Any, session: Session, org: Organization, member: User
    ) -> None:
        make_listing(session, org, member, external_id="P1")
        make_listing(session, org, member, external_id="P2", field_code="F1001")
        response = client.get("/achievements/export.jsonl?field=现代农业与食品")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = response.text.strip().splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["field"] == "F1001"
        xlsx = client.get("/demands/export.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert "attachment" in xlsx.headers["content-disposition"]
        assert client.get("/challenges/export.csv").status_code == 404
        assert client.get("/achievements/export.csv?mine=1").status_code == 403
        template = client.get("/achievements/import-template.csv")
        assert template.status_code == 200 and "成果名称*" in template.content.decode("utf-8-sig")


class TestBounds:
    """Uploads past the bounds are refused with a message, before they cost memory."""

    def test_a_csv_cell_over_the_field_limit_is_a_clear_error(
        self, session: Session, actor: Actor
    ) -> None:
        huge = achievement_row(1, summary="长" * 140_000)
        report = run(session, actor, csv_bytes([huge]))
        assert report.refused and count(session) == 0
        assert "第2行有一个单元格超过 131,072 个字符" in report.errors[0].reason

    def test_too_many_rows_are_refused(self, session: Session, actor: Actor) -> None:
        lines = "名称\n" + "\n".join(f"成果{n}" for n in range(10_001))
        report = run(session, actor, lines.encode())
        assert report.refused and "一次最多导入 10,000 行" in report.errors[0].reason

    def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(
        self, session: Session, actor: Actor
    ) -> None:
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (70 * 1024 * 1024))
        assert len(out.getvalue()) < 1024 * 1024  # it compresses to almost nothing
        report = run(session, actor, out.getvalue(), "炸弹.xlsx")
        assert report.refused and "Excel 文件解压后超过 64 MB" in report.errors[0].reason
