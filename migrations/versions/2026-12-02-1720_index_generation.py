"""index generation

One row per search document type, ``index_generation``, whose ``last_value`` the outbox's
indexing increases whenever it wrote documents of that type; matching keeps a listing's
ranking while the numbers of the types it reads stay the same (app/matching/matcher.py).
Bookkeeping: its changes do not move ``content_generation``.

Revision ID: 3f6a9d2c1b48
Revises: 7e3b9d1c5a20
Create Date: 2026-12-02 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f6a9d2c1b48"
down_revision: str | None = "7e3b9d1c5a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_generation",
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", name=op.f("pk_index_generation")),
    )


def downgrade() -> None:
    op.drop_table("index_generation")
