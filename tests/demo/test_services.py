"""Demo service hall: the year's pool and applications in every state, loaded once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today
from app.demo.seed import seed
from app.demo.services import load_services
from app.models import ServiceCase, ServiceRating, VoucherOrder
from app.models.enums import CaseStatus, VoucherOrderStatus
from app.services import voucher


def test_demo_applications_load_once_with_the_pool(session: Session) -> None:
    assert seed(session)
    assert not load_services(session)  # already there
    line = voucher.pool(session, today().year)
    assert line is not None and line.total == Decimal("30000000.00")
    cases = session.scalars(select(ServiceCase)).all()
    assert {c.status for c in cases} >= {
        CaseStatus.GRANTED,
        CaseStatus.PROCESSING,
        CaseStatus.CORRECTION,
        CaseStatus.NOT_ACCEPTED,
    }
    assert all(c.serial_no for c in cases)
    granted = [c for c in cases if c.status == CaseStatus.GRANTED]
    assert line.committed == sum((c.granted_amount or 0 for c in granted), Decimal(0))
    assert session.scalars(select(VoucherOrder.status)).all() == [VoucherOrderStatus.PAID]
    grades = sorted(session.scalars(select(ServiceRating.grade)))
    assert grades == [2, 5]
