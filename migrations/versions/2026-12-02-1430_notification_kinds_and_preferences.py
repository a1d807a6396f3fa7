"""notification kinds and preferences

Each person chooses per notification kind whether it shows in the notification centre, is
mailed at once and/or goes into the daily digest mail (``notification_preference``); a
notification remembers whether it is shown and whether the next digest still has to carry it.

Revision ID: 5c1e8a2f7b93
Revises: c4d8e2a6f731
Create Date: 2026-12-02 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e8a2f7b93"
down_revision: str | None = "c4d8e2a6f731"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("shown", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(
            sa.Column("digest_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.create_index(batch.f("ix_notification_digest_pending"), ["digest_pending"])
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("mail", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notification_preference_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preference")),
        sa.UniqueConstraint(
            "user_id", "kind", name=op.f("uq_notification_preference_user_id_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("notification_preference")
    with op.batch_alter_table("notification") as batch:
        batch.drop_index(batch.f("ix_notification_digest_pending"))
        batch.drop_column("digest_pending")
        batch.drop_column("shown")
