"""Every query of the review domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload

from app.models import ContractParty, ReviewMember, ReviewScore, TechContract, User
from app.models.enums import Role


def experts(session: Session, ids: Iterable[int] | None = None) -> list[User]:
    """Active users in the expert register (all of them, or the given ones)."""
    stmt = select(User).where(User.role == Role.EXPERT, User.is_active.is_(True))
    if ids is not None:
        stmt = stmt.where(User.id.in_(list(ids)))
    return list(session.scalars(stmt.order_by(User.id)).unique())


def members(session: Session, subject_type: str, subject_id: int) -> list[ReviewMember]:
    return list(
        session.scalars(
            select(ReviewMember)
            .options(joinedload(ReviewMember.expert).joinedload(User.org))
            .where(ReviewMember.subject_type == subject_type, ReviewMember.subject_id == subject_id)
            .order_by(ReviewMember.id)
        )
    )


def subjects_of_expert(session: Session, subject_type: str, expert_id: int) -> list[int]:
    """Ids of the subjects whose review the expert was proposed for (excluded ones too)."""
    return list(
        session.scalars(
            select(ReviewMember.subject_id).where(
                ReviewMember.subject_type == subject_type, ReviewMember.expert_id == expert_id
            )
        )
    )


def scores(session: Session, subject_type: str, entry_ids: Iterable[int]) -> list[ReviewScore]:
    return list(
        session.scalars(
            select(ReviewScore)
            .where(
                ReviewScore.subject_type == subject_type,
                ReviewScore.entry_id.in_(list(entry_ids)),
            )
            .order_by(ReviewScore.entry_id, ReviewScore.expert_id)
        )
    )


def score(session: Session, subject_type: str, entry_id: int, expert_id: int) -> ReviewScore | None:
    return session.scalars(
        select(ReviewScore).where(
            ReviewScore.subject_type == subject_type,
            ReviewScore.entry_id == entry_id,
            ReviewScore.expert_id == expert_id,
        )
    ).one_or_none()


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
