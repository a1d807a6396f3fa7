"""funding: budget lines, reservations, tranches and one ledger

The policy's yearly reward budgets (``incentive_budget``) become budget lines of the programme
``policy``; every approved or paid reward claim becomes a reservation on its line with the
ledger entries it would have written (reserve; release and pay once paid). Then
``incentive_budget`` goes.

Revision ID: 9f4a2c6e8b13
Revises: 7e3b9c1d4f20
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "9f4a2c6e8b13"
down_revision: str | None = "7e3b9c1d4f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=16, scale=2)
WHEN = app.core.db.UTCDateTime(timezone=True)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    ]


def upgrade() -> None:
    budget_line = op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=40), server_default="policy", nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("committed", MONEY, server_default="0", nullable=False),
        sa.Column("released", MONEY, server_default="0", nullable=False),
        sa.Column("paid", MONEY, server_default="0", nullable=False),
        *_stamps(),
        sa.CheckConstraint("committed <= total", name=op.f("ck_budget_line_within_total")),
        sa.CheckConstraint(
            "released <= committed", name=op.f("ck_budget_line_released_within_committed")
        ),
        sa.CheckConstraint("paid <= released", name=op.f("ck_budget_line_paid_within_released")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
        sa.UniqueConstraint(
            "programme", "item_no", "year", name=op.f("uq_budget_line_programme_item_no_year")
        ),
    )
    reservation = op.create_table(
        "funding_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("released", MONEY, server_default="0", nullable=False),
        sa.Column("paid", MONEY, server_default="0", nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "released <= amount", name=op.f("ck_funding_reservation_released_within_amount")
        ),
        sa.CheckConstraint(
            "paid <= released", name=op.f("ck_funding_reservation_paid_within_released")
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_funding_reservation_budget_line_id_budget_line"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_funding_reservation_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_reservation")),
    )
    op.create_index(
        op.f("ix_funding_reservation_budget_line_id"),
        "funding_reservation",
        ["budget_line_id"],
    )
    op.create_index(
        "ix_funding_reservation_subject", "funding_reservation", ["subject_type", "subject_id"]
    )
    op.create_table(
        "funding_tranche",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("released_at", WHEN, nullable=True),
        sa.Column("paid_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["funding_reservation.id"],
            name=op.f("fk_funding_tranche_reservation_id_funding_reservation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_tranche")),
        sa.UniqueConstraint(
            "reservation_id", "seq", name=op.f("uq_funding_tranche_reservation_id_seq")
        ),
    )
    ledger = op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("tranche_id", sa.Integer(), nullable=True),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_entry_positive")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_ledger_entry_budget_line_id_budget_line"),
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["funding_reservation.id"],
            name=op.f("fk_ledger_entry_reservation_id_funding_reservation"),
        ),
        sa.ForeignKeyConstraint(
            ["tranche_id"],
            ["funding_tranche.id"],
            name=op.f("fk_ledger_entry_tranche_id_funding_tranche"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_ledger_entry_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    op.create_index(op.f("ix_ledger_entry_budget_line_id"), "ledger_entry", ["budget_line_id"])
    op.create_index(op.f("ix_ledger_entry_reservation_id"), "ledger_entry", ["reservation_id"])
    op.create_index("ix_ledger_entry_subject", "ledger_entry", ["subject_type", "subject_id"])
    _move_budgets(budget_line, reservation, ledger)
    op.drop_table("incentive_budget")


def _move_budgets(budget_line: sa.Table, reservation: sa.Table, ledger: sa.Table) -> None:
    bind = op.get_bind()
    old = sa.table(
        "incentive_budget",
        sa.column("id", sa.Integer()),
        sa.column("item_no", sa.Integer()),
        sa.column("year", sa.Integer()),
        sa.column("total", MONEY),
        sa.column("created_at", WHEN),
        sa.column("updated_at", WHEN),
    )
    claim = sa.table(
        "incentive_claim",
        sa.column("id", sa.Integer()),
        sa.column("item_no", sa.Integer()),
        sa.column("year", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("approved_amount", MONEY),
        sa.column("decided_by_id", sa.Integer()),
        sa.column("decided_at", WHEN),
        sa.column("paid_at", WHEN),
    )
    for row in bind.execute(sa.select(old).order_by(old.c.id)):
        claims = bind.execute(
            sa.select(claim)
            .where(
                claim.c.item_no == row.item_no,
                claim.c.year == row.year,
                claim.c.status.in_(["approved", "paid"]),
                claim.c.approved_amount.is_not(None),
            )
            .order_by(claim.c.id)
        ).all()
        committed = sum((Decimal(c.approved_amount) for c in claims), Decimal("0.00"))
        paid = sum(
            (Decimal(c.approved_amount) for c in claims if c.status == "paid"), Decimal("0.00")
        )
        line_id = bind.execute(
            budget_line.insert()
            .values(
                programme="policy",
                item_no=row.item_no,
                year=row.year,
                title=f"第{row.item_no}条{row.year}年度奖补预算",
                total=row.total,
                committed=committed,
                released=paid,
                paid=paid,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            .returning(budget_line.c.id)
        ).scalar_one()
        for c in claims:
            amount = Decimal(c.approved_amount)
            done = c.status == "paid"
            when = c.decided_at or row.updated_at
            reservation_id = bind.execute(
                reservation.insert()
                .values(
                    budget_line_id=line_id,
                    subject_type="incentive_claim",
                    subject_id=c.id,
                    amount=amount,
                    released=amount if done else Decimal("0.00"),
                    paid=amount if done else Decimal("0.00"),
                    status="closed" if done else "open",
                    note="",
                    created_by_id=c.decided_by_id,
                    created_at=when,
                    updated_at=c.paid_at or when,
                )
                .returning(reservation.c.id)
            ).scalar_one()
            kinds = ["reserve", "release", "pay"] if done else ["reserve"]
            bind.execute(
                ledger.insert(),
                [
                    {
                        "created_at": when if kind == "reserve" else (c.paid_at or when),
                        "kind": kind,
                        "amount": amount,
                        "budget_line_id": line_id,
                        "reservation_id": reservation_id,
                        "tranche_id": None,
                        "subject_type": "incentive_claim",
                        "subject_id": c.id,
                        "actor_id": c.decided_by_id,
                        "note": "",
                    }
                    for kind in kinds
                ],
            )


def downgrade() -> None:
    op.create_table(
        "incentive_budget",
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("committed", MONEY, nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_budget")),
        sa.UniqueConstraint("item_no", "year", name=op.f("uq_incentive_budget_item_no_year")),
    )
    op.execute(
        "INSERT INTO incentive_budget (item_no, year, total, committed, created_at, updated_at) "
        "SELECT item_no, year, total, committed, created_at, updated_at FROM budget_line "
        "WHERE programme = 'policy'"
    )
    op.drop_table("ledger_entry")
    op.drop_table("funding_tranche")
    op.drop_table("funding_reservation")
    op.drop_table("budget_line")
