"""Failed logins earn growing waits, by email and by client address; nobody can lock the owner out."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import service
from app.core.db import utcnow
from app.core.security import needs_rehash
from app.models import AuditEvent, LoginSession, LoginThrottle, User
from tests.factories.accounts import PASSWORD
from tests.factories.fixtures import csrf_from, login

ATTACKER = ("203.0.113.66", 40000)
OWNER_HOME = ("198.51.100.7", 50000)


def attempt(client: TestClient, email: str, password: str) -> Response:
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def browser(app: FastAPI, address: tuple[str, int]) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=address)


def let_the_waits_pass(session: Session) -> None:
    """Time passes: every wait earned so far is over (the counts remain)."""
    session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    session.flush()
    session.expire_all()


class TestWaits:
    def test_five_failures_earn_a_wait_then_the_right_password_works(
        self, app: FastAPI, member: User, session: Session
    ) -> None:
        attacker = browser(app, ATTACKER)
        for _ in range(5):
            assert attempt(attacker, member.email, "bad-pass1").status_code == 401
        held = attempt(attacker, member.email, PASSWORD)
        assert held.status_code == 429
        assert held.headers["retry-after"] == "30"
        assert "登录失败次数过多，请30秒后再试" in held.text
        assert session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.login_throttled")
        ).first()

        let_the_waits_pass(session)
        assert attempt(attacker, member.email, PASSWORD).status_code == 303

    def test_each_further_failure_doubles_the_wait_up_to_the_longest(
        self, app: FastAPI, member: User, session: Session
    ) -> None:
        attacker = browser(app, ATTACKER)
        waits = []
        for _ in range(11):
            assert attempt(attacker, member.email, "bad-pass1").status_code == 401
            session.expire_all()
            held = session.scalars(
                select(LoginThrottle).where(LoginThrottle.blocked_until > utcnow())
            ).all()
            waits.append(
                [round((r.blocked_until - r.last_failure_at).total_seconds()) for r in held]  # type: ignore[operator]
            )
            let_the_waits_pass(session)
        assert waits[:4] == [[], [], [], []]
        assert waits[4:] == [[30], [60], [120], [240], [480], [900], [900]]

    def test_attempts_during_a_wait_are_not_counted(
        self, app: FastAPI, member: User, session: Session
    ) -> None:
        attacker = browser(app, ATTACKER)
        for _ in range(5):
            attempt(attacker, member.email, "bad-pass1")
        for _ in range(10):
            assert attempt(attacker, member.email, "bad-pass1").status_code == 429
        counts = session.scalars(select(LoginThrottle.failures)).all()
        assert sorted(counts) == [5, 5]  # the email address and the attacker's address


class TestNoLockOut:
    def test_owner_at_the_usual_address_gets_in_while_an_attacker_waits(
        self, app: FastAPI, member: User
    ) -> None:
        owner = browser(app, OWNER_HOME)
        login(owner, member)
        owner.post("/logout", data={"csrf_token": csrf_from(owner.get("/").text)})

        attacker = browser(app, ATTACKER)
        for _ in range(8):
            attempt(attacker, member.email, "bad-pass1")
        assert attempt(attacker, member.email, PASSWORD).status_code == 429
        assert attempt(owner, member.email, PASSWORD).status_code == 303

    def test_admin_account_is_never_locked(
        self, app: FastAPI, platform_admin: User, session: Session
    ) -> None:
        attacker = browser(app, ATTACKER)
        for _ in range(12):
            assert attempt(attacker, platform_admin.email, "bad-pass1").status_code == 401
            let_the_waits_pass(session)
        attempt(attacker, platform_admin.email, "bad-pass1")
        elsewhere = browser(app, OWNER_HOME)
        held = attempt(elsewhere, platform_admin.email, PASSWORD)
        assert held.status_code == 429
        assert int(held.headers["retry-after"]) <= 900
        let_the_waits_pass(session)
        assert attempt(elsewhere, platform_admin.email, PASSWORD).status_code == 303


class TestClientAddress:
    def test_one_address_guessing_many_accounts_waits(self, app: FastAPI, session: Session) -> None:
        attacker = browser(app, ATTACKER)
        for n in range(20):
            assert attempt(attacker, f"guess{n}@example.cn", "bad-pass1").status_code == 401
        held = attempt(attacker, "guess-new@example.cn", "bad-pass1")
        assert held.status_code == 429
        other = browser(app, OWNER_HOME)
        assert attempt(other, "guess-new@example.cn", "bad-pass1").status_code == 401


class TestRehash:
    def test_a_hash_with_older_parameters_verifies_and_is_replaced(
        self, client: TestClient, member: User, session: Session
    ) -> None:
        member.password_hash = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY).hash(
            PASSWORD
        )
        session.flush()
        assert needs_rehash(member.password_hash)
        login(client, member)
        session.refresh(member)
        assert not needs_rehash(member.password_hash)
        assert "m=65536" not in member.password_hash


class TestHousekeeping:
    def test_old_sessions_and_quiet_failure_counts_are_forgotten(
        self, client: TestClient, member: User, session: Session
    ) -> None:
        login(client, member)
        attempt(client, "nobody@example.cn", "bad-pass1")
        assert len(session.scalars(select(LoginThrottle)).all()) == 2
        session.execute(update(LoginSession).values(created_at=utcnow() - timedelta(days=91)))
        session.execute(update(LoginThrottle).values(last_failure_at=utcnow() - timedelta(hours=2)))
        recent = LoginThrottle(
            key="recent", failures=1, last_failure_at=utcnow() - timedelta(minutes=5)
        )
        session.add(recent)
        session.flush()

        service.purge_stale(session)

        assert session.scalars(select(LoginSession)).all() == []
        assert session.scalars(select(LoginThrottle.key)).all() == ["recent"]
