"""Demo service hall: the year's pool and applications in every state, loaded once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.core.clock import today
from app.demo.seed import seed
from app.demo.services import load_services
from app.models import ReviewScore, ServiceCase, ServiceRating, VoucherOrder
from app.models.enums import CaseStatus, VoucherOrderStatus
from app.services import voucher


def test_demo_applications_load_once_with_the_pool(session: Session) -> None:
    assert seed(session)
    assert not load_services(session)  # already there
    line = voucher.pool(session, today().year)
    assert line is not None and line.total == Decimal("30000000.00")
    cases = session.scalars(select(ServiceCase).options(joinedload(ServiceCase.item))).all()
    assert {c.status for c in cases} >= {
        CaseStatus.GRANTED,
        CaseStatus.PROCESSING,
        CaseStatus.CORRECTION,
        CaseStatus.FORMAL_REVIEW,
        CaseStatus.ACCEPTED,
    }
    assert all(c.serial_no for c in cases)
    by_item = {c.item.code: c for c in cases}
    assert set(by_item) >= {"KJCXQ", "GQRDBT", "YFTRBZ", "ZSPTJL", "XXYFJL", "JSZYJL"}
    pooled = [
        c for c in cases if c.status == CaseStatus.GRANTED and c.item.code in ("KJCXQ", "GQRDBT")
    ]
    assert line.committed == sum((c.granted_amount or 0 for c in pooled), Decimal(0))
    subsidy = by_item["GQRDBT"]
    assert subsidy.granted_amount == Decimal("30000.00")
    assert subsidy.district_amount == Decimal("100000.00")
    # 12,860,000 × 5% + (12,860,000 − 10,240,000) × 10%
    assert by_item["YFTRBZ"].granted_amount == Decimal("905000.00")
    assert "基础补助" in by_item["YFTRBZ"].explanation
    scored = session.scalars(
        select(ReviewScore).where(
            ReviewScore.subject_type == "service_case",
            ReviewScore.subject_id == by_item["ZSPTJL"].id,
        )
    ).all()
    assert len(scored) == 1  # one of the panel's two experts has scored
    assert session.scalars(select(VoucherOrder.status)).all() == [VoucherOrderStatus.PAID]
    grades = sorted(session.scalars(select(ServiceRating.grade)))
    assert grades == [2, 5]
