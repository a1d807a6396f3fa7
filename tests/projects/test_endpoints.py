"""/api/v1/projects: a project through the API, refusals as problem+json, paginated lists."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.clock import today
from tests.factories.projects import ANSWERS, CRITERIA, FORM, make_cast
from tests.orgs.test_endpoints import bearer

API = "/api/v1/projects"


def test_staff_draft_and_publish_a_call(client: TestClient, session: Session) -> None:
    cast = make_cast(session, applicants=0)
    staff = bearer(session, cast.admin)
    body = {
        "programme": "loan_interest",
        "title": "2027年度科技型中小企业贷款贴息项目申报指南",
        "year": today().year,
        "opens_on": str(today()),
        "closes_on": str(today() + timedelta(days=30)),
        "budget": "300万",
        "max_amount": "50万",
        "criteria": CRITERIA,
        "form": FORM,
    }
    over_cap = client.post(f"{API}/calls", json=body, headers=staff)
    assert over_cap.status_code == 422
    assert over_cap.headers["content-type"].startswith("application/problem+json")
    assert "最高300,000.00元（政策第26条）" in over_cap.text
    created = client.post(f"{API}/calls", json={**body, "max_amount": "30万"}, headers=staff)
    assert created.status_code == 201, created.text
    call = created.json()
    assert call["status_label"] == "草稿" and call["item_no"] == 26
    assert client.get(f"{API}/calls/{call['id']}").status_code == 404  # a draft is not public
    published = client.post(f"{API}/calls/{call['id']}/publish", headers=staff)
    assert published.json()["status_label"] == "申报中"
    listed = client.get(f"{API}/calls", params={"programme": "loan_interest"}).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == call["id"]
    member = bearer(session, make_cast(session, applicants=1).members[0])
    refused = client.post(f"{API}/calls/{call['id']}/publish", headers=member)
    assert refused.status_code == 403 and "平台管理员" in refused.json()["detail"]


def test_an_application_through_the_api(client: TestClient, session: Session) -> None:
    cast = make_cast(session, applicants=1)
    member, unit = bearer(session, cast.members[0]), bearer(session, cast.unit_admins[0])
    staff = bearer(session, cast.admin)
    path = f"{API}/calls/{cast.call.id}/applications"

    bad = client.post(
        path, json={"title": "雷达芯片封装攻关", "answers": {"self_funds": "很多"}}, headers=member
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["answers.self_funds"].startswith("自筹资金：金额格式不正确")

    created = client.post(
        path,
        json={"title": "雷达芯片封装攻关", "requested_amount": "60万", "answers": ANSWERS},
        headers=member,
    )
    assert created.status_code == 201, created.text
    app = created.json()
    assert app["answers"]["self_funds"] == "1200000.00" and app["actions"][:2] == ["edit", "submit"]
    again = client.post(path, json={"title": "雷达芯片封装攻关二"}, headers=member)
    assert again.status_code == 409 and "限报一项" in again.json()["detail"]

    one = f"{API}/applications/{app['id']}"
    stale = client.patch(one, json={"summary": "新简介", "version": 9}, headers=member)
    assert stale.status_code == 409
    saved = client.patch(one, json={"summary": "毫米波雷达芯片封装"}, headers=member)
    assert saved.json()["version"] == 2

    assert client.post(f"{one}/submit", json={}, headers=member).status_code == 200
    no_reason = client.post(f"{one}/unit_return", json={}, headers=unit)
    assert no_reason.status_code == 422 and "理由" in no_reason.text
    approved = client.post(f"{one}/unit_approve", json={"note": "情况属实"}, headers=unit)
    assert approved.json()["number"].startswith(f"XM{cast.call.year}")
    twice = client.post(f"{one}/unit_approve", json={}, headers=unit)
    assert twice.status_code == 409 and "当前状态为“待形式审查”" in twice.json()["detail"]
    assert client.post(f"{one}/formal_pass", json={}, headers=member).status_code == 403
    passed = client.post(f"{one}/formal_pass", json={"note": "材料齐全"}, headers=staff)
    assert passed.json()["status_label"] == "专家评审"

    progress = client.get(f"{one}/progress", headers=member).json()
    assert [s["label"] for s in progress["steps"]] == [
        "提交单位审核",
        "单位审核通过并报送",
        "形式审查通过",
    ]
    assert [s["state"] for s in progress["stages"]][:4] == ["done", "done", "done", "current"]
    mine = client.get(f"{API}/applications/mine", headers=member).json()
    assert mine["total"] == 1 and mine["items"][0]["id"] == app["id"]
    sent = client.get(path, headers=staff).json()
    assert sent["items"][0]["org_name"] == cast.orgs[0].name
    assert client.get(one).status_code == 404  # not for anonymous visitors


def test_review_over_the_api_is_blind(client: TestClient, session: Session) -> None:
    from tests.factories.projects import sent_in

    cast = make_cast(session, applicants=2)
    apps = sent_in(session, cast)
    staff = bearer(session, cast.admin)
    base = f"{API}/calls/{cast.call.id}"
    panel = client.put(
        f"{base}/panel", json={"expert_ids": [e.id for e in cast.experts]}, headers=staff
    )
    assert panel.status_code == 200 and panel.json()["total"] == 3
    early = client.post(f"{base}/scoring/open", headers=staff)
    assert early.status_code == 409 and "截止后" in early.json()["detail"]
    cast.call.closes_on = today() - timedelta(days=1)
    session.flush()
    assert client.post(f"{base}/scoring/open", headers=staff).status_code == 200
    expert = bearer(session, cast.experts[0])
    seen = client.get(f"{API}/applications/{apps[0].id}", headers=expert).json()
    assert seen["org_name"].startswith("申请 ") and seen["contact_phone"] == ""
    wrong = client.put(
        f"{base}/applications/{apps[0].id}/score", json={"items": [{"score": 80}]}, headers=expert
    )
    assert wrong.status_code == 422 and "应为 3 项评分" in wrong.text
    marks = {"items": [{"score": 80, "comment": "好"}] * 3}
    ok = client.put(f"{base}/applications/{apps[0].id}/score", json=marks, headers=expert)
    assert ok.status_code == 200 and ok.json()["total"] == "80.00"
    other = bearer(session, cast.experts[1])
    assert client.get(f"{base}/scores", headers=other).json()["total"] == 0
    closing = client.post(f"{base}/scoring/close", headers=staff)
    assert closing.status_code == 409 and "尚未评" in closing.json()["detail"]
