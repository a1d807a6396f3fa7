"""The ``kechuang`` command: everything an operator needs without writing Python."""

from __future__ import annotations

import getpass
import logging
import os
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from app.core.config import get_settings

cli = typer.Typer(
    help="科创一网通 — 运维命令。设置通过 KC_ 开头的环境变量读取（见 README）。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _sessionmaker():  # type: ignore[no-untyped-def]
    # Every command's writes follow the domains' rules and keep the figures current.
    import app.registry  # noqa: F401
    from app.core.db import build_engine, build_sessionmaker

    settings = get_settings()
    return build_sessionmaker(
        build_engine(
            settings.resolved_database_url,
            busy_timeout_seconds=settings.sqlite_busy_timeout_seconds,
        )
    )


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听端口")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn 进程数（PostgreSQL 时可多于 1）")] = 1,
    reload: Annotated[bool, typer.Option(help="代码变更时自动重启（开发用）")] = False,
) -> None:
    """启动网站与 API 服务。"""
    import uvicorn

    from app.core.config import UnsafeSettings
    from app.core.urls import served_address

    settings = get_settings()
    try:
        settings.ensure_safe_to_serve()
    except UnsafeSettings as exc:
        typer.echo(f"拒绝启动：{exc}", err=True)
        raise typer.Exit(code=1) from None

    address = served_address(host, port)
    if "base_url" not in settings.model_fields_set:
        # Without KC_BASE_URL, links in mail point where this server answers; the worker
        # processes uvicorn starts inherit the variable.
        os.environ["KC_BASE_URL"] = address
        get_settings.cache_clear()
    # In uvicorn's own format: the log shows it as the server's line it is, not as a warning.
    typer.echo(f"INFO:     科创一网通：{address}（邮件中的链接以 {get_settings().base_url} 开头）")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        # Pages read their templates once per process: restart on a template change too.
        reload_includes=["*.html"] if reload else None,
        proxy_headers=True,
    )


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="目标版本，默认最新")] = "head",
) -> None:
    """执行数据库迁移（建表或升级到最新结构）。"""
    from app.core.migrate import upgrade

    settings = get_settings()
    typer.echo(f"迁移数据库：{settings.resolved_database_url.split('@')[-1]}")
    before, after = upgrade(settings.resolved_database_url, revision)
    if before == after:
        typer.echo(f"数据库已是最新结构（版本 {after}），无需迁移。")
    elif before is None:
        typer.echo(f"已在空数据库中建表（版本 {after}）。")
    else:
        typer.echo(f"已将数据库从版本 {before} 升级到 {after}。")
    if revision == "head":
        _rebuild_statistics(only_if_missing=True)


@cli.command("rebuild-statistics")
def rebuild_statistics() -> None:
    """从业务数据重新统计数据驾驶舱的全部累计数（平时随每次变更自动更新）。"""
    _rebuild_statistics(only_if_missing=False)


def _rebuild_statistics(*, only_if_missing: bool) -> None:
    from app.core.db import session_scope
    from app.statistics import aggregates

    with session_scope(_sessionmaker()) as session:
        conn = session.connection()
        if only_if_missing and aggregates.is_built(conn):
            return
        listings, contracts = aggregates.rebuild(conn)
    typer.echo(f"统计累计数已重建：{listings} 条已发布信息，{contracts} 份已登记合同。")


@cli.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt="管理员邮箱", help="登录邮箱")],
    name: Annotated[str, typer.Option(prompt="姓名", help="显示的姓名")] = "平台管理员",
    password: Annotated[
        str | None, typer.Option(help="密码；不提供时交互输入", envvar="KC_ADMIN_PASSWORD")
    ] = None,
) -> None:
    """创建平台管理员账号。"""
    from app.accounts import service as account_service
    from app.core.audit import Actor
    from app.core.db import session_scope
    from app.core.errors import AppError
    from app.core.security import password_problem
    from app.models.enums import Role

    if password is None:
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再次输入密码："):
            raise typer.BadParameter("两次输入的密码不一致")
    problem = password_problem(password)
    if problem:
        raise typer.BadParameter(problem)
    try:
        with session_scope(_sessionmaker()) as session:
            account_service.create_user(
                session,
                Actor(label="命令行 create-admin"),
                email=email,
                name=name,
                password=password,
                role=Role.PLATFORM_ADMIN,
            )
    except AppError as exc:
        typer.secho(f"未创建：{exc.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已创建平台管理员 {email}")


