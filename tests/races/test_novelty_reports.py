"""查新报告 numbers under many reviewers at once: gapless, one per report, a second click 409."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import Actor
from app.core.db import session_scope
from app.models import NoveltyCommission, NoveltyPoint, NoveltyReportCounter, Patent
from app.models.enums import NoveltyPurpose, NoveltyStatus, Role
from app.patents import commissions
from tests.factories.accounts import make_user
from tests.races.conftest import RaceServer, statuses


def test_reports_issued_at_once_get_gapless_numbers(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        requester = make_user(s, name="委托人")
        searcher = make_user(s, role=Role.NOVELTY_SEARCHER, name="查新员")
        reviewer = make_user(s, role=Role.NOVELTY_REVIEWER, name="审核员")
        ids = []
        for n in range(6):
            c = commissions.create(
                s,
                Actor(user=requester),
                project_name=f"并发出具报告项目{n}",
                purpose=NoveltyPurpose.PROJECT,
                tech_points="一种测试技术方案",
                points=["测试查新点"],
            )
            commissions.run_search(s, Actor(user=searcher), c)
            commissions.save_draft(s, Actor(user=searcher), c, {}, "", finish=True)
            commissions.submit(s, Actor(user=searcher), c)
            ids.append(c.id)
        token = race_server.token(s, reviewer)
    with race_server.factory() as s:
        counted = s.scalar(select(func.coalesce(func.sum(NoveltyReportCounter.last_value), 0)))

    issue = "/api/v1/patents/commissions/{}/issue"
    # Six different reports at once, and the first one clicked three more times.
    requests = [(token, "POST", issue.format(i), None) for i in ids]
    requests += [(token, "POST", issue.format(ids[0]), None)] * 3
    responses = race_server.at_once(requests)

    assert statuses(responses) == [200] * 6 + [409] * 3
    numbers = sorted(r.json()["report_no"] for r in responses if r.status_code == 200)
    serials = [int(n[-4:]) for n in numbers]
    assert serials == list(range(counted + 1, counted + 7))
    with race_server.factory() as s:
        rows = s.scalars(select(NoveltyCommission).where(NoveltyCommission.id.in_(ids))).all()
        assert {r.status for r in rows} == {NoveltyStatus.ISSUED}
        assert sorted(r.report_no for r in rows) == numbers  # type: ignore[type-var]
        assert s.scalar(select(func.sum(NoveltyReportCounter.last_value))) == counted + 6


def test_marks_of_one_point_at_once_are_all_kept(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        requester = make_user(s, name="委托人")
        searcher = make_user(s, role=Role.NOVELTY_SEARCHER, name="查新员")
        patents = [
            Patent(application_no=f"CN-RACE-MARK-{n}", title=f"一种液冷板吹胀成型方法{n}")
            for n in range(6)
        ]
        s.add_all(patents)
        s.flush()
        c = commissions.create(
            s,
            Actor(user=requester),
            project_name="并发标注项目",
            purpose=NoveltyPurpose.PROJECT,
            tech_points="电池包液冷板吹胀成型",
            points=["液冷板吹胀成型"],
        )
        commissions.run_search(s, Actor(user=searcher), c)
        cid, ids = c.id, [p.id for p in patents]
        token = race_server.token(s, searcher)

    path = f"/api/v1/patents/commissions/{cid}/points/1/marks"
    requests = [
        (token, "POST", path, {"patent_id": pid, "relevant": n % 2 == 0})
        for n, pid in enumerate(ids)
    ]
    responses = race_server.at_once(requests)

    assert statuses(responses) == [200] * 6
    with race_server.factory() as s:
        point = s.scalars(select(NoveltyPoint).where(NoveltyPoint.commission_id == cid)).one()
        assert point.feedback == {str(pid): n % 2 == 0 for n, pid in enumerate(ids)}
