"""The ``kechuang`` command: everything an operator needs without writing Python."""

from __future__ import annotations

import getpass
import logging
import signal
import threading
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
    from app.core.db import build_engine, build_sessionmaker

    return build_sessionmaker(build_engine(get_settings().resolved_database_url))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听端口")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn 进程数（PostgreSQL 时可多于 1）")] = 1,
    reload: Annotated[bool, typer.Option(help="代码变更时自动重启（开发用）")] = False,
) -> None:
    """启动网站与 API 服务。"""
    import uvicorn

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
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
    upgrade(settings.resolved_database_url, revision)
    typer.echo("数据库已是最新结构。")


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
    search_engine.install(backend)
    load_vocabulary(factory)
    if once:
        typer.echo(f"已处理 {drain(factory, max_attempts=settings.outbox_max_attempts)} 条任务")
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
) -> None:
    """从数据库重建搜索索引：新索引建好后原子切换，重建期间搜索照常可用。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    import app.registry  # noqa: F401  search sources
    from app.search import engine as search_engine
    from app.search import service as search_service
    from app.search import vocabulary
    from search.base import SearchUnavailable

    settings = get_settings()
    backend = search_engine.open_backend(settings)
    try:
        with (
            _sessionmaker()() as session,
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
            written = search_service.reindex(
                session,
                backend,
                batch_size=batch_size,
                progress=lambda n: progress.advance(task, n),
            )
    except SearchUnavailable as exc:
        typer.secho(f"搜索引擎不可用：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    finally:
        backend.close()
    typer.echo(f"索引已重建并切换，共 {written} 条文档。")


def main() -> None:
    cli()
