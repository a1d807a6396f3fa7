"""service case materials: each uploaded file filling one required material of the guide

Revision ID: 8a1c2d3e4f50
Revises: 7d3b9e1f4a26
Create Date: 2026-12-02 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a1c2d3e4f50"
down_revision: str | None = "7d3b9e1f4a26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_case_material",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("material_no", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachment.id"],
            name=op.f("fk_service_case_material_attachment_id_attachment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["service_case.id"],
            name=op.f("fk_service_case_material_case_id_service_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_case_material")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_service_case_material_attachment_id")),
        sa.UniqueConstraint(
            "case_id", "material_no", name=op.f("uq_service_case_material_case_id_material_no")
        ),
    )


def downgrade() -> None:
    op.drop_table("service_case_material")
