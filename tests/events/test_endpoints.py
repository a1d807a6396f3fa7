"""An organiser runs a 对接会 through the API: registration, requests, schedule, agendas,
check-in, outcomes and the report; nobody is double-booked."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.models import Meeting, MeetingRequest, Notification, User
from app.models.enums import ListingKind, MeetingRequestStatus, OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.events import event_payload, make_event, meetings_took_place, register
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, role=Role.PLATFORM_ADMIN, name="平台管理员")


@pytest.fixture
def people(session: Session) -> dict[str, User]:
    university = make_org(session, name="吉林大学", org_type=OrgType.UNIVERSITY)
    enterprise = make_org(session, name="长春启明星汽车电子有限公司")
    other = make_org(session, name="一汽富维")
    return {
        "prof": make_user(session, org=university, org_role=OrgRole.ADMIN, name="王教授"),
        "lab": make_user(session, org=university, name="李研究员"),
        "ceo": make_user(session, org=enterprise, org_role=OrgRole.ADMIN, name="赵董事长"),
        "cto": make_user(session, org=other, org_role=OrgRole.ADMIN, name="钱总工"),
    }


def _ids(client: TestClient, path: str, headers: dict[str, str]) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestCreate:
    def test_admin_creates_event_with_slots_and_tables(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        response = client.post(
            "/api/v1/events", json=event_payload(), headers=bearer(session, admin)
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "draft"
        assert len(body["slots"]) == 4  # two hours in 30-minute slots
        assert [t["name"] for t in body["tables"]] == ["01号桌", "02号桌", "03号桌"]
        assert body["organiser_ids"] == [admin.id]

    def test_member_cannot_create(
        self, client: TestClient, session: Session, people: dict[str, User]
    ) -> None:
        response = client.post(
            "/api/v1/events", json=event_payload(), headers=bearer(session, people["ceo"])
        )
        assert response.status_code == 403
        assert "管理员" in response.json()["detail"]

    def test_bad_window_is_refused_in_chinese(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        payload = event_payload()
        payload["registration_closes_at"] = payload["sessions"][0]["ends_at"]
        response = client.post("/api/v1/events", json=payload, headers=bearer(session, admin))
        assert response.status_code == 422
        assert "报名应在活动开始前截止" in response.text

    def test_a_title_of_invisible_characters_is_empty(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        payload = event_payload(title="\u200b\u200b\u200b\u200b\ufeff\x00")
        response = client.post("/api/v1/events", json=payload, headers=bearer(session, admin))
        assert response.status_code == 422
        assert response.json()["errors"]["title"] == "至少需要4个字符"

    def test_draft_hidden_from_public(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        event = make_event(session, admin, open_now=False)
        assert client.get(f"/api/v1/events/{event.id}").status_code == 404
        listed = client.get("/api/v1/events").json()
        assert event.id not in [e["id"] for e in listed["items"]]


class TestRegistration:
    def test_org_admin_registers_member_with_listings(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin)
        prof, lab = people["prof"], people["lab"]
        assert prof.org is not None
        listing = make_listing(session, prof.org, prof)
        response = client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={"user_id": lab.id, "position": "研究员", "listing_ids": [listing.id]},
            headers=bearer(session, prof),
        )
        assert response.status_code == 201, response.text
        assert response.json()["listing_ids"] == [listing.id]
        assert response.json()["checkin_code"]
        again = client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={"user_id": lab.id},
            headers=bearer(session, prof),
        )
        assert again.status_code == 409
        assert "已报名" in again.json()["detail"]

    def test_cannot_register_someone_from_another_org(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin)
        response = client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={"user_id": people["lab"].id},
            headers=bearer(session, people["ceo"]),
        )
        assert response.status_code == 403

    def test_cannot_bring_another_orgs_listing(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin)
        prof = people["prof"]
        assert prof.org is not None
        listing = make_listing(session, prof.org, prof)
        response = client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={"listing_ids": [listing.id]},
            headers=bearer(session, people["ceo"]),
        )
        assert response.status_code == 422
        assert "不属于报名人所在机构" in response.text

    def test_registration_closed(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin, open_now=False)
        response = client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={},
            headers=bearer(session, people["ceo"]),
        )
        assert response.status_code in (404, 409)


class TestRequests:
    def test_send_accept_decline_and_expire(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin)
        prof = register(session, event, people["prof"])
        ceo = register(session, event, people["ceo"])
        cto = register(session, event, people["cto"])
        sent = client.post(
            f"/api/v1/events/{event.id}/requests",
            json={"to_participant_id": ceo.id, "message": "希望交流车规级激光雷达透镜"},
            headers=bearer(session, people["prof"]),
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["status"] == "pending"
        note = (
            session.query(Notification)
            .filter_by(user_id=people["ceo"].id, topic="event.request")
            .one()
        )
        assert "王教授" in note.title
        # The sender cannot accept for the other side.
        own = client.post(
            f"/api/v1/events/{event.id}/requests/{sent.json()['id']}/accept",
            headers=bearer(session, people["prof"]),
        )
        assert own.status_code == 409
        accepted = client.post(
            f"/api/v1/events/{event.id}/requests/{sent.json()['id']}/accept",
            headers=bearer(session, people["ceo"]),
        )
        assert accepted.json()["status"] == "accepted"

        second = client.post(
            f"/api/v1/events/{event.id}/requests",
            json={"to_participant_id": cto.id},
            headers=bearer(session, people["prof"]),
        ).json()
        declined = client.post(
            f"/api/v1/events/{event.id}/requests/{second['id']}/decline",
            headers=bearer(session, people["cto"]),
        )
        assert declined.json()["status"] == "declined"

        third = client.post(
            f"/api/v1/events/{event.id}/requests",
            json={"to_participant_id": cto.id},
            headers=bearer(session, people["ceo"]),
        ).json()
        request = session.get(MeetingRequest, third["id"])
        assert request is not None
        request.expires_at = utcnow() - timedelta(minutes=1)
        session.flush()
        from app.events.service import expire_all_overdue

        assert expire_all_overdue(session) == 1
        assert request.status == MeetingRequestStatus.EXPIRED
        mine = _ids(client, f"/api/v1/events/{event.id}/requests", bearer(session, people["cto"]))[
            "items"
        ]
        assert Counter(r["status"] for r in mine) == {"declined": 1, "expired": 1}
        assert prof.id in {r["party_a_id"] for r in mine} | {r["party_b_id"] for r in mine}


def _full_event(
    client: TestClient, session: Session, admin: User, count: int = 8
) -> tuple[Any, list[Any], list[User]]:
    """An event with ``count`` participants from different organisations, every pair asked."""
    event = make_event(session, admin, tables=2)
    users = []
    for n in range(count):
        org = make_org(session, name=f"参会机构{n}")
        users.append(make_user(session, org=org, org_role=OrgRole.ADMIN, name=f"参会人{n}"))
    slots = [s["id"] for s in _detail(client, session, admin, event.id)["slots"]]
    parts = [
        register(
            session, event, u, unavailable_slot_ids=[slots[n % len(slots)]] if n % 3 == 0 else []
        )
        for n, u in enumerate(users)
    ]
    for i in range(len(parts)):
        for j in range(i + 1, len(parts)):
            response = client.post(
                f"/api/v1/events/{event.id}/requests",
                json={"to_participant_id": parts[j].id},
                headers=bearer(session, users[i]),
            )
            assert response.status_code == 201, response.text
            if (i + j) % 2 == 0:
                client.post(
                    f"/api/v1/events/{event.id}/requests/{response.json()['id']}/accept",
                    headers=bearer(session, users[j]),
                )
    return event, parts, users


def _detail(client: TestClient, session: Session, user: User, event_id: int) -> Any:
    return _ids(client, f"/api/v1/events/{event_id}", bearer(session, user))


def _assert_no_double_booking(
    meetings: list[dict[str, Any]], unavailable: dict[int, list[int]]
) -> None:
    seen_people: set[tuple[int, int]] = set()
    seen_tables: set[tuple[int, int]] = set()
    for m in meetings:
        assert (m["slot_id"], m["table_id"]) not in seen_tables
        seen_tables.add((m["slot_id"], m["table_id"]))
        for person in (m["party_a_id"], m["party_b_id"]):
            assert (person, m["slot_id"]) not in seen_people
            seen_people.add((person, m["slot_id"]))
            assert m["slot_id"] not in unavailable.get(person, [])


class TestScheduleToReport:
    def test_end_to_end(self, client: TestClient, session: Session, admin: User) -> None:
        event, parts, users = _full_event(client, session, admin)
        headers = bearer(session, admin)
        base = f"/api/v1/events/{event.id}"
        early = client.post(f"{base}/schedule", json={"time_limit": 1}, headers=headers)
        assert early.status_code == 409 and "截止报名" in early.json()["detail"]
        assert client.post(f"{base}/transitions/close", headers=headers).status_code == 200
        built = client.post(f"{base}/schedule", json={"time_limit": 2}, headers=headers)
        assert built.status_code == 200, built.text
        summary = built.json()
        # 4 slots × 2 tables; 28 requests; every place can be filled
        assert summary["placed"] == 8 and summary["standby"] == 20
        assert summary["objective"] <= summary["upper_bound"]
        meetings = _ids(client, f"{base}/schedule", headers)["items"]
        unavailable = {p.id: p.unavailable_slot_ids for p in parts}
        _assert_no_double_booking(meetings, unavailable)
        # Accepted requests come first: all placed meetings are accepted ones where possible.
        statuses = {
            r.id: r.status for r in session.query(MeetingRequest).filter_by(event_id=event.id)
        }
        assert (
            sum(statuses[m["request_id"]] == MeetingRequestStatus.ACCEPTED for m in meetings) >= 6
        )

        assert client.post(f"{base}/transitions/publish", headers=headers).status_code == 200
        person = next(
            p for p in parts if any(p.id in (m["party_a_id"], m["party_b_id"]) for m in meetings)
        )
        user = next(u for u in users if u.id == person.user_id)
        agenda = _ids(client, f"{base}/agenda", bearer(session, user))
        assert agenda["items"] and agenda["checkin_code"] == person.checkin_code
        ics = client.get(f"{base}/agenda.ics", headers=bearer(session, user))
        assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in ics.content and "洽谈".encode() in ics.content
        # Another participant cannot read this agenda.
        stranger = next(u for u in users if u.id != user.id)
        forbidden = client.get(
            f"{base}/agenda",
            params={"participant_id": person.id},
            headers=bearer(session, stranger),
        )
        assert forbidden.status_code == 403

        # Check-in: with one's own code, and by the organiser; twice is refused.
        own = client.post(
            f"{base}/checkins", json={"code": person.checkin_code}, headers=bearer(session, user)
        )
        assert own.status_code == 200 and own.json()["checked_in_at"]
        twice = client.post(f"{base}/checkins", json={"participant_id": person.id}, headers=headers)
        assert twice.status_code == 409 and "已于" in twice.json()["detail"]
        other = next(p for p in parts if p.id != person.id)
        assert (
            client.post(
                f"{base}/checkins", json={"participant_id": other.id}, headers=headers
            ).status_code
            == 200
        )

        # Cancellation keeps the other meetings and refills the freed place from standby.
        cancelled = meetings[0]
        cancel = client.post(
            f"{base}/meetings/{cancelled['id']}/cancel",
            json={"reason": "临时有事"},
            headers=headers,
        )
        assert cancel.status_code == 200 and cancel.json()["refilled"] == 1
        after = _ids(client, f"{base}/schedule", headers)["items"]
        assert len(after) == 8
        kept = {m["id"] for m in meetings[1:]}
        assert kept <= {m["id"] for m in after}
        _assert_no_double_booking(after, unavailable)

        # Outcomes feed the report, once the meetings took place.
        meetings_took_place(session, event)
        first, second = after[0], after[1]
        a_user = next(
            u for u in users for p in parts if p.user_id == u.id and p.id == first["party_a_id"]
        )
        contract = client.post(
            f"{base}/meetings/{first['id']}/outcome",
            json={"outcome": "contract", "amount": "120万", "note": "技术许可"},
            headers=bearer(session, a_user),
        )
        assert contract.status_code == 200, contract.text
        assert contract.json()["status"] == "held"
        missing_amount = client.post(
            f"{base}/meetings/{second['id']}/outcome", json={"outcome": "contract"}, headers=headers
        )
        assert missing_amount.status_code == 422 and "签约金额" in missing_amount.text
        intent = client.post(
            f"{base}/meetings/{second['id']}/outcome", json={"outcome": "intent"}, headers=headers
        )
        assert intent.status_code == 200
        stranger_outcome = client.post(
            f"{base}/meetings/{second['id']}/outcome",
            json={"outcome": "nda"},
            headers=bearer(
                session, next(u for u in users if u.id not in _party_users(session, second))
            ),
        )
        assert stranger_outcome.status_code == 403

        report = _ids(client, f"{base}/report", headers)
        assert report["registered"] == 8 and report["checked_in"] == 2
        assert report["contracts"] == 1 and report["intents"] == 1
        assert report["contract_amount"] == "1200000.00"
        assert report["meetings"]["held"] == 2 and report["meetings"]["cancelled"] == 1
        assert sum(s["scheduled"] for s in report["by_slot"]) == 8


def _party_users(session: Session, meeting: dict[str, Any]) -> set[int]:
    row = session.get(Meeting, meeting["id"])
    assert row is not None
    return {row.request.party_a.user_id, row.request.party_b.user_id}


class TestThreeChiefs:
    def test_fixed_slot_meeting_is_placed_in_its_slot(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin, kind="three_chiefs", title="三长联动·汽车电子专场")
        mayor = make_user(session, role=Role.USER, name="市长")
        president = register(session, event, people["prof"], chief_role="president")
        chairman = register(session, event, people["ceo"], chief_role="chairman")
        register(session, event, mayor, chief_role="mayor")
        headers = bearer(session, admin)
        base = f"/api/v1/events/{event.id}"
        slot = _detail(client, session, admin, event.id)["slots"][2]["id"]
        arranged = client.post(
            f"{base}/arrangements",
            params={"participant_id": president.id},
            json={"to_participant_id": chairman.id, "fixed_slot_id": slot, "message": "市长主持"},
            headers=headers,
        )
        assert arranged.status_code == 201, arranged.text
        assert arranged.json()["status"] == "accepted"
        client.post(f"{base}/transitions/close", headers=headers)
        client.post(f"{base}/schedule", json={"time_limit": 1}, headers=headers)
        meetings = _ids(client, f"{base}/schedule", headers)["items"]
        assert [m["slot_id"] for m in meetings] == [slot]

    def test_only_organiser_fixes_slots(
        self, client: TestClient, session: Session, admin: User, people: dict[str, User]
    ) -> None:
        event = make_event(session, admin, kind="three_chiefs")
        president = register(session, event, people["prof"], chief_role="president")
        chairman = register(session, event, people["ceo"], chief_role="chairman")
        response = client.post(
            f"/api/v1/events/{event.id}/arrangements",
            params={"participant_id": president.id},
            json={"to_participant_id": chairman.id},
            headers=bearer(session, people["prof"]),
        )
        assert response.status_code == 403


def test_listing_kinds_used() -> None:
    assert ListingKind.DEMAND.label == "技术需求"
