"""challenge solving: applications, expert panels, scores, award milestones

Revision ID: e87bafa38831
Revises: b4d0b4936646
Create Date: 2026-11-27 00:47:11.862839
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "e87bafa38831"
down_revision: str | None = "b4d0b4936646"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "challenge_application",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "withdrawn",
                "awarded",
                "not_awarded",
                name="applicationstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("meets_requirements", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mean_score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("rank_note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_application_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_challenge_application_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_challenge_application_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_application")),
        sa.UniqueConstraint(
            "challenge_id", "org_id", name=op.f("uq_challenge_application_challenge_id_org_id")
        ),
    )
    with op.batch_alter_table("challenge_application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_application_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_challenge_application_org_id"), ["org_id"], unique=False
        )

    op.create_table(
        "challenge_panel",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "forming",
                "scoring",
                "closed",
                "awarded",
                "no_award",
                name="panelstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("formed_by_id", sa.Integer(), nullable=True),
        sa.Column("scoring_opened_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("winner_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("tranche_percents", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_panel_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_challenge_panel_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["formed_by_id"], ["user.id"], name=op.f("fk_challenge_panel_formed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["winner_id"],
            ["challenge_application.id"],
            name=op.f("fk_challenge_panel_winner_id_challenge_application"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_panel")),
        sa.UniqueConstraint("challenge_id", name=op.f("uq_challenge_panel_challenge_id")),
    )
    op.create_table(
        "challenge_score",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["challenge_application.id"],
            name=op.f("fk_challenge_score_application_id_challenge_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["user.id"], name=op.f("fk_challenge_score_expert_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_score")),
        sa.UniqueConstraint(
            "application_id", "expert_id", name=op.f("uq_challenge_score_application_id_expert_id")
        ),
    )
    with op.batch_alter_table("challenge_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_score_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "challenge_milestone",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "submitted",
                "returned",
                "accepted",
                name="milestonestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("submitted_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("released_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("contract_milestone_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user.id"], name=op.f("fk_challenge_milestone_accepted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["challenge_panel.id"],
            name=op.f("fk_challenge_milestone_panel_id_challenge_panel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_milestone")),
        sa.UniqueConstraint("panel_id", "seq", name=op.f("uq_challenge_milestone_panel_id_seq")),
    )
    op.create_table(
        "challenge_panel_member",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("eligible", "excluded", name="panelmemberstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["user.id"], name=op.f("fk_challenge_panel_member_expert_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["challenge_panel.id"],
            name=op.f("fk_challenge_panel_member_panel_id_challenge_panel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_panel_member")),
        sa.UniqueConstraint(
            "panel_id", "expert_id", name=op.f("uq_challenge_panel_member_panel_id_expert_id")
        ),
    )
    with op.batch_alter_table("challenge_panel_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenge_panel_member_expert_id"), ["expert_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("challenge_panel_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_panel_member_expert_id"))

    op.drop_table("challenge_panel_member")
    op.drop_table("challenge_milestone")
    with op.batch_alter_table("challenge_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_score_application_id"))

    op.drop_table("challenge_score")
    op.drop_table("challenge_panel")
    with op.batch_alter_table("challenge_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_application_org_id"))
        batch_op.drop_index(batch_op.f("ix_challenge_application_challenge_id"))

    op.drop_table("challenge_application")
