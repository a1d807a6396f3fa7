"""A case's money on a funding line: the one place a hall case reserves (app/funding)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.funding import service as funding_service
from app.models import BudgetLine, ServiceCase

SUBJECT = "service_case"


def reserve(
    session: Session,
    actor: Actor,
    line: BudgetLine,
    case: ServiceCase,
    amount: Decimal,
    *,
    refused: str,
    summary: str,
) -> None:
    """Set ``amount`` aside on ``line`` (already locked) for ``case``; 409 with the balance."""
    funding_service.reserve(
        session,
        actor,
        line,
        subject_type=SUBJECT,
        subject_id=case.id,
        amount=amount,
        note=f"{case.serial_no} {case.org.name} {case.item.title}",
        refused=refused,
        summary=summary,
    )
