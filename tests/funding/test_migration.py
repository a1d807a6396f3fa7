"""The policy's yearly budgets become budget lines, decided claims their reservations.

Runs on PostgreSQL when the tests use it (a database of its own), on a SQLite file otherwise.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from app.core.db import build_engine, utcnow
from app.core.migrate import alembic_config
from app.models import (
    BudgetLine,
    FundingReservation,
    IncentiveClaim,
    IncentiveRule,
    LedgerEntry,
)
from tests import live_server

BEFORE = "7e3b9c1d4f20"  # the revision before funding
FUNDING = "9f4a2c6e8b13"

OLD_BUDGET = sa.table(
    "incentive_budget",
    sa.column("id", sa.Integer()),
    sa.column("item_no", sa.Integer()),
    sa.column("year", sa.Integer()),
    sa.column("total", sa.Numeric(16, 2)),
    sa.column("committed", sa.Numeric(16, 2)),
    sa.column("created_at", sa.DateTime()),
    sa.column("updated_at", sa.DateTime()),
)


def test_budgets_and_decided_claims_move_to_the_ledger(tmp_path: Path) -> None:
    with live_server.unmigrated_database(tmp_path, "funding") as url:
        config = alembic_config(url)
        command.upgrade(config, BEFORE)
        engine = build_engine(url)
        try:
            now = utcnow()
            with engine.begin() as conn:
                conn.execute(
                    sa.insert(OLD_BUDGET).values(
                        item_no=15,
                        year=2026,
                        total=Decimal("100000"),
                        committed=Decimal("5000"),
                        created_at=now,
                        updated_at=now,
                    )
                )
                rule_id = conn.scalar(
                    sa.select(IncentiveRule.id).where(IncentiveRule.code == "P15")
                )
                claims = {}
                for status, amount in (("approved", "3000"), ("paid", "2000"), ("pending", None)):
                    claims[status] = conn.execute(
                        sa.insert(IncentiveClaim.__table__).values(
                            rule_id=rule_id,
                            rule_code="P15",
                            item_no=15,
                            year=2026,
                            contract_label=f"合同{status}",
                            beneficiary="transferor",
                            beneficiary_key=f"name:{status}",
                            computed_amount=Decimal("3000"),
                            approved_amount=Decimal(amount) if amount else None,
                            status=status,
                            decided_at=now if amount else None,
                            paid_at=now if status == "paid" else None,
                        )
                    ).inserted_primary_key[0]
            command.upgrade(config, FUNDING)
            with engine.connect() as conn:
                [line] = conn.execute(sa.select(BudgetLine.__table__)).all()
                assert (line.programme, line.item_no, line.year) == ("policy", 15, 2026)
                assert line.total == Decimal("100000.00")
                assert (line.committed, line.released, line.paid) == (
                    Decimal("5000.00"),
                    Decimal("2000.00"),
                    Decimal("2000.00"),
                )
                reservations = {
                    r.subject_id: r
                    for r in conn.execute(sa.select(FundingReservation.__table__)).all()
                }
                assert set(reservations) == {claims["approved"], claims["paid"]}
                assert reservations[claims["approved"]].status == "open"
                assert reservations[claims["paid"]].status == "closed"
                entries = conn.execute(
                    sa.select(
                        LedgerEntry.subject_id, LedgerEntry.kind, LedgerEntry.amount
                    ).order_by(LedgerEntry.id)
                ).all()
                assert [tuple(e) for e in entries] == [
                    (claims["approved"], "reserve", Decimal("3000.00")),
                    (claims["paid"], "reserve", Decimal("2000.00")),
                    (claims["paid"], "release", Decimal("2000.00")),
                    (claims["paid"], "pay", Decimal("2000.00")),
                ]
            command.downgrade(config, BEFORE)
            with engine.connect() as conn:
                [budget] = conn.execute(sa.select(OLD_BUDGET)).all()
                assert (budget.total, budget.committed) == (
                    Decimal("100000.00"),
                    Decimal("5000.00"),
                )
        finally:
            engine.dispose()
