"""A challenge application saved from an outdated version is refused, not overwritten."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges import service
from app.challenges.schemas import ApplicationFields
from app.core.audit import Actor
from app.models import ChallengeApplication, User
from tests.factories.accounts import make_user
from tests.factories.challenges import PROPOSAL, Cast, make_cast
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer

STALE = "该揭榜申请已被他人修改（版本 1 → 2，修改人 王五，修改了：技术方案），请刷新后再编辑"
FORM = {k: ("on" if v is True else v) for k, v in PROPOSAL.items()}


def _draft(session: Session) -> tuple[Cast, ChallengeApplication, User]:
    cast = make_cast(session, solvers=1)
    colleague = make_user(session, org=cast.solvers[0], name="王五")
    application = service.create_application(
        session, Actor(user=cast.solver_users[0]), cast.challenge, ApplicationFields(**PROPOSAL)
    )
    assert application.version == 1
    return cast, application, colleague


def _colleague_edits(client: TestClient, session: Session, url: str, colleague: User) -> None:
    saved = client.patch(
        url,
        json={"plan": "王五补充的技术方案：增加盐雾试验对比组"},
        headers={**bearer(session, colleague), "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"2"' and saved.json()["version"] == 2


def test_stale_patch_is_refused(client: TestClient, session: Session) -> None:
    cast, application, colleague = _draft(session)
    url = f"/api/v1/challenges/{cast.challenge.id}/applications/{application.id}"
    headers = bearer(session, cast.solver_users[0])
    assert client.get(url, headers=headers).headers["ETag"] == '"1"'
    _colleague_edits(client, session, url, colleague)
    stale = client.patch(url, json={"plan": "另一种方案", "version": 1}, headers=headers)
    assert stale.status_code == 409 and stale.json()["detail"] == STALE
    assert client.get(url, headers=headers).json()["plan"].startswith("王五补充")


def test_stale_page_keeps_the_input(client: TestClient, session: Session) -> None:
    cast, application, colleague = _draft(session)
    page = f"/challenges/{cast.challenge.id}/applications/{application.id}"
    login(client, cast.solver_users[0])
    assert 'name="version" value="1"' in client.get(page).text
    token = page_csrf(client, page)
    _colleague_edits(
        client,
        session,
        f"/api/v1/challenges/{cast.challenge.id}/applications/{application.id}",
        colleague,
    )
    stale = client.post(
        page, data={**FORM, "plan": "页面上写的另一种方案", "version": "1", "csrf_token": token}
    )
    assert stale.status_code == 409
    assert STALE in stale.text and "页面上写的另一种方案" in stale.text
    assert 'name="version" value="2"' in stale.text
    session.expire_all()
    stored = session.get(ChallengeApplication, application.id)
    assert stored is not None and stored.plan.startswith("王五补充")
