from __future__ import annotations

import re
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.projects import load_projects
from app.demo.seed import seed
from app.models import ProjectApplication, ProjectCall
from app.models.enums import CallStatus, ProjectStatus


def test_demo_has_calls_and_applications_in_several_states(session: Session) -> None:
    assert seed(session)
    calls = Counter(c.status for c in session.scalars(select(ProjectCall)))
    assert calls == {CallStatus.OPEN: 3, CallStatus.RANKED: 1, CallStatus.DRAFT: 1}
    states = Counter(a.status for a in session.scalars(select(ProjectApplication)))
    assert states == {
        ProjectStatus.DRAFT: 1,
        ProjectStatus.UNIT_REVIEW: 1,
        ProjectStatus.SUBMITTED: 1,
        ProjectStatus.MIDTERM_REVIEW: 1,
        ProjectStatus.PUBLICIZED: 1,
        ProjectStatus.NOT_APPROVED: 1,
    }
    assert not load_projects(session)


def test_each_demo_call_links_its_guide_and_the_guide_links_back(
    client: TestClient, session: Session
) -> None:
    assert seed(session)
    calls = list(session.scalars(select(ProjectCall).order_by(ProjectCall.id)))
    assert all(c.content_id is not None for c in calls)
    assert len({c.content_id for c in calls}) == len(calls)  # one article per call
    for call in calls:
        if call.status == CallStatus.DRAFT:
            continue
        page = client.get(f"/projects/calls/{call.id}")
        guide = re.search(r'<a href="([^"]+)" data-guide>', page.text)
        assert guide is not None, call.title
        article = client.get(guide.group(1))
        assert article.status_code == 200 and call.title in article.text
        assert f'href="/projects/calls/{call.id}"' in article.text  # 在线申报
        assert f"至 {call.closes_on:%Y-%m-%d}" in article.text, call.title
