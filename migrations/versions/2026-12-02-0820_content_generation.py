"""content generation

One row, ``content_generation`` (id 1), whose ``value`` every committed change to a table
that pages show increases in the same transaction; the web processes keep computed page data
while it stays the same (app/core/cache.py).

Revision ID: 7e3b9c1d4f20
Revises: 2aa4087446d5
Create Date: 2026-12-02 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e3b9c1d4f20"
down_revision: str | None = "2aa4087446d5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "content_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("content_generation")
