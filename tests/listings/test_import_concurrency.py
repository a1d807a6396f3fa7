"""A large import validates without SQLite's write lock, so other writers go on meanwhile.

On a real SQLite file with its own engine: the import page is held inside its validation
phase while a second connection writes (it must get the lock at once, not after the import),
or adds the very listing the import is about to create (the import then refuses, writing
nothing).
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.core.audit import Actor
from app.core.db import reads_first, session_scope, utcnow
from app.listings import transfer
from app.models import Listing, LoginSession, User
from app.models.enums import ListingKind, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.file_db import FileDatabase, file_app, file_client, file_db, migrated_sqlite_file

__all__ = ["file_app", "file_client", "file_db", "migrated_sqlite_file"]

A = ListingKind.ACHIEVEMENT
WAIT_SECONDS = 30.0  # generous on a loaded machine
ORG_NAME = "长春并发测试光电有限公司"
HEADERS = ["外部编号", "成果名称", "成果简介", "技术领域", "成熟度", "所属机构"]


def _csv(numbers: range) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for n in numbers:
        writer.writerow(
            [
                f"BF-{n:04d}",
                f"高功率光纤激光焊接头{n}",
                "面向新能源汽车电池托盘的高功率光纤激光焊接头，焊缝一致性好。",
                "F1102",
                "中试",
                ORG_NAME,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


class HeldValidation:
    """Holds the first row's validation until ``release``; later calls run straight on."""

    def __init__(self, original: Callable[..., Any]) -> None:
        self.original = original
        self.entered = threading.Event()
        self.released = threading.Event()
        self._first = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._first.acquire(blocking=False):
            self.entered.set()
            self.released.wait(WAIT_SECONDS)
        return self.original(*args, **kwargs)


@pytest.fixture
def admin(file_db: FileDatabase) -> User:
    with session_scope(file_db.factory) as session:
        make_org(session, name=ORG_NAME)
        return make_user(session, role=Role.PLATFORM_ADMIN, name="平台管理员")


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldValidation:
    gate = HeldValidation(transfer._Validator.row)

    def row(validator: transfer._Validator, *args: Any) -> Any:
        return gate(validator, *args)

    monkeypatch.setattr(transfer._Validator, "row", row)
    return gate


@pytest.fixture
def upload(
    file_client: TestClient, admin: User, held: HeldValidation
) -> Iterator[Callable[[bytes], list[httpx.Response]]]:
    """Start an import upload in a thread and return once it is inside its validation."""
    login(file_client, admin)
    token = page_csrf(file_client, "/admin/import")
    responses: list[httpx.Response] = []
    threads: list[threading.Thread] = []

    def start(content: bytes) -> list[httpx.Response]:
        def send() -> None:
            responses.append(
                file_client.post(
                    "/admin/import",
                    data={"csrf_token": token, "kind": A.value},
                    files={"file": ("成果.csv", content, "text/csv")},
                )
            )

        thread = threading.Thread(target=send)
        thread.start()
        threads.append(thread)
        assert held.entered.wait(WAIT_SECONDS), "the import never reached its validation"
        return responses

    yield start
    held.released.set()
    for thread in threads:
        thread.join(WAIT_SECONDS)


def _finish(held: HeldValidation, responses: list[httpx.Response]) -> httpx.Response:
    held.released.set()
    deadline = threading.Event()
    for _ in range(int(WAIT_SECONDS * 10)):
        if responses:
            break
        deadline.wait(0.1)
    assert responses, "the import did not finish"
    return responses[0]


def _count(db: FileDatabase) -> int:
    with db.factory() as session:
        return session.scalar(select(func.count()).select_from(Listing)) or 0


class TestImportAndOtherWriters:
    def test_another_writer_gets_the_lock_while_the_import_validates(
        self,
        file_db: FileDatabase,
        admin: User,
        held: HeldValidation,
        upload: Callable[[bytes], list[httpx.Response]],
    ) -> None:
        responses = upload(_csv(range(1, 41)))
        other = file_db.engine.raw_connection()  # a real second connection
        try:
            other.execute("PRAGMA busy_timeout=2000")  # type: ignore[attr-defined]
            other.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
            other.execute(  # type: ignore[attr-defined]
                'UPDATE "user" SET name = ? WHERE id = ?', ("平台管理员（值班）", admin.id)
            )
            other.execute("COMMIT")  # type: ignore[attr-defined]
        finally:
            other.close()
        response = _finish(held, responses)
        assert response.status_code == 200, response.text
        assert "新增 40 条" in response.text
        assert _count(file_db) == 40

    def test_a_listing_added_meanwhile_refuses_the_import_and_nothing_is_written(
        self,
        file_db: FileDatabase,
        admin: User,
        held: HeldValidation,
        upload: Callable[[bytes], list[httpx.Response]],
    ) -> None:
        responses = upload(_csv(range(1, 41)))
        with session_scope(file_db.factory) as session:  # someone imports row 7 meanwhile
            reads_first(session)
            user = session.get(User, admin.id)
            report = transfer.import_file(
                session, Actor(user=user), A, "一条.csv", _csv(range(7, 8))
            )
            assert report.created == 1
        response = _finish(held, responses)
        assert response.status_code == 409, response.text
        assert "导入期间平台上有人新增了同一条信息（第8行" in response.text
        assert "本次未导入任何内容" in response.text
        assert _count(file_db) == 1


def test_an_import_by_a_session_last_seen_a_while_ago_records_the_visit_and_imports(
    file_client: TestClient, file_db: FileDatabase, admin: User
) -> None:
    login(file_client, admin)
    token = page_csrf(file_client, "/admin/import")
    with session_scope(file_db.factory) as session:  # the page was opened two minutes ago
        session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=2)))
    response = file_client.post(
        "/admin/import",
        data={"csrf_token": token, "kind": A.value},
        files={"file": ("成果.csv", _csv(range(1, 4)), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert "新增 3 条" in response.text
    with file_db.factory() as session:
        seen = session.scalars(select(LoginSession.last_seen_at)).one()
        assert utcnow() - seen < timedelta(minutes=1)
