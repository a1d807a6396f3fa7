"""literature records (论文) and their vectors, retrieved by the novelty check beside patents

Revision ID: 7d3b9e1f4a26
Revises: 7d3b9e1f5a24
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "7d3b9e1f4a26"
down_revision: str | None = "7d3b9e1f5a24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = app.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "literature",
        sa.Column("ref_no", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("authors", sa.String(length=500), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_literature")),
        sa.UniqueConstraint("ref_no", name=op.f("uq_literature_ref_no")),
    )
    with op.batch_alter_table("literature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_literature_year"), ["year"], unique=False)
    op.create_table(
        "literature_vector",
        sa.Column("literature_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["literature_id"],
            ["literature.id"],
            name=op.f("fk_literature_vector_literature_id_literature"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("literature_id", "model", name=op.f("pk_literature_vector")),
    )


def downgrade() -> None:
    op.drop_table("literature_vector")
    with op.batch_alter_table("literature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_literature_year"))
    op.drop_table("literature")
