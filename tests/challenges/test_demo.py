from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.challenge_solving import seed_challenge_solving
from app.demo.seed import seed
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    Notification,
)
from app.models.enums import ListingStatus, MilestoneStatus, PanelMemberStatus, PanelStatus


def test_demo_runs_three_challenges_to_three_stages(session: Session) -> None:
    assert seed(session)
    panels = list(session.scalars(select(ChallengePanel).order_by(ChallengePanel.id)))
    assert [p.status for p in panels] == [PanelStatus.SCORING, PanelStatus.AWARDED]
    awarded = session.get(Challenge, panels[1].challenge_id)
    assert awarded is not None and awarded.status == ListingStatus.AWARDED
    for panel in panels:
        session.refresh(panel, ["members"])
        excluded = [m for m in panel.members if m.status == PanelMemberStatus.EXCLUDED]
        assert excluded and all(m.conflicts for m in excluded)
    milestones = list(session.scalars(select(ChallengeMilestone).order_by(ChallengeMilestone.seq)))
    assert [m.status for m in milestones] == [
        MilestoneStatus.ACCEPTED,
        MilestoneStatus.SUBMITTED,
        MilestoneStatus.PENDING,
    ]
    assert session.scalar(
        select(ChallengeApplication.id).where(ChallengeApplication.status == "draft")
    )
    assert session.scalars(
        select(Notification).where(Notification.topic == "challenge.result")
    ).all()
    assert not seed_challenge_solving(session)
