"""揭榜挂帅 under many clients at once: one draft per organisation, one award per challenge."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.db import session_scope
from app.models import AuditEvent, ChallengeApplication, ChallengePanel
from app.models.enums import ApplicationStatus, PanelStatus
from tests.factories.challenges import PROPOSAL, make_cast, review
from tests.races.conftest import RaceServer, statuses


def test_a_double_clicked_application_starts_one_draft(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, solvers=1, tag="（草稿）")
        challenge_id, token = cast.challenge.id, race_server.token(s, cast.solver_users[0])
        org_id = cast.solvers[0].id
    path = f"/api/v1/challenges/{challenge_id}/applications"

    responses = race_server.at_once([(token, "POST", path, {"title": PROPOSAL["title"]})] * 4)

    assert statuses(responses) == [201] + [409] * 3, [r.text for r in responses]
    with race_server.factory() as s:
        drafts = s.scalar(
            select(func.count()).where(
                ChallengeApplication.challenge_id == challenge_id,
                ChallengeApplication.org_id == org_id,
            )
        )
        assert drafts == 1


def test_an_award_decided_by_several_clicks_at_once_is_decided_once(
    race_server: RaceServer,
) -> None:
    with session_scope(race_server.factory) as s:
        cast = make_cast(s, solvers=2, tag="（授榜）")
        apps = review(s, cast)
        assert cast.admin is not None
        challenge_id, token = cast.challenge.id, race_server.token(s, cast.admin)
        first, second = apps[0].id, apps[1].id
    path = f"/api/v1/challenges/{challenge_id}/award"
    reason = "专家组综合评分第一"

    responses = race_server.at_once(
        [(token, "POST", path, {"application_id": first, "reason": reason})] * 3
        + [(token, "POST", path, {"application_id": second, "reason": reason})] * 3
    )

    assert statuses(responses) == [200] + [409] * 5, [r.text for r in responses]
    with race_server.factory() as s:
        panel = s.scalars(
            select(ChallengePanel).where(ChallengePanel.challenge_id == challenge_id)
        ).one()
        assert panel.status == PanelStatus.AWARDED
        winners = s.scalar(
            select(func.count()).where(
                ChallengeApplication.challenge_id == challenge_id,
                ChallengeApplication.status == ApplicationStatus.AWARDED,
            )
        )
        assert winners == 1
        decisions = s.scalar(
            select(func.count()).where(
                AuditEvent.object_type == "challenge_panel",
                AuditEvent.object_id == str(panel.id),
                AuditEvent.action == "challenge_panel.award",
            )
        )
        assert decisions == 1
