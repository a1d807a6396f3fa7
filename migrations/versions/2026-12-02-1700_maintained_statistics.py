"""maintained statistics: stat_counter (the dashboard's cubes) and stat_share (each record's part)

A database with no published listing and no registered contract starts with its counters
built (they are all zero); any other is built by ``kechuang migrate`` right after this
revision (or ``kechuang statistics rebuild``), and until then the figures are counted live.

Revision ID: 7e3b9d1c5a20
Revises: 5c1e8a2f7b93
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e3b9d1c5a20"
down_revision: str | None = "5c1e8a2f7b93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counter = op.create_table(
        "stat_counter",
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("tech_amount_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "metric", "kind", "code", "region", "month", name=op.f("pk_stat_counter")
        ),
    )
    op.create_table(
        "stat_share",
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("source", "source_id", name=op.f("pk_stat_share")),
    )
    bind = op.get_bind()
    listed = bind.execute(
        sa.text("SELECT 1 FROM listing WHERE published_at IS NOT NULL LIMIT 1")
    ).first()
    registered = bind.execute(
        sa.text("SELECT 1 FROM tech_contract WHERE status = 'registered' LIMIT 1")
    ).first()
    if listed is None and registered is None:
        op.bulk_insert(
            counter,
            [
                {
                    "metric": "built",
                    "kind": "",
                    "code": "",
                    "region": "",
                    "month": "",
                    "n": 1,
                    "amount_fen": 0,
                    "tech_amount_fen": 0,
                }
            ],
        )


def downgrade() -> None:
    op.drop_table("stat_share")
    op.drop_table("stat_counter")
