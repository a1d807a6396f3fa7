"""The issue's check: a challenge runs from application to award and acceptance, with the
conflicted experts excluded and every applicant told their scores, rank and the reasons."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.challenges.service import today
from app.models import AuditEvent, Notification
from tests.factories.challenges import PDF, PROPOSAL, make_cast, make_expert
from tests.orgs.test_endpoints import bearer


def test_challenge_from_application_to_acceptance(client: TestClient, session: Session) -> None:
    cast = make_cast(session, solvers=3)
    challenge = cast.challenge
    assert cast.admin is not None
    base = f"/api/v1/challenges/{challenge.id}"
    as_admin = bearer(session, cast.admin)
    as_solver = [bearer(session, u) for u in cast.solver_users]
    university = cast.solvers[0]

    # --- 揭榜: drafts, attachments, submit, withdraw
    assert (
        client.post(f"{base}/applications", json=PROPOSAL, headers=bearer(session, cast.owner))
    ).status_code == 403
    draft = client.post(
        f"{base}/applications", json={"title": "耐候增透膜系方案"}, headers=as_solver[0]
    )
    assert draft.status_code == 201, draft.text
    first = draft.json()
    assert first["status"] == "draft" and first["org_name"] == university.name
    incomplete = client.post(f"{base}/applications/{first['id']}/submit", headers=as_solver[0])
    assert incomplete.status_code == 422
    assert incomplete.json()["errors"]["plan"] == "请填写技术方案"
    assert incomplete.json()["errors"]["meets_requirements"] == "请确认本单位满足榜单的揭榜硬性条件"
    updated = client.patch(
        f"{base}/applications/{first['id']}", json=PROPOSAL, headers=as_solver[0]
    ).json()
    assert updated["budget"] == "750000.00"
    uploaded = client.post(
        f"{base}/applications/{first['id']}/attachments",
        files={"file": ("方案.pdf", PDF, "application/pdf")},
        headers=as_solver[0],
    )
    assert uploaded.status_code == 201, uploaded.text
    submitted = client.post(f"{base}/applications/{first['id']}/submit", headers=as_solver[0])
    assert submitted.json()["status"] == "submitted"
    again = client.post(f"{base}/applications", json=PROPOSAL, headers=as_solver[0])
    assert again.status_code == 409 and "已揭榜" in again.json()["detail"]

    ids = [first["id"]]
    for headers in as_solver[1:]:
        created = client.post(f"{base}/applications", json=PROPOSAL, headers=headers).json()
        client.post(f"{base}/applications/{created['id']}/submit", headers=headers)
        ids.append(created["id"])
    withdrawn = client.post(f"{base}/applications/{ids[2]}/withdraw", headers=as_solver[2])
    assert withdrawn.json()["status"] == "withdrawn"
    # A solver sees only its own application; the staff see all of them.
    assert [
        a["id"] for a in client.get(f"{base}/applications", headers=as_solver[1]).json()["items"]
    ] == [ids[1]]
    assert len(client.get(f"{base}/applications", headers=as_admin).json()["items"]) == 3

    # --- the panel: conflicted experts are excluded, with the reason shown
    free = [make_expert(session, name=f"独立专家{i}") for i in range(3)]
    same_as_publisher = make_expert(session, org=cast.publisher, name="发榜单位专家")
    same_as_applicant = make_expert(session, org=university, name="揭榜单位专家")
    experts = [*free, same_as_publisher, same_as_applicant]
    formed = client.put(
        f"{base}/panel", json={"expert_ids": [e.id for e in experts]}, headers=as_admin
    )
    assert formed.status_code == 200, formed.text
    members = {m["expert_name"]: m for m in formed.json()["members"]}
    assert members["发榜单位专家"]["status"] == "excluded"
    assert members["发榜单位专家"]["conflicts"] == [f"所在机构“{cast.publisher.name}”是发榜单位"]
    assert members["揭榜单位专家"]["conflicts"] == [f"所在机构“{university.name}”是揭榜单位"]
    assert all(members[e.name]["status"] == "eligible" for e in free)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "challenge_panel.form")
    ).one()
    assert "发榜单位专家回避" in event.summary
    assert (
        client.put(
            f"{base}/panel", json={"expert_ids": [free[0].id]}, headers=as_solver[0]
        ).status_code
        == 403
    )

    # Scoring waits for the deadline; after it nobody can apply any more.
    early = client.post(f"{base}/panel/open", headers=as_admin)
    assert early.status_code == 409 and "截止后才能开始评分" in early.json()["detail"]
    challenge.application_deadline = today() - timedelta(days=1)
    session.flush()
    late = client.post(f"{base}/applications/{ids[2]}/submit", headers=as_solver[2])
    assert late.status_code == 409
    assert late.json()["detail"].startswith("揭榜已于") and "截止" in late.json()["detail"]
    opened = client.post(f"{base}/panel/open", headers=as_admin)
    assert opened.json()["status"] == "scoring", opened.text

    # --- scoring: excluded experts cannot score; each expert sees only their own scores
    sheet = {
        "items": [
            {"score": 80, "comment": "膜系设计合理"},
            {"score": 70, "comment": "中试线尚需扩产"},
        ]
    }
    refused = client.put(
        f"{base}/applications/{ids[0]}/score",
        json=sheet,
        headers=bearer(session, same_as_applicant),
    )
    assert refused.status_code in (403, 404)
    # Application 1: (80,70) (90,60) (70,80) → criterion means 80 / 70, mean 76.
    # Application 2: (70,85) ×3 → criterion means 70 / 85, mean 76: a tie broken by the
    # heavier criterion (技术先进性, 60%).
    marks = {
        ids[0]: [(80, 70), (90, 60), (70, 80)],
        ids[1]: [(70, 85), (70, 85), (70, 85)],
    }
    as_expert = [bearer(session, e) for e in free]
    for n, headers in enumerate(as_expert):
        for application_id, rows in marks.items():
            a, b = rows[n]
            body = {
                "items": [
                    {"score": a, "comment": f"先进性评语{n}"},
                    {"score": b, "comment": f"产业化评语{n}"},
                ]
            }
            saved = client.put(
                f"{base}/applications/{application_id}/score", json=body, headers=headers
            )
            assert saved.status_code == 200, saved.text
        if n == 0:
            own = client.get(f"{base}/scores", headers=headers).json()["items"]
            assert {s["expert_id"] for s in own} == {free[0].id}
            unfinished = client.post(f"{base}/panel/close", headers=as_admin)
            assert (
                unfinished.status_code == 409 and "独立专家1尚未评" in unfinished.json()["detail"]
            )
    closed = client.post(f"{base}/panel/close", headers=as_admin)
    assert closed.json()["status"] == "closed", closed.text
    assert len(client.get(f"{base}/scores", headers=as_expert[0]).json()["items"]) == 6

    ranking = client.get(f"{base}/ranking", headers=as_admin).json()["items"]
    assert [(r["application_id"], r["rank"], r["mean_score"]) for r in ranking] == [
        (ids[0], 1, "76.00"),
        (ids[1], 2, "76.00"),
    ]
    assert "技术先进性" in ranking[1]["rank_note"] and "排在其后" in ranking[1]["rank_note"]
    assert ranking[0]["criteria_means"] == ["80.00", "70.00"]

    # --- award: the winner, the reason, feedback to every applicant
    no_reason = client.post(
        f"{base}/award", json={"application_id": ids[0], "reason": ""}, headers=as_admin
    )
    assert no_reason.status_code == 422
    awarded = client.post(
        f"{base}/award",
        json={
            "application_id": ids[0],
            "reason": "综合得分并列第一，技术先进性更优",
            "tranches": [30, 30, 40],
        },
        headers=as_admin,
    )
    assert awarded.status_code == 200, awarded.text
    assert awarded.json()["status"] == "awarded" and awarded.json()["winner_id"] == ids[0]
    # The award is a 技术开发 contract: publisher 委托方, winner 受托方, one milestone a stage.
    contract_url = f"/api/v1/contracts/{awarded.json()['contract_id']}"
    contract = client.get(contract_url, headers=as_admin).json()
    assert contract["contract_type"] == "development"
    assert contract["total_amount"] == "800000.00"
    assert {p["org_id"]: p["role"] for p in contract["parties"]} == {
        cast.publisher.id: "client",
        university.id: "contractor",
    }
    assert [(m["name"], m["amount"]) for m in contract["milestones"]] == [
        ("实施", "240000.00"),
        ("中期检查", "240000.00"),
        ("验收", "320000.00"),
    ]

    for user, application_id, outcome, rank in (
        (cast.solver_users[0], ids[0], "揭榜成功", 1),
        (cast.solver_users[1], ids[1], "未中榜", 2),
    ):
        note = session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.topic == "challenge.result"
            )
        ).one()
        assert outcome in note.title and f"第 {rank} 名" in note.body and "技术先进性" in note.body
        result = client.get(
            f"{base}/applications/{application_id}", headers=bearer(session, user)
        ).json()["feedback"]
        assert result["rank"] == rank and result["outcome"] == outcome
        assert result["decision_reason"] == "综合得分并列第一，技术先进性更优"
        assert [c["mean"] for c in result["criteria"]] == (
            ["80.00", "70.00"] if rank == 1 else ["70.00", "85.00"]
        )
        assert result["criteria"][0]["comments"][0].startswith("专家1")
    withdrawn_user = cast.solver_users[2]
    assert not session.scalars(
        select(Notification).where(
            Notification.user_id == withdrawn_user.id, Notification.topic == "challenge.result"
        )
    ).all()

    # --- milestones: each acceptance releases the next tranche, in order
    milestones = client.get(f"{base}/milestones", headers=as_solver[0]).json()["items"]
    assert [(m["name"], m["percent"], m["amount"]) for m in milestones] == [
        ("实施", 30, "240000.00"),
        ("中期检查", 30, "240000.00"),
        ("验收", 40, "320000.00"),
    ]
    assert client.get(f"{base}/milestones", headers=as_solver[1]).status_code == 404
    skipped = client.post(
        f"{base}/milestones/2/submit", json={"report": "中期报告"}, headers=as_solver[0]
    )
    assert skipped.status_code == 409 and "请先完成上一阶段“实施”" in skipped.json()["detail"]
    premature = client.post(f"{base}/milestones/1/accept", headers=as_admin)
    assert premature.status_code == 409
    for seq in (1, 2, 3):
        report = client.post(
            f"{base}/milestones/{seq}/submit",
            json={"report": f"第{seq}阶段工作报告"},
            headers=as_solver[0],
        )
        assert report.json()["status"] == "submitted", report.text
        if seq == 2:
            back = client.post(
                f"{base}/milestones/2/return", json={"reason": "缺少盐雾试验报告"}, headers=as_admin
            )
            assert back.json()["status"] == "returned"
            client.post(
                f"{base}/milestones/2/submit",
                json={"report": "补充了盐雾试验报告"},
                headers=as_solver[0],
            )
        accepted = client.post(f"{base}/milestones/{seq}/accept", headers=as_admin)
        assert accepted.json()["status"] == "accepted" and accepted.json()["released_at"]
    released = client.get(f"{base}/milestones", headers=as_admin).json()["items"]
    assert sum(Decimal(m["amount"]) for m in released if m["released_at"]) == Decimal("800000.00")
    paid = client.get(contract_url, headers=as_admin).json()
    assert paid["paid_amount"] == "800000.00"
    assert [p["amount"] for p in paid["payments"]] == ["240000.00", "240000.00", "320000.00"]
    assert [m["completed_on"] for m in paid["milestones"]] == [today().isoformat()] * 3
