"""expert directory entries: the owning organisation and the review state of a profile

Revision ID: 8a4c2e6f1b37
Revises: 8a1c2d3e4f50
Create Date: 2026-12-02 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a4c2e6f1b37"
down_revision: str | None = "8a1c2d3e4f50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("expert_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
        # Profiles written before the review existed were public: they stay published.
        batch_op.add_column(
            sa.Column("status", sa.String(length=32), nullable=False, server_default="published")
        )
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_expert_profile_org_id"), ["org_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_expert_profile_org_id_organization"),
            "organization",
            ["org_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_expert_profile_reviewed_by_id_user"),
            "user",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("expert_profile", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_expert_profile_reviewed_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_expert_profile_org_id_organization"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_expert_profile_org_id"))
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("review_note")
        batch_op.drop_column("status")
        batch_op.drop_column("org_id")
