"""kechuang backup / restore on real databases: committed data in databases of their own.

The shared test database rolls every test back, so a backup could not see its data: each test
here makes its own databases (SQLite files, or PostgreSQL databases created next to the test
database when KC_TEST_DATABASE_URL is set) and drops them afterwards.
"""

from __future__ import annotations

import io
import secrets
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app.cli import cli
from app.core import attachments
from app.core.audit import Actor
from app.core.config import get_settings
from app.core.db import build_engine, build_sessionmaker, session_scope
from app.core.migrate import alembic_config, head_revision, upgrade
from app.models import Listing, Organization
from app.models.enums import ListingKind, ListingStatus
from app.system import dump
from app.system.backup import MANIFEST, BackupError, create_backup, restore_backup
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.listings.test_attachments import PDF, PNG

runner = CliRunner()


@contextmanager
def new_database(database_url: str, folder: Path) -> Iterator[str]:
    """An empty database of the test run's engine, dropped afterwards."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{folder / f'db-{secrets.token_hex(4)}.sqlite'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_bk_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def contents(url: str) -> dict[str, str]:
    """Every row of every table, as the backup writes them: equal means identical data."""
    engine = build_engine(url)
    try:
        with dump.snapshot(engine) as conn:
            out: dict[str, str] = {}
            for table in dump.data_tables(conn):
                buffer = io.StringIO()
                dump.dump_table(conn, table, buffer)
                out[table.name] = buffer.getvalue()
            out["alembic_version"] = dump.current_revision(conn) or ""
            return out
    finally:
        engine.dispose()


def files_in(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@dataclass
class Source:
    url: str
    var_dir: Path
    archive: Path
    rows: dict[str, str]

    @property
    def attachments(self) -> Path:
        return self.var_dir / "attachments"


@contextmanager
def var_dir_set(path: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KC_VAR_DIR", str(path))
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()


def fill(url: str) -> None:
    """Organisations, people, listings and stored files, committed."""
    engine = build_engine(url)
    try:
        with session_scope(build_sessionmaker(engine)) as session:
            org = make_org(session, name="长春备份光电有限公司")
            admin = make_user(session, org=org, name="备份管理员", email="backup@example.cn")
            achievement = make_listing(session, org, admin, title="激光焊接头（备份）")
            make_listing(session, org, admin, kind=ListingKind.DEMAND, status=ListingStatus.DRAFT)
            for category, name, data in (("image", "照片.png", PNG), ("document", "说明.pdf", PDF)):
                attachments.store(
                    session,
                    Actor(user=admin),
                    owner_type="listing",
                    owner_id=achievement.id,
                    category=category,
                    filename=name,
                    data=data,
                )
            # One SQL NULL beside the JSON nulls the audit trail writes: both must survive as such.
            session.execute(sa.text("UPDATE audit_event SET before = NULL WHERE id = 1"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def source(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    """A database at the head with committed data and files, and its backup."""
    folder = tmp_path_factory.mktemp("backup-source")
    with new_database(database_url, folder) as url:
        upgrade(url)
        var_dir = folder / "var"
        with var_dir_set(var_dir):
            fill(url)
        archive = folder / "backup.tar.gz"
        create_backup(url, var_dir / "attachments", archive)
        yield Source(url=url, var_dir=var_dir, archive=archive, rows=contents(url))


@pytest.fixture
def target(database_url: str, tmp_path: Path) -> Iterator[str]:
    with new_database(database_url, tmp_path) as url:
        yield url


def rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of the archive with members changed (``None`` drops one)."""
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(out, "w:gz") as new:
        for member in tar:
            reader = tar.extractfile(member)
            assert reader is not None
            data = change(member.name, reader.read())
            if data is not None:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
    return out


def edit_manifest(old: str, new: str) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        assert old.encode() in data
        return data.replace(old.encode(), new.encode())

    return change