@cli.command("seed-demo")
def seed_demo() -> None:
    """载入演示数据（机构、各角色用户）；已载入时跳过。"""
    from app.core.db import session_scope
    from app.demo.seed import seed

    with session_scope(_sessionmaker()) as session:
        created = seed(session, progress=typer.echo)
    typer.echo("演示数据已载入。" if created else "演示数据已存在，跳过。")


@cli.command("publish-policy")
def publish_policy() -> None:
    """发布市科技局政策文件（按 30 条条款，供奖补规则等引用）；已发布时跳过。"""
    from app.content import service as content_service
    from app.core.db import session_scope
    from app.models import PolicyClause

    with session_scope(_sessionmaker()) as session:
        existed = content_service.seed_policy(session) is not None
        item = content_service.load_seed_policy(session)
        count = session.query(PolicyClause).filter_by(item_id=item.id).count()
    if existed:
        typer.echo(f"政策文件已发布（/policies/{item.id}），跳过。")
    else:
        typer.echo(f"已发布政策文件《{item.title}》，共 {count} 条：/policies/{item.id}")


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(help="处理完当前积压后退出")] = False,
) -> None:
    """运行后台任务进程：投递邮件、更新搜索索引等（处理 outbox）。"""
    import app.registry  # noqa: F401  outbox handlers and search sources
    from app.core.outbox import OutboxWorker, drain
    from app.main import load_vocabulary
    from app.search import engine as search_engine

    settings = get_settings()
    factory = _sessionmaker()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    backend = search_engine.open_backend(settings)
    search_engine.install(backend, vectors=search_engine.vectors_path(settings, backend))
    load_vocabulary(factory)
    if once:
        done = batch = drain(factory, max_attempts=settings.outbox_max_attempts)
        while batch:  # a batch holds at most 500; the backlog may be longer
            batch = drain(factory, max_attempts=settings.outbox_max_attempts)
            done += batch
        typer.echo(f"已处理 {done} 条任务")
        backend.close()
        return
    runner = OutboxWorker(
        factory,
        poll_seconds=settings.worker_poll_seconds,
        max_attempts=settings.outbox_max_attempts,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    runner.start()
    typer.echo("后台任务进程已启动，Ctrl+C 退出")
    stopped.wait()
    runner.stop()
    backend.close()


@cli.command()
def reindex(
    batch_size: Annotated[int, typer.Option(help="每批从数据库读取的记录数")] = 500,
    vectors: Annotated[
        bool, typer.Option("--vectors", help="只补齐语义向量：为缺少或过期向量的记录分批编码")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="与 --vectors 同用：全部重新编码")] = False,
) -> None:
    """从数据库重建搜索索引：新索引建好后原子切换，重建期间搜索照常可用。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    if vectors:
        _reindex_vectors(min(batch_size, 256), force)
        return

    import app.registry  # noqa: F401  search sources
    from app.search import engine as search_engine
    from app.search import service as search_service
    from app.search import vocabulary
    from search.base import SearchUnavailable

    settings = get_settings()
    backend = search_engine.open_backend(settings)
    factory = _sessionmaker()
    try:
        with (
            factory() as session,
            Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            ) as progress,
        ):
            vocabulary.sync(session, force=True)
            total = search_service.total_documents(session)
            task = progress.add_task(f"重建 {settings.search_backend} 索引", total=total)
            session.rollback()  # the rebuild reads what is committed once it has started
            written = search_service.reindex(
                session,
                backend,
                batch_size=batch_size,
                progress=lambda n: progress.advance(task, n),
                catch_up_session=factory,
            )
        typer.echo(f"索引已重建并切换，共 {written} 条文档。")
        _fill_engine_vectors(backend)
    except SearchUnavailable as exc:
        typer.secho(f"搜索引擎不可用：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    finally:
        backend.close()


def _fill_engine_vectors(backend: object) -> None:
    """Encode the documents of the engine's index still without a vector, printing progress
    (done/total, documents per second). Resumable: the index itself says what is left, so a
    fill stopped anywhere goes on from there the next time (or in the worker)."""
    import time

    from app.search import hybrid
    from search import dense
    from search.base import KeepsVectors

    if dense.shared_encoder() is None:
        typer.echo(
            "未安装语义向量模型（pip install kechuang[dense]）或已关闭（KC_DENSE=0），检索只用 BM25。"
        )
        return
    if not isinstance(backend, KeepsVectors) or not backend.keeps_vectors:
        return
    total = backend.pending_vectors()
    if not total:
        typer.echo("索引中的语义向量齐全。")
        return
    typer.echo(f"为索引中 {total} 条缺少语义向量的文档编码（中断后再次运行会从中断处继续）：")
    started = time.monotonic()

    def report(written: int, skipped: int) -> None:
        done = written + skipped
        rate = done / max(time.monotonic() - started, 1e-6)
        typer.echo(f"  语义向量 {done}/{total}，{rate:.1f} 条/秒")

    written = hybrid.fill_engine_vectors(backend, progress=report)
    elapsed = time.monotonic() - started
    typer.echo(
        f"索引中的语义向量已补齐：新编码 {written} 条，用时 {elapsed:.0f} 秒"
        f"（{written / max(elapsed, 1e-6):.1f} 条/秒），尚缺 {backend.pending_vectors()} 条。"
    )


def _reindex_vectors(batch_size: int, force: bool) -> None:
    """Encode, a batch at a time, the records whose vector is missing or stale."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    import app.registry  # noqa: F401  search sources
    from app.search import engine as search_engine
    from app.search import hybrid
    from app.search import service as search_service
    from search import dense
    from search.base import SearchUnavailable

    settings = get_settings()
    backend = search_engine.open_backend(settings)
    search_engine.install(backend, vectors=search_engine.vectors_path(settings, backend))
    factory = _sessionmaker()
    try:
        if dense.shared_encoder() is None:
            typer.secho(
                "未安装语义向量模型（pip install kechuang[dense]）或已关闭（KC_DENSE=0），检索只用 BM25。",
                err=True,
            )
            raise typer.Exit(1)
        try:
            _fill_engine_vectors(backend)
        except SearchUnavailable as exc:
            typer.secho(f"搜索引擎不可用：{exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc
        index = search_engine.vector_index()
        if index is None:  # the engine keeps and searches the vectors itself
            return
        with (
            factory() as session,
            Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            ) as progress,
        ):
            total = search_service.total_documents(session)
            task = progress.add_task(f"编码语义向量（{index.model}）", total=total)
            session.rollback()
            written = hybrid.reindex_vectors(
                session,
                batch_size=batch_size,
                progress=lambda n: progress.advance(task, n),
                force=force,
            )
        typer.echo(f"语义向量文件已补齐：新编码 {written} 条，共 {index.count()} 条。")
    finally:
        search_engine.install(None)
        backend.close()


