from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.challenges.service import today
from tests.factories.challenges import PROPOSAL, decide, make_cast, make_expert
from tests.factories.fixtures import login, page_csrf

FORM = {k: ("on" if v is True else v) for k, v in PROPOSAL.items()}


def test_solver_applies_through_the_pages(client: TestClient, session: Session) -> None:
    cast = make_cast(session, solvers=1)
    base = f"/challenges/{cast.challenge.id}"
    login(client, cast.solver_users[0])
    detail = client.get(base)
    assert "我要揭榜" in detail.text and f"{base}/apply" in detail.text
    token = page_csrf(client, f"{base}/apply")

    incomplete = client.post(
        f"{base}/apply", data={"csrf_token": token, "title": "耐候增透膜方案", "action": "submit"}
    )
    assert incomplete.status_code == 422
    assert "请填写技术方案" in incomplete.text and "耐候增透膜方案" in incomplete.text

    done = client.post(
        f"{base}/apply",
        data={**FORM, "csrf_token": token, "action": "submit"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "揭榜申请已提交" in done.text and "已提交" in done.text
    # The apply link leads back to the one application of the organisation.
    again = client.get(f"{base}/apply", follow_redirects=False)
    assert again.status_code == 303 and "/applications/" in again.headers["location"]
    mine = client.get("/me/challenge-applications")
    assert PROPOSAL["title"] in mine.text


def test_no_application_after_the_deadline(client: TestClient, session: Session) -> None:
    cast = make_cast(session, solvers=1)
    cast.challenge.application_deadline = today() - timedelta(days=1)
    session.flush()
    base = f"/challenges/{cast.challenge.id}"
    login(client, cast.solver_users[0])
    detail = client.get(base)
    assert "我要揭榜" not in detail.text and f"{base}/apply" not in detail.text
    assert "揭榜申请已于" in detail.text and "截止" in detail.text
    page = client.get(f"{base}/apply")
    assert "不能再提交申请" in page.text
    token = page_csrf(client, f"{base}/apply")
    refused = client.post(f"{base}/apply", data={**FORM, "csrf_token": token})
    assert refused.status_code == 409 and "揭榜已于" in refused.text


def test_review_desk_shows_who_was_excluded_and_why(client: TestClient, session: Session) -> None:
    cast = make_cast(session, solvers=1)
    assert cast.admin is not None
    base = f"/challenges/{cast.challenge.id}"
    conflicted = make_expert(session, org=cast.publisher, name="钱评审")
    free = make_expert(session, name="赵评审")
    login(client, cast.admin)
    token = page_csrf(client, f"{base}/review")
    saved = client.post(
        f"{base}/review/panel",
        data={"csrf_token": token, "expert_ids": [str(conflicted.id), str(free.id)]},
        follow_redirects=True,
    )
    assert "1 位专家因利益冲突自动回避：钱评审" in saved.text
    assert f"所在机构“{cast.publisher.name}”是发榜单位" in saved.text
    assert "回避" in saved.text and "赵评审" in saved.text
    assert "回避后至少需要 3 位参评专家" in saved.text  # KC_CHALLENGE_MIN_PANEL
    refused = client.post(f"{base}/review/open", data={"csrf_token": token}, follow_redirects=True)
    assert "截止后才能开始评分" in refused.text


def test_people_without_a_seat_cannot_open_the_desks(client: TestClient, session: Session) -> None:
    cast = make_cast(session, solvers=1)
    base = f"/challenges/{cast.challenge.id}"
    login(client, cast.solver_users[0])
    assert client.get(f"{base}/review").status_code == 403
    assert client.get(f"{base}/scoring").status_code == 403


def test_awarded_challenge_is_on_view_with_its_winner(client: TestClient, session: Session) -> None:
    cast = make_cast(session, solvers=2)
    decide(session, cast)
    base = f"/challenges/{cast.challenge.id}"
    public = client.get(base)
    assert public.status_code == 200
    assert "已揭榜" in public.text and f"揭榜方：{cast.solvers[0].name}" in public.text
    assert "登录后揭榜" not in public.text and f"{base}/apply" not in public.text
    # The losing applicant is pointed to its own application, not to a new one.
    login(client, cast.solver_users[1])
    page = client.get(base)
    assert "我要揭榜" not in page.text and "/me/challenge-applications" in page.text
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, cast.owner)
    owned = client.get(base)
    assert f"评审已确定揭榜方：{cast.solvers[0].name}" in owned.text
    assert f'href="{base}/edit"' not in owned.text
