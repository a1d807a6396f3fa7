"""/projects pages: the applicant, the unit, the expert and the bureau, in the browser's way."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories.fixtures import login, page_csrf
from tests.factories.projects import draft, make_cast, ranked


def test_the_menu_and_the_programmes_with_their_clauses(
    client: TestClient, session: Session
) -> None:
    cast = make_cast(session, applicants=0)
    page = client.get("/projects")
    assert page.status_code == 200
    assert '<a href="/projects"' in client.get("/").text  # the menu item 项目管理
    for name in ("企业关键核心技术攻关", "重大科技专项", "长春市自然科学联合基金", "国际科技合作"):
        assert name in page.text
    assert "第26条" in page.text and cast.call.title in page.text
    call = client.get(f"/projects/calls/{cast.call.id}")
    assert "政策第3条" in call.text and "拟突破的关键核心技术" in call.text


def test_an_enterprise_applies_and_its_unit_sends_it(client: TestClient, session: Session) -> None:
    cast = make_cast(session, applicants=1)
    base = f"/projects/calls/{cast.call.id}"
    login(client, cast.members[0])
    token = page_csrf(client, base)
    started = client.post(
        f"{base}/apply",
        data={"csrf_token": token, "title": "雷达芯片封装攻关"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    url = started.headers["location"]
    form = client.get(url)
    assert "申报书" in form.text and "提交前还需完成" in form.text
    token = page_csrf(client, url)
    bad = client.post(
        f"{url}/edit",
        data={
            "csrf_token": token,
            "title": "雷达芯片封装攻关",
            "requested_amount": "120万",
            "answers.staff": "很多",
        },
    )
    assert bad.status_code == 422
    assert "不能超过本指南单个项目最高资助" in bad.text
    fixed = client.post(
        f"{url}/edit",
        data={
            "csrf_token": token,
            "title": "雷达芯片封装攻关",
            "summary": "围绕毫米波雷达芯片封装开展攻关",
            "requested_amount": "60万",
            "answers.key_tech": "低温共烧陶瓷基板工艺",
            "answers.self_funds": "100万",
            "answers.staff": "20",
            "answers.start_date": "2027-01-01",
            "answers.stage": "中试",
            "answers.pledge": "on",
            "version": "1",
        },
        follow_redirects=True,
    )
    assert "申报书已保存" in fixed.text, fixed.text[:2000]
    sent = client.post(f"{url}/do/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "已提交单位审核" in sent.text and "待单位审核" in sent.text

    client.get("/logout")
    login(client, cast.unit_admins[0])
    assert "雷达芯片封装攻关" in client.get("/projects/mine").text
    token = page_csrf(client, url)
    done = client.post(
        f"{url}/do/unit_approve", data={"csrf_token": token, "note": "属实"}, follow_redirects=True
    )
    assert "待形式审查" in done.text and f"XM{cast.call.year}" in done.text


def test_the_desk_and_the_experts_sheet(client: TestClient, session: Session) -> None:
    cast = make_cast(session, applicants=2)
    apps = ranked(session, cast)
    login(client, cast.admin)
    desk = client.get(f"/projects/calls/{cast.call.id}")
    assert "工作台" in desk.text and cast.orgs[0].name in desk.text and "排名" in desk.text
    detail = client.get(f"/projects/applications/{apps[0].id}")
    assert "批准立项" in detail.text and "不予立项" in detail.text
    token = page_csrf(client, f"/projects/applications/{apps[0].id}")
    over = client.post(
        f"/projects/applications/{apps[0].id}/do/approve",
        data={"csrf_token": token, "amount": "200万"},
        follow_redirects=True,
    )
    assert "不能超过本指南单个项目最高资助" in over.text
    client.get("/logout")
    login(client, cast.experts[0])
    sheet = client.get(f"/projects/calls/{cast.call.id}/scoring")
    assert "申请 1" in sheet.text and cast.orgs[0].name not in sheet.text


def test_someone_else_cannot_open_an_application(client: TestClient, session: Session) -> None:
    cast = make_cast(session, applicants=2)
    application = draft(session, cast, 0)
    login(client, cast.members[1])
    assert client.get(f"/projects/applications/{application.id}").status_code == 404


def test_the_call_and_its_guide_link_each_other(client: TestClient, session: Session) -> None:
    from app.models.enums import ContentKind
    from tests.factories.content import make_published

    guide = make_published(
        session, ContentKind.CALL, title="2027年度企业关键核心技术攻关项目申报指南（全文）"
    )
    cast = make_cast(session, applicants=0, content_id=guide.id)
    call_page = client.get(f"/projects/calls/{cast.call.id}")
    assert f'href="/calls/{guide.id}"' in call_page.text
    guide_page = client.get(f"/calls/{guide.id}")
    assert (
        f'href="/projects/calls/{cast.call.id}"' in guide_page.text
        and "在线申报" in guide_page.text
    )
