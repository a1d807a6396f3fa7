"""Blocking work in a request never holds up the other requests of the process.

Page handlers query the database, hash passwords and build files synchronously, so they must
run in the thread pool (plain ``def``), never on the event loop. Each test holds a real route
inside its blocking call until a second request opens a gate; only if the event loop is free
can that second request be served. A handler that blocks the loop makes the gate's wait time
out, and the test fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.accounts import service as account_service
from app.core import templating
from app.listings import transfer
from app.models import User
from tests.factories.accounts import PASSWORD
from tests.factories.fixtures import csrf_from

#: Generous on a loaded machine; a request served normally takes milliseconds.
WAIT_SECONDS = 20.0
GATE_PATH = "/test/open-gate"


class Gate:
    """Holds a blocking call until another request opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.opened_in_time: bool | None = None

    def hold(self) -> None:
        self.entered.set()
        self.opened_in_time = self.opened.wait(WAIT_SECONDS)


@pytest.fixture
def gate(app: FastAPI) -> Gate:
    gate = Gate()

    @app.get(GATE_PATH)
    async def open_gate() -> dict[str, bool]:  # on the loop, so it runs only if the loop is free
        gate.opened.set()
        return {"opened": True}

    return gate


Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _sign_in(client: httpx.AsyncClient, user: User) -> None:
    token = csrf_from((await client.get("/login")).text)
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


def _while_held(app: FastAPI, gate: Gate, prepare: Request, held: Request) -> httpx.Response:
    """Send ``held`` (after ``prepare`` on the same client) and, once it is inside the gate,
    a second request that opens it; ``held``'s response."""

    async def scenario() -> httpx.Response:
        async with _client(app) as client, _client(app) as other:
            await prepare(client)
            first = asyncio.create_task(held(client))
            deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
            while not gate.entered.is_set() and not first.done():
                assert asyncio.get_running_loop().time() < deadline, "never reached the gate"
                await asyncio.sleep(0.01)
            assert (await other.get(GATE_PATH)).json() == {"opened": True}
            return await first

    response = asyncio.run(scenario())
    assert gate.entered.is_set(), "the request did not reach its blocking call"
    assert gate.opened_in_time, "another request could not be served while this one was blocked"
    return response


def _holding(gate: Gate, original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gate.hold()
        return original(*args, **kwargs)

    return wrapper


class TestBlockingWorkRunsOffTheLoop:
    def test_signing_in(
        self, app: FastAPI, gate: Gate, member: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            account_service, "authenticate", _holding(gate, account_service.authenticate)
        )
        token: list[str] = []

        async def prepare(client: httpx.AsyncClient) -> None:
            token.append(csrf_from((await client.get("/login")).text))

        async def sign_in(client: httpx.AsyncClient) -> httpx.Response:
            data = {"email": member.email, "password": PASSWORD, "csrf_token": token[0]}
            return await client.post("/login", data=data)

        response = _while_held(app, gate, prepare, sign_in)
        assert response.status_code == 303 and response.headers["location"] == "/"

    def test_an_uploaded_import(
        self, app: FastAPI, gate: Gate, member: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(transfer, "import_file", _holding(gate, transfer.import_file))
        token: list[str] = []

        async def prepare(client: httpx.AsyncClient) -> None:
            await _sign_in(client, member)
            token.append(csrf_from((await client.get("/me/import")).text))

        async def upload(client: httpx.AsyncClient) -> httpx.Response:
            return await client.post(
                "/me/import",
                data={"csrf_token": token[0], "kind": "achievement"},
                files={"file": ("成果.csv", "名称\n".encode(), "text/csv")},
            )

        response = _while_held(app, gate, prepare, upload)
        assert response.status_code == 422 and "缺少必填列" in response.text

    def test_an_error_page(
        self, app: FastAPI, gate: Gate, member: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The error page of a signed-in person shows their unread notifications, which it may
        # have to count in the database.
        holding = _holding(gate, templating._unread)

        async def prepare(client: httpx.AsyncClient) -> None:
            await _sign_in(client, member)
            monkeypatch.setattr(templating, "_unread", holding)

        async def forbidden(client: httpx.AsyncClient) -> httpx.Response:
            return await client.get("/admin")

        response = _while_held(app, gate, prepare, forbidden)
        assert response.status_code == 403 and "没有权限" in response.text
