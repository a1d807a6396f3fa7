"""conversations and listing questions

互动交流: conversations between organisations (with messages, per-person read state, abuse
reports and organisation blocks) and the public questions and answers on a listing.

Revision ID: c4f1a9d27e35
Revises: c4a7e2d91b30
Create Date: 2026-12-02 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

revision: str = "c4f1a9d27e35"
down_revision: str | None = "c4a7e2d91b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("org_a_id", sa.Integer(), nullable=False),
        sa.Column("org_b_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_a_id"], ["organization.id"], name=op.f("fk_conversation_org_a_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["org_b_id"], ["organization.id"], name=op.f("fk_conversation_org_b_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user.id"],
            name=op.f("fk_conversation_opened_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
        sa.UniqueConstraint("subject_key", name=op.f("uq_conversation_subject_key")),
    )
    op.create_index("ix_conversation_org_a_last", "conversation", ["org_a_id", "last_message_at"])
    op.create_index("ix_conversation_org_b_last", "conversation", ["org_b_id", "last_message_at"])
    op.create_table(
        "conversation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("quoted_listing_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_message_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_conversation_message_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_conversation_message_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["quoted_listing_id"],
            ["listing.id"],
            name=op.f("fk_conversation_message_quoted_listing_id_listing"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_message")),
    )
    op.create_index(
        "ix_conversation_message_thread", "conversation_message", ["conversation_id", "id"]
    )
    op.create_index(
        op.f("ix_conversation_message_created_at"), "conversation_message", ["created_at"]
    )
    op.create_table(
        "conversation_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_message_id", sa.Integer(), nullable=False),
        sa.Column("last_mailed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_read_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_conversation_read_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_read")),
        sa.UniqueConstraint(
            "conversation_id", "user_id", name=op.f("uq_conversation_read_conversation_id_user_id")
        ),
    )
    op.create_index(op.f("ix_conversation_read_user_id"), "conversation_read", ["user_id"])
    op.create_table(
        "org_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("blocked_org_id", sa.Integer(), nullable=False),
        sa.Column("blocked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_org_block_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocked_org_id"],
            ["organization.id"],
            name=op.f("fk_org_block_blocked_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocked_by_id"],
            ["user.id"],
            name=op.f("fk_org_block_blocked_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_block")),
        sa.UniqueConstraint(
            "org_id", "blocked_org_id", name=op.f("uq_org_block_org_id_blocked_org_id")
        ),
    )
    op.create_index(op.f("ix_org_block_blocked_org_id"), "org_block", ["blocked_org_id"])
    op.create_table(
        "conversation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_report_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user.id"],
            name=op.f("fk_conversation_report_reporter_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user.id"],
            name=op.f("fk_conversation_report_resolved_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_report")),
    )
    op.create_index(
        op.f("ix_conversation_report_conversation_id"), "conversation_report", ["conversation_id"]
    )
    op.create_table(
        "listing_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("moderation_note", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_listing_question_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asker_id"],
            ["user.id"],
            name=op.f("fk_listing_question_asker_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user.id"],
            name=op.f("fk_listing_question_answered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_question")),
    )
    op.create_index(
        "ix_listing_question_listing_status", "listing_question", ["listing_id", "status"]
    )


def downgrade() -> None:
    op.drop_table("listing_question")
    op.drop_table("conversation_report")
    op.drop_table("org_block")
    op.drop_table("conversation_read")
    op.drop_table("conversation_message")
    op.drop_table("conversation")
