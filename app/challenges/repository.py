"""Every query of the 揭榜挂帅 domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    ChallengePanelMember,
    ChallengeScore,
    ContractParty,
    Listing,
    TechContract,
    User,
)
from app.models.enums import ApplicationStatus, Role


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
            .joinedload(ChallengePanelMember.expert)
            .joinedload(User.org)
        )
        .where(ChallengePanel.challenge_id == challenge_id)
    ).one_or_none()


def panels_of_expert(session: Session, expert_id: int) -> list[ChallengePanel]:
    return list(
        session.scalars(
            select(ChallengePanel)
            .join(ChallengePanelMember)
            .options(selectinload(ChallengePanel.members))
            .where(ChallengePanelMember.expert_id == expert_id)
            .order_by(ChallengePanel.id.desc())
        )
    )


def experts(session: Session, ids: Iterable[int] | None = None) -> list[User]:
    stmt = select(User).where(User.role == Role.EXPERT, User.is_active.is_(True))
    if ids is not None:
        stmt = stmt.where(User.id.in_(list(ids)))
    return list(session.scalars(stmt.order_by(User.id)).unique())


def scores(session: Session, application_ids: Iterable[int]) -> list[ChallengeScore]:
    return list(
        session.scalars(
            select(ChallengeScore)
            .where(ChallengeScore.application_id.in_(list(application_ids)))
            .order_by(ChallengeScore.application_id, ChallengeScore.expert_id)
        )
    )


def score(session: Session, application_id: int, expert_id: int) -> ChallengeScore | None:
    return session.scalars(
        select(ChallengeScore).where(
            ChallengeScore.application_id == application_id,
            ChallengeScore.expert_id == expert_id,
        )
    ).one_or_none()


def milestones(session: Session, panel_id: int) -> list[ChallengeMilestone]:
    return list(
        session.scalars(
            select(ChallengeMilestone)
            .where(ChallengeMilestone.panel_id == panel_id)
            .order_by(ChallengeMilestone.seq)
        )
    )


def partnerships(
    session: Session, org_ids: list[int], since: date
) -> list[tuple[int, int, str, str, str, date]]:
    """(organisation, partner, partner's name, contract title, contract number, signing date)
    for every technical contract the organisations signed with another party since ``since``."""
    if not org_ids:
        return []
    mine, other = aliased(ContractParty), aliased(ContractParty)
    rows = session.execute(
        select(
            mine.org_id,
            other.org_id,
            other.name,
            TechContract.title,
            TechContract.contract_no,
            TechContract.signed_on,
        )
        .join(TechContract, TechContract.id == mine.contract_id)
        .join(other, (other.contract_id == mine.contract_id) & (other.id != mine.id))
        .where(
            mine.org_id.in_(org_ids),
            other.org_id.is_not(None),
            TechContract.signed_on >= since,
        )
        .order_by(TechContract.signed_on.desc(), TechContract.id)
    )
    return [(a, b, name, title, no, signed) for a, b, name, title, no, signed in rows if a and b]
