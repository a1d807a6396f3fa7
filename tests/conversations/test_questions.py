"""Public Q&A on a listing: asked by signed-in people, shown once the owner answers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conversations.conftest import Cast
from tests.factories.accounts import make_user
from tests.factories.fixtures import login


def _url(cast: Cast) -> str:
    return f"/api/v1/listings/{cast.listing.id}/questions"


def _ask(client: TestClient, session: Session, cast: Cast, body: str) -> int:
    response = client.post(_url(cast), json={"body": body}, headers=cast.auth(session, cast.buyer))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _public(client: TestClient, cast: Cast) -> list[str]:
    return [q["body"] for q in client.get(_url(cast)).json()["items"]]


class TestAsk:
    def test_signed_in_only_and_not_the_owner(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        assert client.post(_url(cast), json={"body": "是否支持分期付款？"}).status_code == 401
        own = client.post(
            _url(cast), json={"body": "自问自答一下"}, headers=cast.auth(session, cast.professor)
        )
        assert own.status_code == 409
        colleague = make_user(session, org=cast.university, name="王老师")  # not an editor
        asked = client.post(
            _url(cast),
            json={"body": "我们自己的成果也能提问吗"},
            headers=cast.auth(session, colleague),
        )
        assert asked.status_code == 409 and "本机构" in asked.json()["detail"]
        short = client.post(_url(cast), json={"body": "好"}, headers=cast.auth(session, cast.buyer))
        assert short.status_code == 422 and "4" in short.text

    def test_unanswered_questions_show_to_the_asker_and_owner_only(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        _ask(client, session, cast, "是否支持分期付款？")
        assert _public(client, cast) == []
        mine = client.get(_url(cast), headers=cast.auth(session, cast.buyer)).json()["items"]
        assert [q["mine"] for q in mine] == [True]
        owner = client.get(_url(cast), headers=cast.auth(session, cast.professor)).json()
        assert owner["total"] == 1 and owner["items"][0]["status"] == "pending"
        other = client.get(_url(cast), headers=cast.auth(session, cast.outsider)).json()
        assert other["total"] == 0


class TestAnswer:
    def test_a_public_answer_shows_with_the_listing(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        question_id = _ask(client, session, cast, "是否支持分期付款？")
        prof = cast.auth(session, cast.professor)
        answered = client.post(
            f"{_url(cast)}/{question_id}/answer",
            json={"answer": "支持按里程碑分三期"},
            headers=prof,
        )
        assert answered.status_code == 200
        assert _public(client, cast) == ["是否支持分期付款？"]
        page = client.get(f"/achievements/{cast.listing.id}")
        assert "支持按里程碑分三期" in page.text
        twice = client.post(
            f"{_url(cast)}/{question_id}/answer", json={"answer": "再答一次"}, headers=prof
        )
        assert twice.status_code == 409 and "已回答" in twice.json()["detail"]

    def test_a_private_answer_is_for_the_asker_only(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        question_id = _ask(client, session, cast, "贵方报价的底线是多少？")
        client.post(
            f"{_url(cast)}/{question_id}/answer",
            json={"answer": "六十万可谈", "private": True},
            headers=cast.auth(session, cast.professor),
        )
        assert _public(client, cast) == []
        assert "六十万可谈" not in client.get(f"/achievements/{cast.listing.id}").text
        mine = client.get(_url(cast), headers=cast.auth(session, cast.buyer)).json()["items"]
        assert mine[0]["answer"] == "六十万可谈" and mine[0]["is_private"] is True

    def test_only_the_owner_answers(self, client: TestClient, session: Session, cast: Cast) -> None:
        question_id = _ask(client, session, cast, "是否支持分期付款？")
        for user in (cast.buyer, cast.outsider):
            refused = client.post(
                f"{_url(cast)}/{question_id}/answer",
                json={"answer": "我来回答"},
                headers=cast.auth(session, user),
            )
            assert refused.status_code == 403


class TestModeration:
    def test_staff_hide_a_question(self, client: TestClient, session: Session, cast: Cast) -> None:
        question_id = _ask(client, session, cast, "加微信详聊：abc123")
        client.post(
            f"{_url(cast)}/{question_id}/answer",
            json={"answer": "请在平台沟通"},
            headers=cast.auth(session, cast.professor),
        )
        assert _public(client, cast) == ["加微信详聊：abc123"]
        refused = client.post(
            f"{_url(cast)}/{question_id}/hide", headers=cast.auth(session, cast.buyer)
        )
        assert refused.status_code == 403
        hidden = client.post(
            f"{_url(cast)}/{question_id}/hide",
            json={"note": "含站外联系方式"},
            headers=cast.auth(session, cast.admin),
        )
        assert hidden.status_code == 200
        assert _public(client, cast) == []
        asker = client.get(_url(cast), headers=cast.auth(session, cast.buyer)).json()
        assert asker["total"] == 0


class TestPage:
    def test_ask_and_answer_on_the_listing_page(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        path = f"/achievements/{cast.listing.id}"
        login(client, cast.buyer)
        page = client.get(path)
        assert 'id="ask-form"' in page.text and "联系对方" in page.text
        from tests.factories.fixtures import csrf_from

        sent = client.post(
            f"/listing-questions/{cast.listing.id}",
            data={"body": "能否提供样件测试？", "back": path, "csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        assert "能否提供样件测试？" in client.get(path).text  # the asker sees their question
        client.post("/logout", data={"csrf_token": csrf_from(client.get(path).text)})
        assert "能否提供样件测试？" not in client.get(path).text
