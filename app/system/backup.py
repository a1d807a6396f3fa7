"""The whole platform in one file, and back (``kechuang backup`` / ``kechuang restore``).

A backup is a gzip-compressed tar:

    database/<table>.jsonl      every table, as ``app.system.dump`` writes it
    attachments/<xx>/<sha256>   every stored file (see ``app.core.attachments``)
    manifest.json               format, time, schema revision, dialect, each table's columns and
                                row count, and the SHA-256 and size of every other member;
                                written last, so a cut-off archive has none

The database is copied logically, table by table, inside one read transaction (REPEATABLE READ
on PostgreSQL): one code path for both engines, no client binaries whose version must match the
server's, and a copy that loads into either engine (SQLite to PostgreSQL and back).

Restore unpacks and checks the whole archive into a staging folder before it writes anything:
the manifest, every checksum, the schema revision (the code's head, or an older one, which is
restored as it was and then migrated to the head), the dialect, and that the target holds no
data unless ``force``. The database is then rebuilt in one transaction (PostgreSQL) or in a new
file that replaces the old one (SQLite), and the attachments folder is swapped in by renaming.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from alembic import command
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from app.core import migrate
from app.core.db import build_engine, utcnow
from app.system import dump

FORMAT = "kechuang-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
_FILES_PER_REPORT = 500

Progress = Callable[[str], None]


def _silent(_: str) -> None:
    pass


class BackupError(Exception):
    """A backup or restore that was refused or failed; it wrote nothing."""


class FileEntry(BaseModel):
    sha256: str
    size: int


class ColumnEntry(BaseModel):
    name: str
    kind: Literal["datetime", "date", "time", "decimal", "json", "bytes", "value"]


class TableEntry(BaseModel):
    rows: int
    columns: list[ColumnEntry]


class DatabaseEntry(BaseModel):
    dialect: str
    server_version: str
    tables: dict[str, TableEntry]


class PlatformEntry(BaseModel):
    version: str
    alembic_revision: str


class AttachmentsEntry(BaseModel):
    files: int
    bytes: int
    missing: int


class Manifest(BaseModel):
    format: Literal["kechuang-backup"]
    format_version: int
    created_at: datetime
    platform: PlatformEntry
    database: DatabaseEntry
    attachments: AttachmentsEntry
    files: dict[str, FileEntry]


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    rows: int
    files: int
    bytes: int
    revision: str
    upgraded_from: str | None = None


# ---------------------------------------------------------------------------------------------
# backup


def create_backup(
    database_url: str, attachments_dir: Path, out: Path, *, progress: Progress = _silent
) -> Summary:
    """Write the database and the attachments to one archive at ``out`` (or inside it, a folder)."""
    if out.is_dir():
        out = out / f"kechuang-backup-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
    if out.exists():
        raise BackupError(f"文件已存在，不会覆盖：{out}（file exists）")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kechuang-backup-", dir=out.parent))
    partial = out.with_name(f".{out.name}.part")
    engine = build_engine(database_url)
    try:
        database, referenced = _dump_database(engine, staging, progress)
        stored = _stored_files(attachments_dir)
        missing = len(referenced - {path.name for path in stored})
        if missing:
            progress(f"提示：{missing} 个附件记录的文件不在附件目录中（已丢失，备份里也没有）")
        files: dict[str, FileEntry] = {}
        with tarfile.open(partial, "w:gz") as tar:
            for name in database.tables:
                _add(tar, staging / "database" / f"{name}.jsonl", f"database/{name}.jsonl", files)
            for done, path in enumerate(stored, 1):
                arcname = "attachments/" + path.relative_to(attachments_dir).as_posix()
                _add(tar, path, arcname, files)
                if done % _FILES_PER_REPORT == 0 or done == len(stored):
                    progress(f"附件：{done}/{len(stored)} 个文件")
            attachment_bytes = sum(files[n].size for n in files if n.startswith("attachments/"))
            manifest = Manifest(
                format=FORMAT,
                format_version=FORMAT_VERSION,
                created_at=utcnow(),
                platform=PlatformEntry(
                    version=_platform_version(), alembic_revision=database.revision
                ),
                database=database.entry,
                attachments=AttachmentsEntry(
                    files=len(stored), bytes=attachment_bytes, missing=missing
                ),
                files=files,
            )
            data = json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False, indent=1)
            _add_bytes(tar, MANIFEST, data.encode("utf-8"))
        os.replace(partial, out)
    finally:
        engine.dispose()
        shutil.rmtree(staging, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return Summary(
        path=out,
        tables=len(database.tables),
        rows=sum(t.rows for t in database.tables.values()),
        files=len(stored),
        bytes=out.stat().st_size,
        revision=database.revision,
    )


@dataclass
class _Dumped:
    revision: str
    entry: DatabaseEntry

    @property
    def tables(self) -> dict[str, TableEntry]:
        return self.entry.tables


def _dump_database(engine: Engine, staging: Path, progress: Progress) -> tuple[_Dumped, set[str]]:
    folder = staging / "database"
    folder.mkdir()
    with dump.snapshot(engine) as conn:
        revision = dump.current_revision(conn)
        if revision is None:
            raise BackupError("数据库还没有建表（没有迁移版本），请先运行 kechuang migrate")
        tables: dict[str, TableEntry] = {}
        for table in dump.data_tables(conn):
            with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as fh:
                rows = dump.dump_table(conn, table, fh)
            tables[table.name] = TableEntry.model_validate(
                {"rows": rows, "columns": dump.columns_of(table)}
            )
            progress(f"表 {table.name}：{rows} 行")
        referenced: set[str] = set()
        if "attachment" in tables:
            referenced = set(conn.scalars(sa.text("SELECT DISTINCT sha256 FROM attachment")))
        version = ".".join(str(n) for n in conn.dialect.server_version_info or ())
        entry = DatabaseEntry(dialect=conn.dialect.name, server_version=version, tables=tables)
    return _Dumped(revision=revision, entry=entry), referenced


def _stored_files(attachments_dir: Path) -> list[Path]:
    if not attachments_dir.is_dir():
        return []
    # A ".part" file is an upload still being written; the finished file replaces it.
    return sorted(p for p in attachments_dir.rglob("*") if p.is_file() and p.suffix != ".part")


def _add(tar: tarfile.TarFile, path: Path, arcname: str, files: dict[str, FileEntry]) -> None:
    """Add one file and record its checksum, reading it once."""
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    files[arcname] = FileEntry(sha256=reader.digest.hexdigest(), size=info.size)


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


class _HashingReader:
    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.digest.update(chunk)
        return chunk


def _platform_version() -> str:
    try:
        return metadata.version("kechuang")
    except metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------------------------
# restore


def restore_backup(
    archive: Path,
    database_url: str,
    attachments_dir: Path,
    *,
    force: bool = False,
    progress: Progress = _silent,
) -> Summary:
    """Replace the database and the attachments with the archive's, or refuse and write nothing."""
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}（no such file）")
    url = make_url(database_url)
    dialect = url.get_backend_name()
    if dialect not in DIALECTS:
        raise BackupError(f"不支持恢复到 {dialect} 数据库，只支持 SQLite 和 PostgreSQL")
    if dialect == "sqlite" and url.database in {None, "", ":memory:"}:
        raise BackupError("恢复需要一个 SQLite 数据库文件，不能是内存数据库")
    attachments_dir = attachments_dir.resolve()
    problems = target_problems(database_url, attachments_dir)
    if problems and not force:
        found = "；".join(problems)
        raise BackupError(
            f"目标不是空的：{found}。恢复会整体替换它们；确认无误后加 --force 重试。"
            "（The target is not empty; rerun with --force to replace it.）"
        )
    if problems:
        progress("--force：校验通过后将整体替换目标（" + "；".join(problems) + "）")
    attachments_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kechuang-restore-", dir=attachments_dir.parent))
    try:
        manifest = _unpack(archive, staging, progress)
        upgrade = _check_manifest(manifest, dialect, progress)
        staged_files = staging / "attachments"
        staged_files.mkdir(exist_ok=True)

        def load(conn: Connection) -> tuple[int, int]:
            return _load(conn, manifest, staging / "database", upgrade, progress)

        if dialect == "postgresql":
            tables, rows = _restore_postgresql(database_url, load, staged_files, attachments_dir)
        else:
            assert url.database is not None
            tables, rows = _restore_sqlite(Path(url.database), load, staged_files, attachments_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    revision = manifest.platform.alembic_revision
    return Summary(
        path=archive,
        tables=tables,
        rows=rows,
        files=manifest.attachments.files,
        bytes=manifest.attachments.bytes,
        revision=migrate.head_revision() if upgrade else revision,
        upgraded_from=revision if upgrade else None,
    )


def target_problems(database_url: str, attachments_dir: Path) -> list[str]:
    """Why the target is not empty (none: nothing would be lost by restoring into it).

    Empty means no tables at all, or the platform's tables with no account and no organisation
    (a database just built by ``kechuang migrate``, which holds only reference data), and an
    attachments folder with no file.
    """
    problems: list[str] = []
    url = make_url(database_url)
    engine: Engine | None = None
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if path.is_file() and path.stat().st_size > 0:
            uri = path.absolute().as_uri() + "?mode=ro"  # look without creating or writing
            engine = sa.create_engine(
                "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=sa.NullPool
            )
    else:
        engine = build_engine(database_url)
    if engine is not None:
        try:
            with engine.connect() as conn:
                problems += _database_usage(conn)
        finally:
            engine.dispose()
    files = len(_stored_files(attachments_dir))
    if files:
        problems.append(f"附件目录 {attachments_dir} 里已有 {files} 个文件")
    return problems


def _database_usage(conn: Connection) -> list[str]:
    names = set(sa.inspect(conn).get_table_names())
    if not names:
        return []
    if not {dump.VERSION_TABLE, "user", "organization"} <= names:
        return [f"数据库里有 {len(names)} 张表，但不是本平台的数据库"]
    users = conn.scalar(sa.text('SELECT count(*) FROM "user"')) or 0
    orgs = conn.scalar(sa.text("SELECT count(*) FROM organization")) or 0
    return [f"数据库里已有 {users} 个账号、{orgs} 个机构"] if users or orgs else []


def _unpack(archive: Path, staging: Path, progress: Progress) -> Manifest:
    """Extract every member into ``staging`` and check it against the manifest."""
    found: dict[str, FileEntry] = {}
    raw_manifest: bytes | None = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = member.name
                if name in found or (name == MANIFEST and raw_manifest is not None):
                    raise BackupError(f"备份里 {name} 出现了两次，文件已被改动")
                source = tar.extractfile(member) if member.isfile() else None
                if source is None or not (name == MANIFEST or _allowed_name(name)):
                    raise BackupError(f"备份里有不应出现的条目：{name}")
                if name == MANIFEST:
                    raw_manifest = source.read(_MAX_MANIFEST_BYTES)
                    continue
                found[name] = _extract(source, staging.joinpath(*name.split("/")))
                if len(found) % _FILES_PER_REPORT == 0:
                    progress(f"已读取并校验 {len(found)} 个文件")
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(
            f"备份文件已损坏或不完整，无法读取（archive damaged or truncated: {exc}）"
        ) from exc
    manifest = _parse_manifest(raw_manifest)
    missing = sorted(set(manifest.files) - set(found))
    extra = sorted(set(found) - set(manifest.files))
    wrong = sorted(n for n, e in manifest.files.items() if n in found and found[n] != e)
    for names, what in (
        (missing, "清单中列出、备份里却没有的文件"),
        (extra, "清单之外的文件"),
        (wrong, "校验和不符的文件（内容已损坏或被改动）"),
    ):
        if names:
            shown = "、".join(names[:5]) + (f" 等 {len(names)} 个" if len(names) > 5 else "")
            raise BackupError(f"备份未通过校验：{what}：{shown}（checksum verification failed）")
    for table in manifest.database.tables:
        if f"database/{table}.jsonl" not in manifest.files:
            raise BackupError(f"备份未通过校验：清单中缺少表 {table} 的数据文件")
    progress(f"备份已校验：{len(found)} 个文件的校验和全部一致")
    return manifest


def _allowed_name(name: str) -> bool:
    parts = name.split("/")
    return (
        parts[0] in {"database", "attachments"}
        and len(parts) >= 2
        and "\\" not in name
        and all(part not in {"", ".", ".."} for part in parts)
    )


def _extract(source: Any, dest: Path) -> FileEntry:
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with dest.open("wb") as fh:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            fh.write(chunk)
    return FileEntry(sha256=digest.hexdigest(), size=size)


def _parse_manifest(raw: bytes | None) -> Manifest:
    if raw is None:
        raise BackupError(
            f"备份里没有清单 {MANIFEST}：文件不完整，或不是本平台的备份（manifest missing）"
        )
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BackupError(f"备份的清单 {MANIFEST} 无法读取（manifest unreadable）") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("这不是本平台的备份文件（not a kechuang backup）")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本为 {data.get('format_version')}，本程序只能恢复版本 {FORMAT_VERSION}"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise BackupError(f"备份的清单内容不完整（manifest invalid）：{exc.errors()[0]}") from exc


def _check_manifest(manifest: Manifest, target_dialect: str, progress: Progress) -> bool:
    """Refuse an archive this code cannot restore; return whether to migrate it afterwards."""
    source = manifest.database.dialect
    if source not in DIALECTS:
        raise BackupError(
            f"备份来自 {source} 数据库，本平台只能恢复 SQLite 或 PostgreSQL 的备份（dialect mismatch）"
        )
    if source != target_dialect:
        progress(f"备份来自 {DIALECTS[source]}，将恢复到 {DIALECTS[target_dialect]}")
    revision, head = manifest.platform.alembic_revision, migrate.head_revision()
    if revision == head:
        return False
    if revision in migrate.older_revisions():
        progress(f"备份的数据库结构版本 {revision} 较旧，恢复后将升级到当前版本 {head}")
        return True
    raise BackupError(
        f"备份的数据库结构版本 {revision} 不在本程序的迁移记录里（当前版本 {head}）："
        "备份可能来自更新的平台版本，请用那个版本恢复（schema revision mismatch）"
    )


def _load(
    conn: Connection, manifest: Manifest, folder: Path, upgrade: bool, progress: Progress
) -> tuple[int, int]:
    """Build the schema at the archive's revision, load every table, migrate to the head."""
    revision = manifest.platform.alembic_revision
    expected = manifest.database.tables
    dump.drop_all(conn)
    command.upgrade(migrate.alembic_config(connection=conn), revision)
    tables = dump.data_tables(conn)
    if {t.name for t in tables} != set(expected):
        differ = sorted({t.name for t in tables} ^ set(expected))
        raise BackupError(f"备份的表与数据库版本 {revision} 的结构不符：{'、'.join(differ)}")
    dump.clear(conn, tables)
    total = 0
    for table in tables:
        entry = expected[table.name]
        columns = [c.model_dump() for c in entry.columns]
        if {c["name"] for c in columns} != set(table.columns.keys()):
            raise BackupError(f"备份中表 {table.name} 的列与数据库版本 {revision} 的结构不符")
        try:
            with (folder / f"{table.name}.jsonl").open(encoding="utf-8") as fh:
                rows = dump.load_table(conn, table, columns, fh)
        except (ValueError, TypeError, sa.exc.DBAPIError) as exc:
            raise BackupError(f"表 {table.name} 的数据无法载入：{exc}") from exc
        if rows != entry.rows:
            raise BackupError(f"表 {table.name} 有 {rows} 行，清单记的是 {entry.rows} 行")
        total += rows
        progress(f"表 {table.name}：{rows} 行")
    dump.reset_sequences(conn, tables)
    if upgrade:
        progress("升级数据库结构……")
        command.upgrade(migrate.alembic_config(connection=conn), "head")
    return len(tables), total


def _restore_postgresql(
    database_url: str,
    load: Callable[[Connection], tuple[int, int]],
    staged_files: Path,
    attachments_dir: Path,
) -> tuple[int, int]:
    """One transaction: the old tables are dropped and the new ones filled, or nothing is."""
    engine = build_engine(database_url)
    try:
        with engine.connect() as conn:
            transaction = conn.begin()
            try:
                conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
                counts = load(conn)
                _swap_folder(staged_files, attachments_dir, transaction.commit)
            finally:
                if transaction.is_active:
                    transaction.rollback()
    finally:
        engine.dispose()
    return counts


def _restore_sqlite(
    path: Path,
    load: Callable[[Connection], tuple[int, int]],
    staged_files: Path,
    attachments_dir: Path,
) -> tuple[int, int]:
    """Fill a new file next to the database, then rename it over the old one."""
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.restore-{secrets.token_hex(4)}")
    engine = build_engine(f"sqlite:///{fresh}")
    try:
        with engine.connect() as conn, conn.begin():
            counts = load(conn)
        engine.dispose()  # the last connection closing folds the WAL into the file
        _swap_folder(staged_files, attachments_dir, lambda: _replace_sqlite(fresh, path))
    finally:
        engine.dispose()
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
            leftover.unlink(missing_ok=True)
    return counts


def _replace_sqlite(fresh: Path, path: Path) -> None:
    if path.exists():
        # Fold the old database's WAL into its file first: a WAL left beside the new file
        # would be replayed onto it.
        with closing(sqlite3.connect(path)) as old:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(fresh, path)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _swap_folder(staged: Path, target: Path, commit: Callable[[], None]) -> None:
    """Put ``staged`` in place of ``target`` and run ``commit``; undo the swap if it fails."""
    aside = target.with_name(f".{target.name}.replaced-{secrets.token_hex(4)}")
    had_target = target.exists()
    if had_target:
        target.rename(aside)
    try:
        staged.rename(target)
    except BaseException:
        if had_target:
            aside.rename(target)
        raise
    try:
        commit()
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        if had_target:
            aside.rename(target)
        raise
    if had_target:
        shutil.rmtree(aside, ignore_errors=True)
