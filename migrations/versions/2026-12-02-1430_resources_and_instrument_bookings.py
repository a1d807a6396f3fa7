"""resources and instrument bookings

The resource directories (labs, instruments, 中试 platforms, incubators, transfer
institutions, voucher service providers) and the bookings of shared instruments. On
PostgreSQL an EXCLUDE constraint (btree_gist) refuses two approved bookings of one
instrument whose time ranges overlap.

Revision ID: 9a4f6c2e8b17
Revises: d8f1efaf73f5
Create Date: 2026-12-02 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4f6c2e8b17"
down_revision: str | None = "d8f1efaf73f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(16, 2, asdecimal=True)


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("field_code", sa.String(length=40), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=60), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("filing_no", sa.String(length=40), nullable=False),
        sa.Column("accepts_vouchers", sa.Boolean(), nullable=False),
        sa.Column("model_no", sa.String(length=80), nullable=False),
        sa.Column("maker", sa.String(length=80), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("fee_per_hour", MONEY, nullable=True),
        sa.Column("booking_access", sa.String(length=32), nullable=False),
        sa.Column("availability", sa.String(length=120), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_resource_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.id"],
            name=op.f("fk_resource_owner_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user.id"],
            name=op.f("fk_resource_reviewed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
    )
    op.create_index(op.f("ix_resource_org_id"), "resource", ["org_id"])
    op.create_index(op.f("ix_resource_owner_id"), "resource", ["owner_id"])
    op.create_index("ix_resource_kind_status_region", "resource", ["kind", "status", "region_code"])
    op.create_table(
        "instrument_booking",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("used_hours", MONEY, nullable=True),
        sa.Column("fee", MONEY, nullable=True),
        sa.Column("payment", sa.String(length=32), nullable=False),
        sa.Column("voucher_ref", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_instrument_booking_range_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_instrument_booking_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["user.id"], name=op.f("fk_instrument_booking_requester_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_instrument_booking_org_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_instrument_booking_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_booking")),
    )
    op.create_index(
        op.f("ix_instrument_booking_requester_id"), "instrument_booking", ["requester_id"]
    )
    op.create_index(op.f("ix_instrument_booking_org_id"), "instrument_booking", ["org_id"])
    op.create_index(
        "ix_instrument_booking_resource_starts",
        "instrument_booking",
        ["resource_id", "starts_at"],
    )
    if op.get_bind().dialect.name == "postgresql":
        # btree_gist is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE instrument_booking ADD CONSTRAINT ex_instrument_booking_no_overlap "
            "EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
            "WHERE (status IN ('approved', 'completed'))"
        )


def downgrade() -> None:
    op.drop_table("instrument_booking")
    op.drop_table("resource")
