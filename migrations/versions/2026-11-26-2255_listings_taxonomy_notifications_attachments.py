"""listings taxonomy notifications attachments

Revision ID: b14ccaef7327
Revises: ca8d85838f75
Create Date: 2026-11-26 22:55:49.546167
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "b14ccaef7327"
down_revision: str | None = "ca8d85838f75"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "taxonomy_term",
        sa.Column("scheme", sa.String(length=30), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("parent_code", sa.String(length=30), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_term")),
        sa.UniqueConstraint("scheme", "code", name=op.f("uq_taxonomy_term_scheme_code")),
    )
    with op.batch_alter_table("taxonomy_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taxonomy_term_scheme"), ["scheme"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("owner_type", sa.String(length=30), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user.id"],
            name=op.f("fk_attachment_uploaded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index("ix_attachment_owner", ["owner_type", "owner_id"], unique=False)

    op.create_table(
        "listing",
        sa.Column(
            "kind",
            sa.Enum(
                "achievement",
                "demand",
                "challenge",
                name="listingkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("field_code", sa.String(length=30), nullable=True),
        sa.Column("field_suggested", sa.Boolean(), nullable=False),
        sa.Column("industry_code", sa.String(length=30), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("confidential", sa.JSON(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "published",
                "returned",
                "expired",
                "closed",
                name="listingstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("return_reason_code", sa.String(length=30), nullable=True),
        sa.Column("return_reason_text", sa.Text(), nullable=False),
        sa.Column("close_reason", sa.String(length=300), nullable=False),
        sa.Column("submitted_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_listing_org_id_organization")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_listing_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing")),
        sa.UniqueConstraint(
            "org_id", "kind", "external_id", name=op.f("uq_listing_org_id_kind_external_id")
        ),
    )
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_field_code"), ["field_code"], unique=False)
        batch_op.create_index("ix_listing_kind_status", ["kind", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_published_at"), ["published_at"], unique=False)

    op.create_table(
        "notification",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_unread", ["user_id", "read_at"], unique=False)

    op.create_table(
        "achievement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trl", sa.Integer(), nullable=True),
        sa.Column(
            "maturity",
            sa.Enum(
                "lab",
                "small_pilot",
                "pilot",
                "industrial",
                name="maturitystage",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("pilot_status", sa.String(length=200), nullable=False),
        sa.Column("ip_items", sa.JSON(), nullable=False),
        sa.Column("transfer_modes", sa.JSON(), nullable=False),
        sa.Column("price", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("inventors", sa.JSON(), nullable=False),
        sa.Column("advantages", sa.Text(), nullable=False),
        sa.Column("economic_benefit", sa.Text(), nullable=False),
        sa.Column("application_scenarios", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["listing.id"], name=op.f("fk_achievement_id_listing"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement")),
    )
    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("reward", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("application_deadline", sa.Date(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["listing.id"], name=op.f("fk_challenge_id_listing"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
    )
    op.create_table(
        "confidential_access",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested", "granted", "denied", name="accessstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_confidential_access_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_confidential_access_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_confidential_access_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_confidential_access_requested_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidential_access")),
        sa.UniqueConstraint(
            "listing_id", "org_id", name=op.f("uq_confidential_access_listing_id_org_id")
        ),
    )
    with op.batch_alter_table("confidential_access", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_confidential_access_listing_id"), ["listing_id"], unique=False
        )

    op.create_table(
        "contact_view",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("viewer_org_id", sa.Integer(), nullable=True),
        sa.Column("viewed_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_contact_view_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"],
            ["user.id"],
            name=op.f("fk_contact_view_viewer_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["viewer_org_id"],
            ["organization.id"],
            name=op.f("fk_contact_view_viewer_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_view")),
    )
    with op.batch_alter_table("contact_view", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_view_listing_id"), ["listing_id"], unique=False
        )

    op.create_table(
        "demand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("budget_min", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("budget_max", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("cooperation_modes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["listing.id"], name=op.f("fk_demand_id_listing"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand")),
    )
    op.create_table(
        "favourite",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_favourite_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_favourite_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "listing_id", name=op.f("pk_favourite")),
    )
    with op.batch_alter_table("favourite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_favourite_listing_id"), ["listing_id"], unique=False)

    op.create_table(
        "listing_version",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name=op.f("fk_listing_version_changed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_listing_version_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_version")),
        sa.UniqueConstraint(
            "listing_id", "version", name=op.f("uq_listing_version_listing_id_version")
        ),
    )


def downgrade() -> None:
    op.drop_table("listing_version")
    with op.batch_alter_table("favourite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_favourite_listing_id"))

    op.drop_table("favourite")
    op.drop_table("demand")
    with op.batch_alter_table("contact_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_view_listing_id"))

    op.drop_table("contact_view")
    with op.batch_alter_table("confidential_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_confidential_access_listing_id"))

    op.drop_table("confidential_access")
    op.drop_table("challenge")
    op.drop_table("achievement")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_unread")

    op.drop_table("notification")
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_published_at"))
        batch_op.drop_index(batch_op.f("ix_listing_org_id"))
        batch_op.drop_index("ix_listing_kind_status")
        batch_op.drop_index(batch_op.f("ix_listing_field_code"))

    op.drop_table("listing")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index("ix_attachment_owner")

    op.drop_table("attachment")
    with op.batch_alter_table("taxonomy_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_term_scheme"))

    op.drop_table("taxonomy_term")
