"""organisations, user profiles, challenge applications and expert profiles carry a version

Every edit bumps it; an edit made from an older version is refused (409) instead of silently
overwriting the newer one. Existing rows start at version 1. Listings had one already.

Revision ID: 5b8d2c4e7a91
Revises: f3f50589d3bf
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b8d2c4e7a91"
down_revision: str | None = "f3f50589d3bf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("organization", "user", "challenge_application", "expert_profile")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
