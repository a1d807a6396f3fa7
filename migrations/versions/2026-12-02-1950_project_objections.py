"""project objections: 异议 filed during a project's 立项公示 and the bureau's answer

Revision ID: 9c3e5a7b9d21
Revises: 9b2d4f6a8c10
Create Date: 2026-12-02 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "9c3e5a7b9d21"
down_revision: str | None = "9b2d4f6a8c10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = app.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "project_objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "upheld", "revoked", native_enum=False, create_constraint=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["project_application.id"],
            name=op.f("fk_project_objection_application_id_project_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["user.id"], name=op.f("fk_project_objection_filed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user.id"],
            name=op.f("fk_project_objection_answered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_objection")),
    )
    op.create_index(
        op.f("ix_project_objection_application_id"), "project_objection", ["application_id"]
    )
    op.create_index(op.f("ix_project_objection_status"), "project_objection", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_project_objection_status"), table_name="project_objection")
    op.drop_index(op.f("ix_project_objection_application_id"), table_name="project_objection")
    op.drop_table("project_objection")
