"""The dashboard's 对接活动与洽谈 and 洽谈成效 tables count the meetings held and their outcomes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.events import service
from app.events.schemas import OutcomeIn, RequestIn
from app.models.enums import OrgRole, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.events import make_event, meetings_took_place, register


def test_meetings_and_outcomes_tables_show_what_was_recorded(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, role=Role.PLATFORM_ADMIN)
    people = [
        make_user(session, org=make_org(session, name=name), org_role=OrgRole.ADMIN, name=person)
        for name, person in (
            ("长春光电研究院", "赵研究员"),
            ("一汽测试零部件公司", "钱经理"),
            ("吉林测试农业大学", "孙教授"),
            ("德惠测试饲料公司", "李厂长"),
        )
    ]
    event = make_event(session, admin)
    parts = [register(session, event, p) for p in people]
    for i, j in ((0, 1), (2, 3)):  # both sides ask: agreed
        service.send_request(
            session,
            Actor(user=people[i]),
            event,
            parts[i],
            RequestIn(to_participant_id=parts[j].id),
        )
        service.send_request(
            session,
            Actor(user=people[j]),
            event,
            parts[j],
            RequestIn(to_participant_id=parts[i].id),
        )
    staff = Actor(user=admin)
    service.transition(session, staff, event, "close")
    service.build_schedule(session, staff, event, time_limit=1)
    service.transition(session, staff, event, "publish")
    meetings = service.schedule_of(session, event)
    assert len(meetings) == 2
    meetings_took_place(session, event)
    outcomes = [{"outcome": "contract", "amount": "120万"}, {"outcome": "intent"}]
    for meeting, outcome in zip(meetings, outcomes, strict=True):
        # The organiser records what came of each meeting.
        service.record_outcome(session, staff, event, meeting, OutcomeIn.model_validate(outcome))
    session.flush()

    table = client.get("/api/v1/statistics/meeting_outcomes").json()
    assert table["columns"] == ["成效", "次数"]
    assert sorted(table["rows"]) == sorted([["签约", 1], ["达成意向", 1]])
    events = client.get("/api/v1/statistics/events").json()
    (row,) = events["rows"]
    # 活动类型, 已举办场次 (the event is not finished yet), 洽谈场次, 签约次数, 签约金额
    assert row[1:] == [0, 2, 1, "1200000.00"]
    # Another district's figures do not count this event's meetings.
    other = client.get("/api/v1/statistics/meeting_outcomes", params={"region": "220102"})
    assert other.json()["rows"] == []
