"""periodic job state shared by every worker

Revision ID: 7b3e5d2a9c41
Revises: 5e0c1a7d9f21
Create Date: 2026-11-27 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "7b3e5d2a9c41"
down_revision: str | None = "5e0c1a7d9f21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "periodic_job_state",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("next_run_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_started_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_periodic_job_state")),
    )


def downgrade() -> None:
    op.drop_table("periodic_job_state")
