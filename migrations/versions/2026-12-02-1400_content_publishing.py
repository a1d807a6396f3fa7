"""content publishing

信息发布: ``content_item`` (news, policies, notices, calls, success stories with their review
state, schedule, pinning, topics and district), ``content_version`` (their history) and
``policy_clause`` (the numbered items of a policy document, which reward rules cite).

Revision ID: c4a7e2d91b30
Revises: a7c3e5f9d214
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

revision: str = "c4a7e2d91b30"
down_revision: str | None = "a7c3e5f9d214"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_item",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=True),
        sa.Column("issuer", sa.String(length=120), nullable=False),
        sa.Column("doc_number", sa.String(length=60), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("cover_attachment_id", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("publish_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_content_item_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user.id"],
            name=op.f("fk_content_item_reviewer_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cover_attachment_id"],
            ["attachment.id"],
            name=op.f("fk_content_item_cover_attachment_id_attachment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_content_item_listing_id_listing"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["tech_contract.id"],
            name=op.f("fk_content_item_contract_id_tech_contract"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_item")),
        sa.UniqueConstraint("slug", name=op.f("uq_content_item_slug")),
    )
    op.create_index(
        "ix_content_item_listing", "content_item", ["kind", "status", "pinned", "published_at"]
    )
    op.create_index(op.f("ix_content_item_published_at"), "content_item", ["published_at"])
    op.create_table(
        "content_version",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_item.id"],
            name=op.f("fk_content_version_item_id_content_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["user.id"],
            name=op.f("fk_content_version_editor_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
        sa.UniqueConstraint("item_id", "version", name=op.f("uq_content_version_item_id_version")),
    )
    op.create_table(
        "policy_clause",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("chapter", sa.String(length=120), nullable=False),
        sa.Column("heading", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_item.id"],
            name=op.f("fk_policy_clause_item_id_content_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_clause")),
        sa.UniqueConstraint("item_id", "number", name=op.f("uq_policy_clause_item_id_number")),
    )


def downgrade() -> None:
    op.drop_table("policy_clause")
    op.drop_table("content_version")
    op.drop_index(op.f("ix_content_item_published_at"), table_name="content_item")
    op.drop_index("ix_content_item_listing", table_name="content_item")
    op.drop_table("content_item")
