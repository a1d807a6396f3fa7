"""Rate limits answer 429 in Chinese with Retry-After: problem+json on the API, a page elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import PROJECT_ROOT, Settings
from app.models import PasswordResetToken, User
from search.base import SearchBackend
from tests.accounts.test_endpoints import registration
from tests.app_pool import pool as app_pool
from tests.factories.fixtures import page_csrf

PROBLEM = "application/problem+json"

ClientFactory = Callable[..., TestClient]


@pytest.fixture
def client_with(
    session_factory: sessionmaker[Session], settings: Settings, search_backend: SearchBackend
) -> Iterator[ClientFactory]:
    """A client on an app whose settings differ from the suite's by ``overrides``."""
    with ExitStack() as stack:

        def make(**overrides: object) -> TestClient:
            app = stack.enter_context(
                app_pool.lend(
                    settings.model_copy(update=overrides), session_factory, search_backend
                )
            )
            return stack.enter_context(TestClient(app, raise_server_exceptions=False))

        yield make


def assert_retry_after(response: object, most: int) -> None:
    value = int(response.headers["retry-after"])  # type: ignore[attr-defined]
    assert 1 <= value <= most


class TestApi:
    def test_over_the_limit_is_a_chinese_problem_with_retry_after(
        self, client_with: ClientFactory
    ) -> None:
        client = client_with(rate_limit_api="3/minute")
        for _ in range(3):
            assert client.get("/api/v1/health").status_code != 429
        refused = client.get("/api/v1/health")
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert refused.json()["title"] == "操作过于频繁"
        assert refused.json()["detail"].startswith("接口调用过于频繁")
        assert_retry_after(refused, 60)

    def test_made_up_tokens_do_not_escape_the_limit(self, client_with: ClientFactory) -> None:
        client = client_with(rate_limit_api="2/minute")
        statuses = [
            client.get("/api/v1/me", headers={"Authorization": f"Bearer kc_fake{n}"}).status_code
            for n in range(3)
        ]
        assert statuses == [401, 401, 429]

    def test_counted_per_client_address(self, client_with: ClientFactory) -> None:
        client = client_with(rate_limit_api="1/minute")
        assert client.get("/api/v1/health").status_code != 429
        assert client.get("/api/v1/health").status_code == 429
        elsewhere = TestClient(client.app, client=("198.51.100.9", 1000))
        assert elsewhere.get("/api/v1/health").status_code != 429

    def test_registration_limit(self, client_with: ClientFactory) -> None:
        client = client_with(rate_limit_register="1/hour")
        assert client.post("/api/v1/auth/register", json=registration()).status_code == 201
        again = client.post("/api/v1/auth/register", json=registration(email="li@example.cn"))
        assert again.status_code == 429 and again.json()["detail"].startswith("注册请求过于频繁")
        assert_retry_after(again, 3600)

    def test_switched_off(self, client_with: ClientFactory) -> None:
        client = client_with(rate_limit_api="1/minute", rate_limit_enabled=False)
        assert [client.get("/api/v1/health").status_code != 429 for _ in range(3)] == [True] * 3


class TestPages:
    def test_login_page_limit_is_a_page_in_chinese(self, client_with: ClientFactory) -> None:
        client = client_with(rate_limit_login="2/minute")
        form = {"email": "nobody@example.cn", "password": "bad-pass1"}
        for _ in range(2):
            form["csrf_token"] = page_csrf(client, "/login")
            assert client.post("/login", data=form).status_code == 401
        form["csrf_token"] = page_csrf(client, "/login")
        refused = client.post("/login", data=form)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("text/html")
        assert "登录尝试过于频繁" in refused.text
        assert_retry_after(refused, 60)

    def test_password_reset_mail_limit(self, client_with: ClientFactory) -> None:
        client = client_with(rate_limit_password_reset="1/hour")
        form = {"email": "nobody@example.cn"}
        form["csrf_token"] = page_csrf(client, "/password/forgot")
        assert client.post("/password/forgot", data=form).status_code == 200
        form["csrf_token"] = page_csrf(client, "/password/forgot")
        refused = client.post("/password/forgot", data=form)
        assert refused.status_code == 429 and "找回密码的请求过于频繁" in refused.text


class TestResetMailsPerAccount:
    def test_at_most_three_mails_an_hour_with_the_same_answer(
        self, client: TestClient, member: User, session: Session
    ) -> None:
        answers = [
            client.post("/api/v1/auth/password/forgot", json={"email": member.email}).json()
            for _ in range(5)
        ]
        assert all(answer == answers[0] for answer in answers)
        sent = session.scalar(
            select(func.count())
            .select_from(PasswordResetToken)
            .where(PasswordResetToken.user_id == member.id)
        )
        assert sent == 3


class TestSettings:
    @pytest.mark.parametrize("value", ["lots", "10/fortnight", ""])
    def test_malformed_limit_stops_the_start(self, value: str) -> None:
        with pytest.raises(ValidationError, match="rate_limit_login"):
            Settings(rate_limit_login=value)

    def test_defaults_documented(self) -> None:
        readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
        for name, value in [
            ("KC_RATE_LIMIT_LOGIN", Settings().rate_limit_login),
            ("KC_RATE_LIMIT_API", Settings().rate_limit_api),
        ]:
            assert re.search(rf"`{name}` \| `{re.escape(value)}`", readme), name
