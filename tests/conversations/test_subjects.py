"""Conversations about an event and about a deal, opened from their pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.trading import deals
from app.trading.schemas import DealOpen
from tests.conversations.conftest import Cast
from tests.factories import challenges
from tests.factories.events import make_event, register
from tests.factories.fixtures import csrf_from, login
from tests.orgs.test_endpoints import bearer

API = "/api/v1/conversations"


def test_an_event_participant_contacts_another(
    client: TestClient, session: Session, cast: Cast
) -> None:
    event = make_event(session, cast.admin)
    register(session, event, cast.professor)
    register(session, event, cast.buyer)
    login(client, cast.buyer)
    page = client.get(f"/events/{event.id}")
    assert f'name="org_id" value="{cast.university.id}"' in page.text
    sent = client.post(
        "/messages",
        data={
            "subject_type": "event",
            "subject_id": str(event.id),
            "org_id": str(cast.university.id),
            "back": f"/events/{event.id}",
            "body": "会上想约您详谈",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/messages/")
    outsider = client.post(
        API,
        json={
            "subject_type": "event",
            "subject_id": event.id,
            "org_id": cast.outsider.org_id,
            "body": "你好",
        },
        headers=cast.auth(session, cast.buyer),
    )
    assert outsider.status_code == 422 and "没有报名" in outsider.text


def test_deal_parties_talk_about_their_deal(
    client: TestClient, session: Session, cast: Cast
) -> None:
    deal = deals.open_deal(
        session, Actor(user=cast.buyer), DealOpen(listing_id=cast.listing.id, message="想洽谈")
    )
    login(client, cast.professor)
    assert 'value="deal"' in client.get(f"/deals/{deal.id}").text
    opened = client.post(
        API,
        json={"subject_type": "deal", "subject_id": deal.id, "body": "合同细节另行沟通"},
        headers=cast.auth(session, cast.professor),
    )
    assert opened.status_code == 201
    assert {o["id"] for o in opened.json()["orgs"]} == {cast.university.id, cast.enterprise.id}
    stranger = client.post(
        API,
        json={"subject_type": "deal", "subject_id": deal.id, "body": "我也来"},
        headers=cast.auth(session, cast.outsider),
    )
    assert stranger.status_code == 404


def test_a_solver_contacts_the_publisher_from_the_challenge_page(
    client: TestClient, session: Session
) -> None:
    c = challenges.make_cast(session, solvers=1)
    solver = c.solver_users[0]
    login(client, solver)
    page = client.get(f"/challenges/{c.challenge.id}")
    assert 'name="subject_type" value="challenge"' in page.text
    sent = client.post(
        "/messages",
        data={
            "subject_type": "challenge",
            "subject_id": str(c.challenge.id),
            "org_id": str(c.publisher.id),
            "back": f"/challenges/{c.challenge.id}",
            "body": "关于指标中的透过率，想先请教测试条件",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    thread = client.get(sent.headers["location"]).text
    assert f"揭榜挂帅：{c.challenge.title}" in thread
    assert f'<a href="/challenges/{c.challenge.id}">查看揭榜挂帅</a>' in thread
    login(client, c.owner)
    inbox = client.get("/messages").text
    assert f"揭榜挂帅：{c.challenge.title}" in inbox


def test_the_publisher_writes_to_the_winner_only(client: TestClient, session: Session) -> None:
    c = challenges.make_cast(session, solvers=2)
    body = {"subject_type": "challenge", "subject_id": c.challenge.id, "body": "请联系我们"}
    before = client.post(
        API, json={**body, "org_id": c.solvers[0].id}, headers=bearer(session, c.owner)
    )
    assert before.status_code == 422 and "中榜单位" in before.text
    challenges.decide(session, c)  # the first solver wins
    loser = client.post(
        API, json={**body, "org_id": c.solvers[1].id}, headers=bearer(session, c.owner)
    )
    assert loser.status_code == 422 and "只能联系本榜单的中榜单位" in loser.text
    winner = client.post(
        API, json={**body, "org_id": c.solvers[0].id}, headers=bearer(session, c.owner)
    )
    assert winner.status_code == 201, winner.text
    assert winner.json()["subject_url"] == f"/challenges/{c.challenge.id}"
    shown = client.get(API, headers=bearer(session, c.solver_users[0])).json()["items"]
    assert [i["title"] for i in shown] == [f"揭榜挂帅：{c.challenge.title}"]
