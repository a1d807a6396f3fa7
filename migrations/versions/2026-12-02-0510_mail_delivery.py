"""mail deliveries: each attempt recorded before it is sent, by a stable Message-ID

Revision ID: 5c1d0e7a9b42
Revises: 5b1d0c7e9a21
Create Date: 2026-12-02 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "5c1d0e7a9b42"
down_revision: str | None = "5b1d0c7e9a21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_delivery",
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("possible_duplicate", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_delivery")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_delivery_message_id")),
    )
    op.create_index("ix_mail_delivery_state", "mail_delivery", ["state", "last_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_delivery_state", table_name="mail_delivery")
    op.drop_table("mail_delivery")
