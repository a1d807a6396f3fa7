"""A listing edited from an outdated version is refused, never silently overwritten."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from app.core.audit import SYSTEM, Actor
from app.core.db import build_sessionmaker, declare_write_intent, utcnow
from app.core.errors import Conflict
from app.listings import service
from app.listings.schemas import AchievementFields
from app.models import AuditEvent, Listing, Organization, OutboxMessage, User
from app.models.enums import ListingKind, ListingStatus, OrgRole
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.listings.test_endpoints import ACHIEVEMENT
from tests.orgs.test_endpoints import bearer


@pytest.fixture
def editors(session: Session) -> tuple[User, User]:
    """The organisation's administrator and the listing's author: both may edit it."""
    org = make_org(session)
    admin = make_user(session, org=org, org_role=OrgRole.ADMIN, name="张三")
    author = make_user(session, org=org, name="李四")
    return admin, author


def _draft(client: TestClient, author: User, session: Session) -> int:
    created = client.post("/api/v1/achievements", json=ACHIEVEMENT, headers=bearer(session, author))
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    return int(created.json()["id"])


class TestApi:
    def test_get_and_patch_answer_the_version_as_etag(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        _, author = editors
        listing_id = _draft(client, author, session)
        headers = bearer(session, author)
        got = client.get(f"/api/v1/achievements/{listing_id}", headers=headers)
        assert got.headers["ETag"] == '"1"' and got.json()["version"] == 1
        saved = client.patch(
            f"/api/v1/achievements/{listing_id}",
            json={"title": "红外硫系玻璃模压镜头（第二代）"},
            headers={**headers, "If-Match": got.headers["ETag"]},
        )
        assert saved.status_code == 200, saved.text
        assert saved.headers["ETag"] == '"2"' and saved.json()["version"] == 2

    def test_stale_if_match_is_refused_naming_who_and_what_changed(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        admin, author = editors
        listing_id = _draft(client, author, session)
        url = f"/api/v1/achievements/{listing_id}"
        first = client.patch(
            url,
            json={"title": "张三改过的镜头名称", "summary": "张三改过的简介，长度超过十个字。"},
            headers={**bearer(session, admin), "If-Match": '"1"'},
        )
        assert first.status_code == 200, first.text

        stale = client.patch(
            url,
            json={"title": "李四想要的名称"},
            headers={**bearer(session, author), "If-Match": '"1"'},
        )
        assert stale.status_code == 409
        assert stale.headers["content-type"].startswith("application/problem+json")
        problem = stale.json()
        assert problem["detail"] == (
            "该信息已被他人修改（版本 1 → 2，修改人 张三，修改了：名称、简介），请刷新后再编辑"
        )
        assert problem["current_version"] == 2
        kept = client.get(url, headers=bearer(session, author)).json()
        assert kept["title"] == "张三改过的镜头名称" and kept["version"] == 2

    def test_stale_version_in_the_body_is_refused(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        admin, author = editors
        listing_id = _draft(client, author, session)
        url = f"/api/v1/achievements/{listing_id}"
        client.patch(url, json={"price": "150万", "version": 1}, headers=bearer(session, admin))
        stale = client.patch(
            url, json={"price": "90万", "version": 1}, headers=bearer(session, author)
        )
        assert stale.status_code == 409
        assert "修改了：价格" in stale.json()["detail"]
        assert client.get(url, headers=bearer(session, author)).json()["data"]["price"] == (
            "1500000.00"
        )

    def test_a_status_change_counts_as_a_change(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        _, author = editors
        listing_id = _draft(client, author, session)
        headers = bearer(session, author)
        client.post(f"/api/v1/achievements/{listing_id}/submit", headers=headers)
        stale = client.patch(
            f"/api/v1/achievements/{listing_id}",
            json={"title": "提交后又改的名称"},
            headers={**headers, "If-Match": '"1"'},
        )
        assert stale.status_code == 409 and "修改了：状态" in stale.json()["detail"]

    def test_without_a_version_the_edit_is_still_accepted(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        admin, author = editors
        listing_id = _draft(client, author, session)
        url = f"/api/v1/achievements/{listing_id}"
        client.patch(url, json={"title": "张三改过的镜头名称"}, headers=bearer(session, admin))
        later = client.patch(
            url, json={"title": "李四后来改的名称"}, headers=bearer(session, author)
        )
        assert later.status_code == 200 and later.json()["version"] == 3

    def test_if_match_and_body_must_agree(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        _, author = editors
        listing_id = _draft(client, author, session)
        refused = client.patch(
            f"/api/v1/achievements/{listing_id}",
            json={"title": "名称名称名称", "version": 2},
            headers={**bearer(session, author), "If-Match": '"1"'},
        )
        assert refused.status_code == 422


class TestPage:
    def test_stale_submit_shows_the_form_again_with_the_input_kept(
        self, client: TestClient, session: Session, editors: tuple[User, User]
    ) -> None:
        admin, author = editors
        listing_id = _draft(client, author, session)
        login(client, author)
        form = client.get(f"/achievements/{listing_id}/edit")
        assert 'name="version" value="1"' in form.text
        token = page_csrf(client, f"/achievements/{listing_id}/edit")
        # Meanwhile the administrator renames it through the API.
        client.patch(
            f"/api/v1/achievements/{listing_id}",
            json={"title": "张三改过的镜头名称"},
            headers=bearer(session, admin),
        )
        stale = client.post(
            f"/achievements/{listing_id}/edit",
            data={
                "csrf_token": token,
                "version": "1",
                "title": "李四在页面上改的名称",
                "summary": ACHIEVEMENT["summary"],
            },
        )
        assert stale.status_code == 422
        assert "该信息已被他人修改（版本 1 → 2，修改人 张三，修改了：名称）" in stale.text
        assert "李四在页面上改的名称" in stale.text  # the typed input is still there
        assert re.search(r'name="version" value="2"', stale.text)
        session.expire_all()
        listing = session.get(Listing, listing_id)
        assert listing is not None and listing.title == "张三改过的镜头名称"

        again = client.post(
            f"/achievements/{listing_id}/edit",
            data={
                "csrf_token": token,
                "version": "2",
                "title": "李四在页面上改的名称",
                "summary": ACHIEVEMENT["summary"],
            },
            follow_redirects=False,
        )
        assert again.status_code == 303
        session.expire_all()
        assert session.get(Listing, listing_id).title == "李四在页面上改的名称"  # type: ignore[union-attr]


# -- two editors at the same moment, on separate connections -----------------------------------


@pytest.fixture
def committed(engine: Engine) -> Iterator[dict[str, list[int]]]:
    """Rows this test commits, removed again afterwards."""
    factory = build_sessionmaker(engine)
    with factory() as s:
        marks = {
            "audit": s.scalar(select(func.max(AuditEvent.id))) or 0,
            "outbox": s.scalar(select(func.max(OutboxMessage.id))) or 0,
        }
    ids: dict[str, list[int]] = {"orgs": [], "users": [], "listings": []}
    yield ids
    with factory() as s, s.begin():
        s.execute(delete(Listing).where(Listing.id.in_(ids["listings"])))
        s.execute(delete(AuditEvent).where(AuditEvent.id > marks["audit"]))
        s.execute(delete(OutboxMessage).where(OutboxMessage.id > marks["outbox"]))
        s.execute(delete(User).where(User.id.in_(ids["users"])))
        s.execute(delete(Organization).where(Organization.id.in_(ids["orgs"])))


def test_two_editors_saving_the_same_version_at_once(
    engine: Engine, committed: dict[str, list[int]]
) -> None:
    factory = build_sessionmaker(engine)
    with factory() as s, s.begin():
        org = make_org(s)
        admin = make_user(s, org=org, org_role=OrgRole.ADMIN, name="张三")
        author = make_user(s, org=org, name="李四")
        committed["orgs"].append(org.id)
        committed["users"] += [admin.id, author.id]
        listing = service.create(
            s, Actor(user=author), ListingKind.ACHIEVEMENT, AchievementFields(**ACHIEVEMENT)
        )
        committed["listings"].append(listing.id)
        listing_id, version = listing.id, listing.version
    editors = {"张三": admin.id, "李四": author.id}

    # SQLite takes its write lock at BEGIN, so there the two saves queue before reading; on
    # PostgreSQL both editors read version 1 first and only then save.
    reads_first = engine.dialect.name != "sqlite"
    barrier = threading.Barrier(len(editors))
    outcomes: dict[str, str] = {}
    guard = threading.Lock()

    def save(name: str) -> None:
        with factory() as s:
            if not reads_first:
                barrier.wait()
            declare_write_intent(s)  # as the session of a PATCH request does
            user = s.get(User, editors[name])
            target = service.get(s, listing_id, user, ListingKind.ACHIEVEMENT)
            assert target.version == version or not reads_first
            if reads_first:
                barrier.wait()
            try:
                service.update(
                    s,
                    Actor(user=user),
                    target,
                    AchievementFields(title=f"{name}保存的名称"),
                    expected_version=version,
                )
                s.commit()
                result = "saved"
            except Conflict as exc:
                s.rollback()
                result = f"409 {exc.detail}"
            except Exception as exc:  # anything else is the bug this test guards against
                s.rollback()
                result = f"error {type(exc).__name__}: {exc}"
            with guard:
                outcomes[name] = result

    threads = [threading.Thread(target=save, args=(name,)) for name in editors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == sorted(editors), outcomes
    winners = [name for name, result in outcomes.items() if result == "saved"]
    assert len(winners) == 1, outcomes
    (loser,) = set(editors) - set(winners)
    assert outcomes[loser] == (
        f"409 该信息已被他人修改（版本 1 → 2，修改人 {winners[0]}，修改了：名称），请刷新后再编辑"
    )
    with factory() as s:
        stored = s.get(Listing, listing_id)
        assert stored is not None
        assert stored.title == f"{winners[0]}保存的名称" and stored.version == 2


def test_expiry_job_leaves_alone_a_listing_renewed_while_it_ran(
    engine: Engine, committed: dict[str, list[int]]
) -> None:
    """The hourly job picks a listing due to expire while its owner is renewing it."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers at BEGIN: the job cannot read while a renew writes")
    factory = build_sessionmaker(engine)
    with factory() as s, s.begin():
        org = make_org(s)
        author = make_user(s, org=org, name="李四")
        committed["orgs"].append(org.id)
        committed["users"].append(author.id)
        listing = service.create(
            s, Actor(user=author), ListingKind.ACHIEVEMENT, AchievementFields(**ACHIEVEMENT)
        )
        committed["listings"].append(listing.id)
        listing.status = ListingStatus.PUBLISHED
        listing.published_at = utcnow() - timedelta(days=400)
        listing.expires_at = utcnow() - timedelta(hours=1)
        listing_id = listing.id

    with factory() as renewing:
        owner = renewing.get(User, author.id)
        service.renew(
            renewing, Actor(user=owner), service.get(renewing, listing_id, owner)
        )  # holds the row until it commits
        outcome: list[object] = []

        def job() -> None:
            with factory() as s:
                try:
                    outcome.append(service.expire_and_remind(s, SYSTEM))
                    s.commit()
                except Exception as exc:  # the unique-version clash this test guards against
                    s.rollback()
                    outcome.append(exc)

        worker = threading.Thread(target=job)
        worker.start()
        # Commit the renewal only once the job waits for the row (it has read it as expired).
        with engine.connect() as probe:
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            for _ in range(600):
                if probe.execute(waiting).scalar() or not worker.is_alive():
                    break
                threading.Event().wait(0.05)
        renewing.commit()
        worker.join(timeout=60)

    assert outcome == [(0, 0)], outcome
    with factory() as s:
        stored = s.get(Listing, listing_id)
        assert stored is not None and stored.status == ListingStatus.PUBLISHED
        assert stored.version == 2 and stored.expires_at is not None
        assert stored.expires_at > utcnow()
