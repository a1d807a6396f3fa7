"""search vocabulary

Revision ID: ca8d85838f75
Revises: 26892798c823
Create Date: 2026-11-26 22:41:33.637093
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "ca8d85838f75"
down_revision: str | None = "26892798c823"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_search_term_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_term")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_search_term_kind_value")),
    )
    with op.batch_alter_table("search_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_term_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_term_created_at"))

    op.drop_table("search_term")
