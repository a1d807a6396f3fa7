"""The event pages as people use them: create, register, request, schedule, agenda, report."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local
from app.core.db import utcnow
from app.events import service
from app.events.schemas import RequestIn
from app.models import Event, EventParticipant, Meeting, User
from app.models.enums import EventStatus, MeetingRequestStatus, OrgRole
from tests.factories.accounts import make_org, make_user
from tests.factories.events import make_event, meetings_took_place, register
from tests.factories.fixtures import login, page_csrf


def _local_input(days: float, hour: int | None = None) -> str:
    moment = local(utcnow() + timedelta(days=days))
    if hour is not None:
        moment = moment.replace(hour=hour, minute=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


class TestCreatePage:
    def test_form_errors_inline_and_values_kept(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        login(client, platform_admin)
        token = page_csrf(client, "/events/new")
        response = client.post(
            "/events/new",
            data={
                "csrf_token": token,
                "title": "对接",
                "kind": "matchmaking",
                "region_code": "220173",
                "venue": "会展中心",
            },
        )
        assert response.status_code == 422
        assert "至少需要4个字符" in response.text
        assert 'value="会展中心"' in response.text

    def test_creates_event_in_local_time(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        login(client, platform_admin)
        token = page_csrf(client, "/events/new")
        response = client.post(
            "/events/new",
            data={
                "csrf_token": token,
                "title": "净月高新区生物医药路演会",
                "kind": "roadshow",
                "region_code": "220172",
                "registration_opens_at": _local_input(-1),
                "registration_closes_at": _local_input(3),
                "slot_minutes": "20",
                "tables": "5",
                "s0.title": "上午场",
                "s0.room": "路演厅",
                "s0.starts_at": _local_input(7, 9),
                "s0.ends_at": _local_input(7, 11),
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        page = client.get(response.headers["location"])
        assert "净月高新区生物医药路演会" in page.text
        assert "09:00" in page.text  # entered as local time, shown as local time
        assert "6 个时段 × 5 张洽谈桌" in page.text

    def test_member_cannot_open_the_form(
        self, client: TestClient, session: Session, member: User
    ) -> None:
        login(client, member)
        assert client.get("/events/new").status_code == 403


class TestJourney:
    def test_register_request_schedule_agenda_checkin_outcome_report(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        event = make_event(session, platform_admin, tables=2)
        people = []
        for n in range(4):
            org = make_org(session, name=f"洽谈机构{n}")
            people.append(make_user(session, org=org, org_role=OrgRole.ADMIN, name=f"洽谈人{n}"))
        first = people[0]
        login(client, first)
        page = client.get(f"/events/{event.id}")
        assert "提交报名" in page.text
        token = page_csrf(client, f"/events/{event.id}")
        response = client.post(
            f"/events/{event.id}/register",
            data={"csrf_token": token, "position": "总工程师"},
        )
        assert "已报名" in response.text and "签到码" in response.text
        # The registration shows instead of the form: there is nobody left to register.
        assert f'action="/events/{event.id}/register"' not in response.text
        assert "提交报名" not in response.text
        parts = [register(session, event, u) for u in people[1:]]
        page = client.get(f"/events/{event.id}/requests")
        assert "约见其他参会人" in page.text
        sent = client.post(
            f"/events/{event.id}/requests",
            data={"csrf_token": token, "to_participant_id": str(parts[0].id), "message": "聊聊"},
        )
        assert "约见已发出" in sent.text

        login(client, people[1])
        token = page_csrf(client, f"/events/{event.id}/requests")
        page = client.get(f"/events/{event.id}/requests")
        assert "洽谈人0" in page.text and "接受" in page.text
        request_id = page.text.split('data-request="')[1].split('"')[0]
        accepted = client.post(
            f"/events/{event.id}/requests/{request_id}/accept", data={"csrf_token": token}
        )
        assert "已接受约见" in accepted.text

        login(client, platform_admin)
        token = page_csrf(client, f"/events/{event.id}/manage")
        client.post(f"/events/{event.id}/transitions/close", data={"csrf_token": token})
        built = client.post(f"/events/{event.id}/schedule", data={"csrf_token": token})
        assert "日程已生成：新排1场" in built.text
        assert "洽谈人0 × 洽谈人1" in built.text or "洽谈人1 × 洽谈人0" in built.text
        client.post(f"/events/{event.id}/transitions/publish", data={"csrf_token": token})
        session.refresh(event)
        assert event.status == EventStatus.SCHEDULED

        login(client, first)
        agenda = client.get(f"/events/{event.id}/agenda")
        assert "洽谈人1" in agenda.text and "导入日历" in agenda.text
        assert "@media print" not in agenda.text  # print rules live in the stylesheet
        ics = client.get(f"/events/{event.id}/agenda.ics")
        assert ics.headers["content-type"].startswith("text/calendar")
        me = session.query(EventParticipant).filter_by(event_id=event.id, user_id=first.id).one()
        token = page_csrf(client, f"/events/{event.id}/agenda")
        checked = client.post(
            f"/events/{event.id}/checkins",
            data={"csrf_token": token, "code": me.checkin_code, "back": f"/events/{event.id}"},
        )
        assert "已签到" in checked.text
        meeting = session.query(Meeting).filter_by(event_id=event.id).one()
        early = client.post(
            f"/events/{event.id}/meetings/{meeting.id}/outcome",
            data={"csrf_token": token, "outcome": "intent"},
        )
        assert "开始后才能记录洽谈结果" in early.text
        session.refresh(meeting)
        assert meeting.outcome is None
        meetings_took_place(session, event)
        recorded = client.post(
            f"/events/{event.id}/meetings/{meeting.id}/outcome",
            data={"csrf_token": token, "outcome": "contract", "amount": "50万", "note": "许可"},
        )
        assert "已记录洽谈结果：签约" in recorded.text

        login(client, platform_admin)
        report = client.get(f"/events/{event.id}/report")
        assert report.status_code == 200
        assert "<svg" in report.text and "签约" in report.text and "50.00" in report.text

    def test_org_admin_registered_still_registers_a_colleague(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        event = make_event(session, platform_admin)
        org = make_org(session, name="报名机构")
        admin = make_user(session, org=org, org_role=OrgRole.ADMIN, name="机构管理员甲")
        colleague = make_user(session, org=org, name="同事乙")
        register(session, event, admin)
        login(client, admin)
        page = client.get(f"/events/{event.id}").text
        assert "您已报名" in page and "为本机构同事报名" in page
        assert f'<option value="{colleague.id}"' in page
        assert f'<option value="{admin.id}"' not in page

    def test_answering_an_expired_request_says_so_and_it_stays_expired(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        event = make_event(session, platform_admin)
        a_user, b_user = (
            make_user(session, org=make_org(session, name=f"过期机构{n}"), org_role=OrgRole.ADMIN)
            for n in range(2)
        )
        a, b = register(session, event, a_user), register(session, event, b_user)
        sent = service.send_request(
            session, Actor(user=a_user), event, a, RequestIn(to_participant_id=b.id)
        )
        sent.expires_at = utcnow() - timedelta(seconds=1)
        session.flush()
        login(client, b_user)
        token = page_csrf(client, f"/events/{event.id}/requests")
        answered = client.post(
            f"/events/{event.id}/requests/{sent.id}/accept", data={"csrf_token": token}
        )
        assert answered.status_code == 200 and "该约见已过期" in answered.text
        session.refresh(sent)
        assert sent.status == MeetingRequestStatus.EXPIRED

    def test_report_and_manage_are_for_organisers(
        self, client: TestClient, session: Session, platform_admin: User, member: User
    ) -> None:
        event = make_event(session, platform_admin)
        login(client, member)
        assert client.get(f"/events/{event.id}/manage").status_code == 403
        assert client.get(f"/events/{event.id}/report").status_code == 403

    def test_list_shows_events_and_empty_state(
        self, client: TestClient, session: Session, platform_admin: User
    ) -> None:
        page = client.get("/events?kind=roadshow")
        assert "暂无符合条件的活动" in page.text
        event = make_event(session, platform_admin)
        assert isinstance(event, Event)
        page = client.get("/events")
        assert event.title in page.text and "对接会" in page.text
