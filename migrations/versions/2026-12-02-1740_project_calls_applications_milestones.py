"""项目管理: programme calls, applications, milestones, their steps and the 申报编号 counter

Revision ID: 7d3b9e1f5a24
Revises: b2d4f6a8c0e1
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "7d3b9e1f5a24"
down_revision: str | None = "b2d4f6a8c0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = app.core.db.UTCDateTime(timezone=True)
MONEY = sa.Numeric(16, 2, asdecimal=True)


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=32)


PROJECT_STATUS = _enum(
    "draft",
    "unit_review",
    "unit_returned",
    "submitted",
    "formal_failed",
    "in_review",
    "approved",
    "not_approved",
    "publicized",
    "in_progress",
    "midterm_review",
    "acceptance",
    "rectifying",
    "accepted",
    "failed",
    "closed",
)


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "project_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_project_counter")),
    )
    op.create_table(
        "project_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("org_types", sa.JSON(), nullable=False),
        sa.Column("required_tags", sa.JSON(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("budget", MONEY, nullable=False),
        sa.Column("max_amount", MONEY, nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("tranche_percents", sa.JSON(), nullable=False),
        sa.Column("status", _enum("draft", "open", "scoring", "ranked"), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("scoring_opened_at", WHEN, nullable=True),
        sa.Column("ranked_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_item.id"],
            name=op.f("fk_project_call_content_id_content_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_project_call_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_call")),
    )
    op.create_index(op.f("ix_project_call_programme"), "project_call", ["programme"])
    op.create_index(op.f("ix_project_call_content_id"), "project_call", ["content_id"])
    op.create_table(
        "project_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("status", PROJECT_STATUS, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("requested_amount", MONEY, nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.Column("mean_score", sa.Numeric(6, 2), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("rank_note", sa.Text(), nullable=False),
        sa.Column("approved_amount", MONEY, nullable=True),
        sa.Column("publicity_ends_on", sa.Date(), nullable=True),
        sa.Column("task_goals", sa.Text(), nullable=False),
        sa.Column("established_at", WHEN, nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["project_call.id"],
            name=op.f("fk_project_application_call_id_project_call"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_project_application_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_project_application_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_application")),
        sa.UniqueConstraint(
            "call_id", "org_id", name=op.f("uq_project_application_call_id_org_id")
        ),
        sa.UniqueConstraint("number", name=op.f("uq_project_application_number")),
    )
    op.create_index(op.f("ix_project_application_call_id"), "project_application", ["call_id"])
    op.create_index(op.f("ix_project_application_org_id"), "project_application", ["org_id"])
    op.create_index(op.f("ix_project_application_status"), "project_application", ["status"])
    op.create_table(
        "project_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("status", _enum("pending", "submitted", "returned", "accepted"), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["project_application.id"],
            name=op.f("fk_project_milestone_application_id_project_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_milestone")),
        sa.UniqueConstraint(
            "application_id", "seq", name=op.f("uq_project_milestone_application_id_seq")
        ),
    )
    op.create_index(
        op.f("ix_project_milestone_application_id"), "project_milestone", ["application_id"]
    )
    op.create_table(
        "project_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("status", PROJECT_STATUS, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["project_application.id"],
            name=op.f("fk_project_step_application_id_project_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_project_step_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_step")),
    )
    op.create_index(op.f("ix_project_step_application_id"), "project_step", ["application_id"])


def downgrade() -> None:
    op.drop_table("project_step")
    op.drop_table("project_milestone")
    op.drop_table("project_application")
    op.drop_table("project_call")
    op.drop_table("project_counter")
