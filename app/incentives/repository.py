"""Every query of the rewards domain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import IncentiveClaim, IncentiveRule, User
from app.models.enums import ClaimStatus, MembershipStatus, OrgRole


def rules_in_force(session: Session, on: date) -> list[IncentiveRule]:
    """The version of every rule that applies on ``on``."""
    stmt = select(IncentiveRule).where(
        IncentiveRule.effective_from <= on,
        or_(IncentiveRule.effective_to.is_(None), IncentiveRule.effective_to > on),
    )
    return list(session.scalars(stmt.order_by(IncentiveRule.item_no, IncentiveRule.tier)))


def all_rules(session: Session) -> list[IncentiveRule]:
    stmt = select(IncentiveRule).order_by(
        IncentiveRule.item_no, IncentiveRule.tier, IncentiveRule.code, IncentiveRule.version
    )
    return list(session.scalars(stmt))


def latest_rule(session: Session, code: str) -> IncentiveRule | None:
    stmt = (
        select(IncentiveRule)
        .where(IncentiveRule.code == code)
        .order_by(IncentiveRule.version.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def _counted() -> ColumnElement[Decimal]:
    """What a claim takes from an annual cap: its decision, or its quote while pending."""
    return func.coalesce(IncentiveClaim.approved_amount, IncentiveClaim.computed_amount)


def claimed_in_year(
    session: Session,
    keys: Iterable[tuple[str, str]],
    year: int,
    *,
    decided_only: bool = False,
    exclude_claim_id: int | None = None,
) -> dict[tuple[str, str], Decimal]:
    """(rule code, beneficiary key) → the amounts counted against that annual cap in ``year``.

    Pending claims count at their quoted amount so two contracts in one year cannot both be
    quoted the whole cap; ``decided_only`` counts approved and paid claims alone (approval).
    """
    wanted = set(keys)
    if not wanted:
        return {}
    statuses = (
        [ClaimStatus.APPROVED, ClaimStatus.PAID]
        if decided_only
        else [ClaimStatus.PENDING, ClaimStatus.APPROVED, ClaimStatus.PAID]
    )
    amount = _counted()
    stmt = (
        select(IncentiveClaim.rule_code, IncentiveClaim.beneficiary_key, func.sum(amount))
        .where(
            IncentiveClaim.year == year,
            IncentiveClaim.status.in_(statuses),
            IncentiveClaim.rule_code.in_({code for code, _ in wanted}),
            IncentiveClaim.beneficiary_key.in_({key for _, key in wanted}),
        )
        .group_by(IncentiveClaim.rule_code, IncentiveClaim.beneficiary_key)
    )
    if exclude_claim_id is not None:
        stmt = stmt.where(IncentiveClaim.id != exclude_claim_id)
    result: dict[tuple[str, str], Decimal] = {}
    for code, key, total in session.execute(stmt):
        if (code, key) in wanted:
            result[(code, key)] = Decimal(total or 0).quantize(Decimal("0.01"))
    return result


def claims_of_contract(session: Session, contract_id: int) -> list[IncentiveClaim]:
    stmt = (
        select(IncentiveClaim)
        .where(IncentiveClaim.contract_id == contract_id)
        .options(selectinload(IncentiveClaim.rule))
    )
    return list(session.scalars(stmt.order_by(IncentiveClaim.item_no, IncentiveClaim.id)))


def get_claim(session: Session, claim_id: int) -> IncentiveClaim | None:
    stmt = (
        select(IncentiveClaim)
        .where(IncentiveClaim.id == claim_id)
        .options(selectinload(IncentiveClaim.rule))
    )
    return session.scalars(stmt).first()


def claims_statement(
    *,
    status: ClaimStatus | None = None,
    year: int | None = None,
    item_no: int | None = None,
    for_user: User | None = None,
) -> Select[Any]:
    """Claims, newest first; ``for_user`` keeps those of the user's organisation or the user."""
    stmt = select(IncentiveClaim).options(selectinload(IncentiveClaim.rule))
    if status is not None:
        stmt = stmt.where(IncentiveClaim.status == status)
    if year is not None:
        stmt = stmt.where(IncentiveClaim.year == year)
    if item_no is not None:
        stmt = stmt.where(IncentiveClaim.item_no == item_no)
    if for_user is not None:
        mine = IncentiveClaim.beneficiary_user_id == for_user.id
        if for_user.active_org_id is not None:
            mine = or_(mine, IncentiveClaim.beneficiary_org_id == for_user.active_org_id)
        stmt = stmt.where(mine)
    return stmt.order_by(IncentiveClaim.id.desc())


def totals_by_year(session: Session, for_user: User) -> list[tuple[int, ClaimStatus, Decimal, int]]:
    """(year, status, amount, count) of the claims of the user's organisation or the user."""
    stmt = claims_statement(for_user=for_user).order_by(None)
    sub = stmt.with_only_columns(
        IncentiveClaim.year,
        IncentiveClaim.status,
        _counted(),
    ).subquery()
    rows = session.execute(
        select(sub.c.year, sub.c.status, func.sum(sub.c[2]), func.count())
        .group_by(sub.c.year, sub.c.status)
        .order_by(sub.c.year.desc())
    )
    return [
        (year, ClaimStatus(status), Decimal(total or 0).quantize(Decimal("0.01")), count)
        for year, status, total, count in rows
    ]


def org_admins(session: Session, org_id: int) -> list[User]:
    stmt = select(User).where(
        User.org_id == org_id,
        User.org_role == OrgRole.ADMIN,
        User.membership_status == MembershipStatus.ACTIVE,
        User.is_active.is_(True),
    )
    return list(session.scalars(stmt))
