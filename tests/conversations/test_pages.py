"""The inbox and thread pages, and the "联系对方" button that opens a conversation once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Conversation
from tests.conversations.conftest import SECRET, Cast
from tests.factories.challenges import PDF
from tests.factories.fixtures import csrf_from, login


def _contact(client: TestClient, cast: Cast, body: str) -> str:
    path = f"/achievements/{cast.listing.id}"
    token = csrf_from(client.get(path).text)
    response = client.post(
        "/messages",
        data={
            "subject_type": "listing",
            "subject_id": str(cast.listing.id),
            "org_id": str(cast.university.id),
            "back": path,
            "body": body,
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_contact_button_opens_one_thread(client: TestClient, session: Session, cast: Cast) -> None:
    login(client, cast.buyer)
    first = _contact(client, cast, "您好，想了解许可条件")
    second = _contact(client, cast, "再点一次")
    assert first == second and first.startswith("/messages/")
    assert session.scalar(select(func.count()).select_from(Conversation)) == 1
    thread = client.get(first)
    assert "您好，想了解许可条件" in thread.text and "再点一次" not in thread.text
    assert "已有该会话" in thread.text  # the second click was told so


def test_inbox_shows_unread_and_the_thread_marks_read(
    client: TestClient, session: Session, cast: Cast
) -> None:
    login(client, cast.buyer)
    location = _contact(client, cast, "您好，想了解许可条件")
    client.cookies.clear()
    login(client, cast.professor)
    inbox = client.get("/messages")
    assert "unread-count" in inbox.text and cast.listing.title in inbox.text
    thread = client.get(location)
    assert "您好，想了解许可条件" in thread.text and SECRET not in thread.text
    reply = client.post(
        location,
        data={"body": "欢迎来校参观", "csrf_token": csrf_from(thread.text)},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert "unread-count" not in client.get("/messages").text
    assert "欢迎来校参观" in client.get(location).text


def test_empty_inbox_and_hidden_threads(client: TestClient, session: Session, cast: Cast) -> None:
    login(client, cast.buyer)
    location = _contact(client, cast, "您好")
    client.cookies.clear()
    login(client, cast.outsider)
    assert "还没有会话" in client.get("/messages").text
    assert client.get(location).status_code == 404
    client.cookies.clear()
    login(client, cast.admin)
    assert "没有待处理的举报" in client.get("/messages?reported=true").text
    assert client.get(location).status_code == 404


def test_blank_message_is_refused_in_chinese(
    client: TestClient, session: Session, cast: Cast
) -> None:
    login(client, cast.buyer)
    location = _contact(client, cast, "您好")
    thread = client.get(location)
    refused = client.post(location, data={"body": " ", "csrf_token": csrf_from(thread.text)})
    assert refused.status_code == 200
    assert 'class="flash flash-error"' in refused.text and "必填" in refused.text


def test_the_personal_centre_links_the_inbox(client: TestClient, cast: Cast) -> None:
    login(client, cast.buyer)
    assert 'href="/messages"' in client.get("/me").text


def test_the_personal_centre_and_an_organisation_page_lead_to_conversations(
    client: TestClient, session: Session, cast: Cast
) -> None:
    login(client, cast.buyer)
    assert '<a href="/messages">互动交流</a>' in client.get("/me").text
    page = client.get(f"/orgs/{cast.university.id}").text
    assert 'name="subject_type" value="direct"' in page
    sent = client.post(
        "/messages",
        data={
            "subject_type": "direct",
            "org_id": str(cast.university.id),
            "back": f"/orgs/{cast.university.id}",
            "body": "想请贵校推荐激光方向的专家",
            "csrf_token": csrf_from(page),
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/messages/")
    thread = client.get(sent.headers["location"]).text
    assert "直接联系" in thread and "想请贵校推荐激光方向的专家" in thread
    # no button on one's own organisation's page
    assert 'value="direct"' not in client.get(f"/orgs/{cast.enterprise.id}").text


def test_report_block_and_attach_through_the_thread_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    login(client, cast.buyer)
    location = _contact(client, cast, "低价转让设备，先付定金")
    page = client.get(location).text
    sent = client.post(
        f"{location}/attachments",
        data={"csrf_token": csrf_from(page)},
        files={"file": ("报价单.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(location).text
    assert "报价单.pdf" in page and "上传了附件“报价单.pdf”" in page
    client.cookies.clear()
    login(client, cast.professor)
    page = client.get(location).text
    assert 'id="report-form"' in page and 'id="block-form"' in page
    token = csrf_from(page)
    client.post(f"{location}/report", data={"reason": "疑似诈骗", "csrf_token": token})
    client.post(f"{location}/block", data={"csrf_token": token})
    assert "解除屏蔽对方机构" in client.get(location).text
    client.cookies.clear()
    login(client, cast.buyer)
    refused = client.post(
        location,
        data={"body": "再考虑一下？", "csrf_token": csrf_from(client.get(location).text)},
    )
    assert "对方机构不接收贵机构的消息" in refused.text
    client.cookies.clear()
    login(client, cast.admin)
    reported = client.get("/messages?reported=true").text
    assert cast.listing.title in reported
    thread = client.get(location).text
    assert "您以管理员身份查看被举报的会话" in thread and "低价转让设备" in thread
    done = client.post(
        f"{location}/resolve",
        data={"resolution": "已核实并警告", "csrf_token": csrf_from(thread)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(location).status_code == 404  # private to the two sides again