_LISTING_KINDS = {"achievements": "achievement", "demands": "demand"}


def _listing_kind(name: str):  # type: ignore[no-untyped-def]
    from app.models.enums import ListingKind

    if name not in _LISTING_KINDS:
        raise typer.BadParameter(f"应为 {' 或 '.join(_LISTING_KINDS)}")
    return ListingKind(_LISTING_KINDS[name])


def _user_by_email(session, email: str | None):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.models import User
    from app.models.enums import Role

    if email is None:
        admins = list(
            session.scalars(
                select(User).where(User.role == Role.PLATFORM_ADMIN, User.is_active.is_(True))
            )
        )
        if len(admins) != 1:
            typer.secho("请用 --as 指定以哪个账号的身份导入（邮箱）", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        return admins[0]
    user = session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
    if user is None or not user.is_active:
        typer.secho(f"没有这个用户或账号已停用：{email}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    return user


@cli.command("import")
def import_listings(
    kind: Annotated[str, typer.Argument(help="achievements（科技成果）或 demands（技术需求）")],
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="CSV、Excel（.xlsx）或 JSON Lines 文件"),
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="跳过有误的行，只导入正确的行")
    ] = False,
    as_email: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="以该账号身份导入：平台管理员为各机构导入并直接发布，机构用户导入为本机构草稿；"
            "只有一个平台管理员时可省略",
        ),
    ] = None,
) -> None:
    """批量导入科技成果或技术需求（列名见 docs/import-columns.md）；有误时不写入并列出每个问题。"""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from app.core.audit import Actor
    from app.core.db import reads_first, session_scope
    from app.core.errors import AppError
    from app.listings import transfer

    listing_kind = _listing_kind(kind)
    console = Console()
    labels = {"validate": "校验", "write": "写入"}
    try:
        with (
            session_scope(_sessionmaker()) as session,
            Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            ) as progress,
        ):
            reads_first(session)  # validate without the write lock; write in a short one
            user = _user_by_email(session, as_email)
            tasks: dict[str, TaskID] = {}

            def show(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = progress.add_task(labels.get(phase, phase), total=total)
                progress.update(tasks[phase], completed=done, total=total)

            report = transfer.import_file(
                session,
                Actor(user=user, label="命令行 import"),
                listing_kind,
                file.name,
                file.read_bytes(),
                skip_invalid=skip_invalid,
                progress=show,
            )
    except AppError as exc:
        typer.secho(f"未导入：{exc.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    for warning in report.warnings:
        console.print(f"[yellow]提示：{warning}[/yellow]")
    if report.errors:
        table = Table(title=f"有误的行（{report.invalid_rows} 行，{len(report.errors)} 处）")
        table.add_column("行", justify="right")
        table.add_column("列")
        table.add_column("问题")
        for error in report.errors:
            table.add_row(str(error.row), error.column or "—", error.reason)
        console.print(table)
    console.print(report.summary(), style="red" if report.refused else "green")
    if report.refused:
        raise typer.Exit(1)


@cli.command("export")
def export_listings(
    kind: Annotated[str, typer.Argument(help="achievements（科技成果）或 demands（技术需求）")],
    out: Annotated[
        Path, typer.Argument(dir_okay=False, help="输出文件：.csv、.xlsx 或 .jsonl（按扩展名）")
    ],
    field: Annotated[list[str] | None, typer.Option(help="技术领域（名称或代码，可多次）")] = None,
    region: Annotated[list[str] | None, typer.Option(help="区域（名称或代码，可多次）")] = None,
    maturity: Annotated[list[str] | None, typer.Option(help="成熟度，如 中试（可多次）")] = None,
    q: Annotated[str, typer.Option(help="标题、简介或关键词包含的文字")] = "",
    as_email: Annotated[
        str | None,
        typer.Option("--as", help="以该账号可见的内容导出；默认只导出公开内容"),
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="导出 --as 账号所在机构的全部信息（含草稿）")
    ] = False,
) -> None:
    """导出已发布的科技成果或技术需求（可按领域等筛选），只含导出身份可见的内容。"""
    from app.core.errors import AppError
    from app.listings import transfer

    listing_kind = _listing_kind(kind)
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in {f.value for f in transfer.Format}:
        raise typer.BadParameter("输出文件的扩展名应为 .csv、.xlsx 或 .jsonl")
    filters = {"field": field or [], "region": region or [], "maturity": maturity or [], "q": q}
    if mine:
        filters["mine"] = "1"
    try:
        with _sessionmaker()() as session:
            viewer = _user_by_email(session, as_email) if as_email else None
            data = transfer.export(session, viewer, listing_kind, filters, suffix)
    except AppError as exc:
        typer.secho(f"未导出：{exc.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    out.write_bytes(data)
    typer.echo(f"已导出到 {out}（{len(data):,} 字节）")


def _megabytes(size: int) -> str:
    return f"{size / 1048576:,.1f} MB"


@cli.command()
def backup(
    out: Annotated[Path, typer.Argument(help="备份文件（.tar.gz），或存放它的目录（自动命名）")],
) -> None:
    """备份数据库和全部附件到一个文件（含清单与校验和）；备份期间网站可照常使用。"""
    from app.core import attachments
    from app.system.backup import BackupError, create_backup

    settings = get_settings()
    try:
        summary = create_backup(
            settings.resolved_database_url, attachments.root(), out, progress=typer.echo
        )
    except BackupError as exc:
        typer.secho(f"未备份：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"备份完成：{summary.path}（{summary.tables} 张表 {summary.rows:,} 行，"
        f"{summary.files:,} 个附件文件，共 {_megabytes(summary.bytes)}）"
    )


@cli.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="kechuang backup 写出的备份文件")],
    force: Annotated[
        bool, typer.Option("--force", help="目标数据库或附件目录已有数据时也整体替换")
    ] = False,
) -> None:
    """从备份恢复数据库和附件：先校验整个备份，不通过则什么都不写。恢复前请先停止网站和 worker。"""
    from app.core import attachments
    from app.system.backup import BackupError, restore_backup

    settings = get_settings()
    try:
        summary = restore_backup(
            archive,
            settings.resolved_database_url,
            attachments.root(),
            force=force,
            progress=typer.echo,
        )
    except BackupError as exc:
        typer.secho(f"未恢复，目标未做任何改动：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    upgraded = f"（已从 {summary.upgraded_from} 升级）" if summary.upgraded_from else ""
    typer.echo(
        f"恢复完成：{summary.tables} 张表 {summary.rows:,} 行，{summary.files:,} 个附件文件"
        f"（{_megabytes(summary.bytes)}），数据库结构版本 {summary.revision}{upgraded}。"
    )
    typer.secho(
        "搜索索引是派生数据，不在备份中：请运行 kechuang reindex 重建索引"
        "（run `kechuang reindex` to rebuild the search index）。",
        fg=typer.colors.YELLOW,
    )


def main() -> None:
    cli()