class TestRoundTrip:
    def test_restore_gives_back_every_row_and_file(
        self, source: Source, target: str, tmp_path: Path
    ) -> None:
        files = tmp_path / "var" / "attachments"
        summary = restore_backup(source.archive, target, files)

        assert contents(target) == source.rows
        assert files_in(files) == files_in(source.attachments)
        assert len(files_in(files)) == 2 and summary.files == 2
        assert summary.revision == head_revision() and summary.upgraded_from is None
        engine = build_engine(target)
        try:
            with session_scope(build_sessionmaker(engine)) as session:
                titles = set(session.scalars(sa.select(Listing.title)))
                nulls = session.execute(
                    sa.text(
                        "SELECT count(*) - count(before),"
                        " sum(CASE WHEN CAST(before AS TEXT) = 'null' THEN 1 ELSE 0 END)"
                        " FROM audit_event"
                    )
                ).one()
                assert tuple(nulls) == (1, 1)  # SQL NULL and JSON null kept apart
                assert "激光焊接头（备份）" in titles
                # New rows get fresh ids (PostgreSQL's sequences moved past the restored ids).
                extra = make_org(session, name="恢复后新建的机构")
                assert extra.id > max(
                    session.scalars(sa.select(Organization.id).where(Organization.id != extra.id))
                )
        finally:
            engine.dispose()

        with pytest.raises(BackupError, match=r"不是空的.*1 个账号、2 个机构.*--force"):
            restore_backup(source.archive, target, files)
        restore_backup(source.archive, target, files, force=True)
        assert contents(target) == source.rows

    def test_restores_into_sqlite_whatever_engine_made_it(
        self, source: Source, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        restore_backup(source.archive, url, tmp_path / "attachments")
        assert contents(url) == source.rows

    def test_an_older_revision_is_restored_then_migrated(
        self, database_url: str, tmp_path: Path
    ) -> None:
        script = ScriptDirectory.from_config(alembic_config())
        head = script.get_revision(head_revision())
        older = head.down_revision
        assert isinstance(older, str)
        with new_database(database_url, tmp_path) as old_url:
            upgrade(old_url, older)
            archive = tmp_path / "old.tar.gz"
            create_backup(old_url, tmp_path / "none", archive)
            before = contents(old_url)
            with new_database(database_url, tmp_path) as url:
                summary = restore_backup(archive, url, tmp_path / "attachments")
                after = contents(url)
        assert summary.upgraded_from == older and summary.revision == head_revision()
        assert after["alembic_version"] == head_revision()
        assert after["taxonomy_term"] == before["taxonomy_term"]


class TestRefused:
    @pytest.mark.parametrize(
        ("damage", "message"),
        [
            ("tampered", "校验和不符的文件"),
            ("truncated", "不完整"),
            ("no-manifest", "没有清单"),
            ("extra-file", "清单之外的文件"),
            ("not-an-archive", "已损坏或不完整"),
        ],
    )
    def test_a_damaged_archive_writes_nothing(
        self, source: Source, tmp_path: Path, damage: str, message: str
    ) -> None:
        bad = tmp_path / "bad.tar.gz"
        if damage == "tampered":
            rewrite(source.archive, bad, lambda n, d: d.replace("激光".encode(), "雷射".encode()))
        elif damage == "truncated":
            data = source.archive.read_bytes()
            bad.write_bytes(data[: len(data) * 2 // 3])
        elif damage == "no-manifest":
            rewrite(source.archive, bad, lambda n, d: None if n == MANIFEST else d)
        elif damage == "extra-file":
            with tarfile.open(source.archive, "r:gz") as tar, tarfile.open(bad, "w:gz") as new:
                for member in tar:
                    new.addfile(member, tar.extractfile(member))
                info = tarfile.TarInfo("attachments/ab/abcdef")
                info.size = 3
                new.addfile(info, io.BytesIO(b"bad"))
        else:
            bad.write_bytes(b"PK\x03\x04 not a backup")
        self.assert_refused_untouched(source, bad, message)

    def test_an_unknown_revision_is_refused(self, source: Source, tmp_path: Path) -> None:
        bad = rewrite(
            source.archive, tmp_path / "new.tar.gz", edit_manifest(head_revision(), "0123456789ab")
        )
        self.assert_refused_untouched(source, bad, "0123456789ab 不在本程序的迁移记录里")

    def test_another_database_engine_is_refused(self, source: Source, tmp_path: Path) -> None:
        dialect = make_url(source.url).get_backend_name()
        bad = rewrite(
            source.archive,
            tmp_path / "mysql.tar.gz",
            edit_manifest(f'"dialect": "{dialect}"', '"dialect": "mysql"'),
        )
        self.assert_refused_untouched(source, bad, "备份来自 mysql 数据库")

    @staticmethod
    def assert_refused_untouched(source: Source, archive: Path, message: str) -> None:
        """Even with --force over a database in use, a refused archive changes nothing."""
        files = files_in(source.attachments)
        with pytest.raises(BackupError, match=message):
            restore_backup(archive, source.url, source.attachments, force=True)
        assert contents(source.url) == source.rows
        assert files_in(source.attachments) == files
        leftovers = [p.name for p in source.var_dir.iterdir() if p.name.startswith(".")]
        assert leftovers == []


class TestCommands:
    def test_backup_and_restore_from_the_command_line(
        self, source: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("KC_DATABASE_URL", source.url)
        monkeypatch.setenv("KC_VAR_DIR", str(source.var_dir))
        get_settings.cache_clear()
        made = runner.invoke(cli, ["backup", str(tmp_path)])
        assert made.exit_code == 0, made.output
        assert "表 listing：2 行" in made.output and "2 个附件文件" in made.output
        (archive,) = tmp_path.glob("kechuang-backup-*.tar.gz")
        again = runner.invoke(cli, ["backup", str(archive)])
        assert again.exit_code == 1 and "文件已存在" in again.output

        in_use = runner.invoke(cli, ["restore", str(archive)])
        assert in_use.exit_code == 1
        assert "目标不是空的" in in_use.output and "--force" in in_use.output

        bad = rewrite(archive, tmp_path / "bad.tar.gz", lambda n, d: d.replace(b"PNG", b"GIF"))
        refused = runner.invoke(cli, ["restore", str(bad), "--force"])
        assert refused.exit_code == 1 and "校验和不符" in refused.output

        monkeypatch.setenv("KC_DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'kechuang.db'}")
        monkeypatch.setenv("KC_VAR_DIR", str(tmp_path / "new"))
        get_settings.cache_clear()
        restored = runner.invoke(cli, ["restore", str(archive)])
        get_settings.cache_clear()
        assert restored.exit_code == 0, restored.output
        assert "恢复完成" in restored.output and "kechuang reindex" in restored.output
        assert files_in(tmp_path / "new" / "attachments") == files_in(source.attachments)
