"""patents and novelty commissions

Revision ID: d8f1efaf73f5
Revises: c4f1a9d27e35
Create Date: 2026-12-02 14:21:46.208387
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "d8f1efaf73f5"
down_revision: str | None = "c4f1a9d27e35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "novelty_report_counter",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=4), nullable=False),
        sa.Column("agency", sa.String(length=2), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "region", "agency", name=op.f("pk_novelty_report_counter")),
    )
    op.create_table(
        "patent",
        sa.Column("application_no", sa.String(length=32), nullable=False),
        sa.Column("publication_no", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("claims_text", sa.Text(), nullable=False),
        sa.Column("ipc_main", sa.String(length=32), nullable=False),
        sa.Column("ipc_codes", sa.String(length=500), nullable=False),
        sa.Column("applicants", sa.String(length=500), nullable=False),
        sa.Column("inventors", sa.String(length=500), nullable=False),
        sa.Column("application_date", sa.Date(), nullable=True),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column(
            "legal_status",
            sa.Enum(
                "pending",
                "granted",
                "rejected",
                "withdrawn",
                "lapsed",
                name="patentlegalstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("citations", sa.Text(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_patent_org_id_organization"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patent")),
        sa.UniqueConstraint("application_no", name=op.f("uq_patent_application_no")),
    )
    with op.batch_alter_table("patent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patent_application_date"), ["application_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_patent_ipc_main"), ["ipc_main"], unique=False)
        batch_op.create_index(batch_op.f("ix_patent_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patent_publication_no"), ["publication_no"], unique=False
        )

    op.create_table(
        "novelty_commission",
        sa.Column("project_name", sa.String(length=200), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "project",
                "appraisal",
                "award",
                "patent_filing",
                "new_product",
                name="noveltypurpose",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("tech_points", sa.Text(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("commission_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "commissioned",
                "searching",
                "drafted",
                "in_review",
                "issued",
                name="noveltystatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("requester_org_id", sa.Integer(), nullable=True),
        sa.Column("searcher_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("overall_conclusion", sa.Text(), nullable=False),
        sa.Column("strategy", sa.JSON(), nullable=False),
        sa.Column("conflicting", sa.JSON(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("report_no", sa.String(length=14), nullable=True),
        sa.Column("issued_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["user.id"],
            name=op.f("fk_novelty_commission_requester_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_org_id"],
            ["organization.id"],
            name=op.f("fk_novelty_commission_requester_org_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user.id"],
            name=op.f("fk_novelty_commission_reviewer_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["searcher_id"],
            ["user.id"],
            name=op.f("fk_novelty_commission_searcher_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_novelty_commission")),
        sa.UniqueConstraint("report_no", name=op.f("uq_novelty_commission_report_no")),
    )
    with op.batch_alter_table("novelty_commission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_novelty_commission_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_novelty_commission_requester_org_id"), ["requester_org_id"], unique=False
        )

    op.create_table(
        "patent_claim",
        sa.Column("patent_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("independent", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patent_id"],
            ["patent.id"],
            name=op.f("fk_patent_claim_patent_id_patent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patent_claim")),
        sa.UniqueConstraint("patent_id", "number", name=op.f("uq_patent_claim_patent_id_number")),
    )
    op.create_table(
        "patent_vector",
        sa.Column("patent_id", sa.Integer(), nullable=False),
        sa.Column("claim_number", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patent_id"],
            ["patent.id"],
            name=op.f("fk_patent_vector_patent_id_patent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "patent_id", "claim_number", "model", name=op.f("pk_patent_vector")
        ),
    )
    op.create_table(
        "novelty_point",
        sa.Column("commission_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["novelty_commission.id"],
            name=op.f("fk_novelty_point_commission_id_novelty_commission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_novelty_point")),
        sa.UniqueConstraint(
            "commission_id", "number", name=op.f("uq_novelty_point_commission_id_number")
        ),
    )
    op.create_table(
        "patent_achievement",
        sa.Column("patent_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_patent_achievement_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patent_id"],
            ["patent.id"],
            name=op.f("fk_patent_achievement_patent_id_patent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patent_id", "listing_id", name=op.f("pk_patent_achievement")),
    )


def downgrade() -> None:
    op.drop_table("patent_achievement")
    op.drop_table("novelty_point")
    op.drop_table("patent_vector")
    op.drop_table("patent_claim")
    with op.batch_alter_table("novelty_commission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_novelty_commission_requester_org_id"))
        batch_op.drop_index(batch_op.f("ix_novelty_commission_requester_id"))

    op.drop_table("novelty_commission")
    with op.batch_alter_table("patent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patent_publication_no"))
        batch_op.drop_index(batch_op.f("ix_patent_org_id"))
        batch_op.drop_index(batch_op.f("ix_patent_ipc_main"))
        batch_op.drop_index(batch_op.f("ix_patent_application_date"))

    op.drop_table("patent")
    op.drop_table("novelty_report_counter")
