"""Every query of the 揭榜挂帅 domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    Listing,
    ReviewMember,
    User,
)
from app.models.enums import ApplicationStatus

#: the review subject type of a challenge's panel (app.reviews)
SUBJECT = "challenge"


def challenge(session: Session, challenge_id: int) -> Challenge | None:
    return session.scalars(
        select(Challenge).options(joinedload(Listing.org)).where(Challenge.id == challenge_id)
    ).one_or_none()


def challenges(session: Session, ids: Iterable[int]) -> dict[int, Challenge]:
    rows = session.scalars(
        select(Challenge).options(joinedload(Listing.org)).where(Challenge.id.in_(list(ids)))
    )
    return {row.id: row for row in rows}


def _applications() -> Select[ChallengeApplication]:
    return select(ChallengeApplication).options(
        joinedload(ChallengeApplication.org), joinedload(ChallengeApplication.created_by)
    )


def application(session: Session, application_id: int) -> ChallengeApplication | None:
    return session.scalars(
        _applications().where(ChallengeApplication.id == application_id)
    ).one_or_none()


def applications(
    session: Session, challenge_id: int, statuses: Iterable[ApplicationStatus] | None = None
) -> list[ChallengeApplication]:
    stmt = _applications().where(ChallengeApplication.challenge_id == challenge_id)
    if statuses is not None:
        stmt = stmt.where(ChallengeApplication.status.in_(list(statuses)))
    return list(session.scalars(stmt.order_by(ChallengeApplication.id)))


def application_of_org(
    session: Session, challenge_id: int, org_id: int
) -> ChallengeApplication | None:
    return session.scalars(
        _applications().where(
            ChallengeApplication.challenge_id == challenge_id,
            ChallengeApplication.org_id == org_id,
        )
    ).one_or_none()


def applications_of_org(session: Session, org_id: int) -> Select[ChallengeApplication]:
    return (
        _applications()
        .where(ChallengeApplication.org_id == org_id)
        .order_by(ChallengeApplication.id.desc())
    )


def panel(session: Session, challenge_id: int) -> ChallengePanel | None:
    return session.scalars(
        select(ChallengePanel)
        .options(
            selectinload(ChallengePanel.members)
            .joinedload(ReviewMember.expert)
            .joinedload(User.org)
        )
        .where(ChallengePanel.challenge_id == challenge_id)
    ).one_or_none()


def panels_of_expert(session: Session, expert_id: int) -> list[ChallengePanel]:
    return list(
        session.scalars(
            select(ChallengePanel)
            .join(
                ReviewMember,
                (ReviewMember.subject_type == SUBJECT)
                & (ReviewMember.subject_id == ChallengePanel.challenge_id),
            )
            .options(selectinload(ChallengePanel.members))
            .where(ReviewMember.expert_id == expert_id)
            .order_by(ChallengePanel.id.desc())
        )
    )


def milestones(session: Session, panel_id: int) -> list[ChallengeMilestone]:
    return list(
        session.scalars(
            select(ChallengeMilestone)
            .where(ChallengeMilestone.panel_id == panel_id)
            .order_by(ChallengeMilestone.seq)
        )
    )
