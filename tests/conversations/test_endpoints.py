"""Conversations over the JSON API: opening once, reading, blocks, reports and who may see."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.conversations import service
from app.models import AuditEvent, Conversation, Notification, OutboxMessage
from tests.conversations.conftest import SECRET, Cast
from tests.factories.challenges import PDF

API = "/api/v1/conversations"
PREFS = "/api/v1/notifications/preferences"


def _open(client: TestClient, session: Session, cast: Cast, body: str = "想了解许可条件") -> int:
    response = client.post(
        API,
        json={"subject_type": "listing", "subject_id": cast.listing.id, "body": body},
        headers=cast.auth(session, cast.buyer),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


class TestOpen:
    def test_one_conversation_per_pair_and_listing(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast)
        again = client.post(
            API,
            json={"subject_type": "listing", "subject_id": cast.listing.id, "body": "再问一次"},
            headers=cast.auth(session, cast.colleague),
        )
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert again.json()["conversation_id"] == conversation_id
        assert "已有该会话" in again.json()["detail"]
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1
        audits = session.scalar(
            select(func.count()).where(AuditEvent.action == "conversation.open")
        )
        assert audits == 1

    def test_not_with_own_organisation_nor_unpublished_nor_bad_input(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        own = client.post(
            API,
            json={"subject_type": "listing", "subject_id": cast.listing.id, "body": "自己"},
            headers=cast.auth(session, cast.professor),
        )
        assert own.status_code == 409 and "本机构" in own.json()["detail"]
        missing = client.post(
            API,
            json={"subject_type": "listing", "subject_id": 999999, "body": "你好"},
            headers=cast.auth(session, cast.buyer),
        )
        assert missing.status_code == 404
        empty = client.post(
            API,
            json={"subject_type": "direct", "org_id": cast.university.id, "body": "   "},
            headers=cast.auth(session, cast.buyer),
        )
        assert empty.status_code == 422
        assert empty.headers["content-type"].startswith("application/problem+json")
        bad_quote = client.post(
            API,
            json={
                "subject_type": "direct",
                "org_id": cast.university.id,
                "body": "请看",
                "quote_listing_id": 999999,
            },
            headers=cast.auth(session, cast.buyer),
        )
        assert bad_quote.status_code == 422 and "引用的信息" in bad_quote.text
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0

    def test_direct_conversation(self, client: TestClient, session: Session, cast: Cast) -> None:
        response = client.post(
            API,
            json={"subject_type": "direct", "org_id": cast.university.id, "body": "直接联系"},
            headers=cast.auth(session, cast.buyer),
        )
        assert response.status_code == 201, response.text
        assert response.json()["title"] == "吉林光电大学"


class TestReadState:
    def test_unread_counts_follow_reading_and_replies(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast)
        prof = cast.auth(session, cast.professor)
        buyer = cast.auth(session, cast.buyer)
        inbox = client.get(API, headers=prof).json()
        assert inbox["total"] == 1 and inbox["items"][0]["unread"] == 1
        mark = client.post(f"{API}/{conversation_id}/read", headers=prof)
        assert mark.status_code == 200
        assert client.get(API, headers=prof).json()["items"][0]["unread"] == 0
        reply = client.post(
            f"{API}/{conversation_id}/messages", json={"body": "可以，许可费面议"}, headers=prof
        )
        assert reply.status_code == 201 and reply.json()["author_name"] == "李教授"
        assert client.get(API, headers=buyer).json()["items"][0]["unread"] == 1
        # A mark sent from a page opened earlier does not unread the newer message.
        first = client.get(f"{API}/{conversation_id}/messages", headers=buyer).json()["items"]
        client.post(f"{API}/{conversation_id}/read", headers=buyer)
        back = client.post(
            f"{API}/{conversation_id}/read", json={"up_to": first[-1]["id"]}, headers=buyer
        )
        assert back.json()["last_read_message_id"] == first[0]["id"]

    def test_messages_are_paginated_newest_first(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast, body="第1条")
        buyer = cast.auth(session, cast.buyer)
        for n in range(2, 5):
            client.post(
                f"{API}/{conversation_id}/messages", json={"body": f"第{n}条"}, headers=buyer
            )
        page = client.get(f"{API}/{conversation_id}/messages?size=3", headers=buyer).json()
        assert page["total"] == 4
        assert [m["body"] for m in page["items"]] == ["第4条", "第3条", "第2条"]


class TestNotifications:
    def test_every_message_is_noticed_but_mailed_once_per_interval(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast)
        buyer = cast.auth(session, cast.buyer)
        for body in ("补充一", "补充二", "补充三"):
            client.post(f"{API}/{conversation_id}/messages", json={"body": body}, headers=buyer)
        notes = session.scalar(
            select(func.count()).where(
                Notification.user_id == cast.professor.id,
                Notification.topic == "conversation.message",
            )
        )
        assert notes == 4  # every message is noticed in the app
        mails = [
            m
            for m in session.scalars(select(OutboxMessage))
            if cast.professor.email in str(m.payload)
        ]
        assert len(mails) == 1  # one mail for the conversation within the interval

    def test_people_choose_how_they_hear_of_new_messages(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        professor = cast.auth(session, cast.professor)
        kinds = {
            p["kind"]: p
            for p in client.get(PREFS, params={"size": 100}, headers=professor).json()["items"]
        }
        assert kinds["conversation.message"]["label"] == "互动交流新消息"
        choice = [{"kind": "conversation.message", "in_app": True, "mail": False}]
        assert client.put(PREFS, json=choice, headers=professor).status_code == 200
        _open(client, session, cast, body="想了解样机价格")
        notes = client.get("/api/v1/notifications", headers=professor).json()["items"]
        assert notes[0]["title"].startswith("会话“") and notes[0]["body"] == "赵总：想了解样机价格"
        mails = [
            m
            for m in session.scalars(select(OutboxMessage))
            if cast.professor.email in str(m.payload)
        ]
        assert mails == []  # mail turned off for this kind


class TestConfidentiality:
    def test_a_quoted_listing_shows_only_its_public_part(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        response = client.post(
            API,
            json={
                "subject_type": "direct",
                "org_id": cast.university.id,
                "body": "请看这项成果",
                "quote_listing_id": cast.listing.id,
            },
            headers=cast.auth(session, cast.buyer),
        )
        conversation_id = response.json()["id"]
        # Even the owner, who may read the confidential section on the listing page, sees
        # only the public part in the thread.
        thread = client.get(
            f"{API}/{conversation_id}/messages", headers=cast.auth(session, cast.professor)
        )
        quote = thread.json()["items"][0]["quote"]
        assert quote["title"] == cast.listing.title
        assert SECRET not in thread.text
        assert "详细技术方案" not in thread.text  # the description is a detail, not public
        assert "wang@example.cn" not in thread.text


class TestWhoMaySee:
    def test_permission_matrix(self, client: TestClient, session: Session, cast: Cast) -> None:
        conversation_id = _open(client, session, cast)
        url = f"{API}/{conversation_id}"
        expected = {
            "buyer": (cast.buyer, 200),
            "colleague": (cast.colleague, 200),
            "professor": (cast.professor, 200),
            "outsider": (cast.outsider, 404),
            "admin": (cast.admin, 404),  # staff see reported threads only
            "district_admin": (cast.district_admin, 404),
        }
        for name, (user, code) in expected.items():
            headers = cast.auth(session, user)
            assert client.get(url, headers=headers).status_code == code, name
            assert client.get(f"{url}/messages", headers=headers).status_code == code, name
        assert client.get(url).status_code == 401
        outsider_post = client.post(
            f"{url}/messages", json={"body": "插话"}, headers=cast.auth(session, cast.outsider)
        )
        assert outsider_post.status_code == 404
        admin_list = client.get(
            API, params={"reported": "true"}, headers=cast.auth(session, cast.admin)
        )
        assert admin_list.json()["total"] == 0
        member_list = client.get(
            API, params={"reported": "true"}, headers=cast.auth(session, cast.buyer)
        )
        assert member_list.status_code == 403

    def test_staff_read_a_reported_thread_until_they_resolve_it(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast)
        url = f"{API}/{conversation_id}"
        admin = cast.auth(session, cast.admin)
        reported = client.post(
            f"{url}/reports",
            json={"reason": "对方发送推销广告"},
            headers=cast.auth(session, cast.professor),
        )
        assert reported.status_code == 201
        assert client.get(url, headers=admin).json()["reported"] is True
        assert client.get(API, params={"reported": "true"}, headers=admin).json()["total"] == 1
        # The district administrator of another region still sees nothing.
        assert client.get(url, headers=cast.auth(session, cast.district_admin)).status_code == 404
        # Staff read; they never write in the thread.
        staff_post = client.post(f"{url}/messages", json={"body": "管理员"}, headers=admin)
        assert staff_post.status_code == 403
        outsider_report = client.post(
            f"{url}/reports", json={"reason": "看看"}, headers=cast.auth(session, cast.outsider)
        )
        assert outsider_report.status_code == 404
        resolved = client.post(
            f"{url}/reports/resolve", json={"resolution": "已警告对方"}, headers=admin
        )
        assert resolved.status_code == 200
        again = client.post(
            f"{url}/reports/resolve", json={"resolution": "再次处理"}, headers=admin
        )
        assert again.status_code == 404  # resolved: the thread is private again
        assert client.get(url, headers=admin).status_code == 404


class TestBlocks:
    def test_a_blocked_organisation_can_no_longer_write(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast)
        prof = cast.auth(session, cast.professor)
        buyer = cast.auth(session, cast.buyer)
        blocked = client.post(f"{API}/blocks", json={"org_id": cast.enterprise.id}, headers=prof)
        assert blocked.status_code == 201
        twice = client.post(f"{API}/blocks", json={"org_id": cast.enterprise.id}, headers=prof)
        assert twice.status_code == 409
        post = client.post(
            f"{API}/{conversation_id}/messages", json={"body": "还在吗"}, headers=buyer
        )
        assert post.status_code == 403 and "不接收" in post.json()["detail"]
        direct = client.post(
            API,
            json={"subject_type": "direct", "org_id": cast.university.id, "body": "换个方式"},
            headers=buyer,
        )
        assert direct.status_code == 403
        own = client.post(f"{API}/{conversation_id}/messages", json={"body": "回复"}, headers=prof)
        assert own.status_code == 409 and "解除屏蔽" in own.json()["detail"]
        listed = client.get(f"{API}/blocks", headers=prof).json()
        assert [b["org_name"] for b in listed["items"]] == ["长春激光装备有限公司"]
        member = client.post(
            f"{API}/blocks",
            json={"org_id": cast.university.id},
            headers=cast.auth(session, cast.colleague),
        )
        assert member.status_code == 403
        assert client.delete(f"{API}/blocks/{cast.enterprise.id}", headers=prof).status_code == 204
        post = client.post(
            f"{API}/{conversation_id}/messages", json={"body": "还在吗"}, headers=buyer
        )
        assert post.status_code == 201


class TestAttachments:
    def test_documents_are_checked_and_private(
        self, client: TestClient, session: Session, cast: Cast
    ) -> None:
        conversation_id = _open(client, session, cast)
        buyer = cast.auth(session, cast.buyer)
        url = f"{API}/{conversation_id}/attachments"
        fake = client.post(
            url, files={"file": ("方案.pdf", b"just text", "application/pdf")}, headers=buyer
        )
        assert fake.status_code == 422 and "PDF" in fake.text
        real = client.post(url, files={"file": ("方案.pdf", PDF, "application/pdf")}, headers=buyer)
        assert real.status_code == 201, real.text
        attachment_id = real.json()["id"]
        listed = client.get(url, headers=cast.auth(session, cast.professor)).json()
        assert listed["total"] == 1 and listed["items"][0]["filename"] == "方案.pdf"
        assert client.get(url, headers=cast.auth(session, cast.outsider)).status_code == 404
        got = client.get(f"{url}/{attachment_id}", headers=cast.auth(session, cast.professor))
        assert got.status_code == 200 and got.content == PDF
        hidden = client.get(f"{url}/{attachment_id}", headers=cast.auth(session, cast.outsider))
        assert hidden.status_code == 404


class TestRateLimit:
    def test_too_many_messages_a_minute_are_refused(
        self, client: TestClient, session: Session, cast: Cast, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(service, "MESSAGES_PER_MINUTE", 3)
        conversation_id = _open(client, session, cast)
        buyer = cast.auth(session, cast.buyer)
        codes = [
            client.post(
                f"{API}/{conversation_id}/messages", json={"body": f"第{n}条"}, headers=buyer
            ).status_code
            for n in range(3)
        ]
        assert codes == [201, 201, 429]
