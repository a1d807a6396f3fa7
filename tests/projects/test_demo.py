from __future__ import annotations

from collections import Counter

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
