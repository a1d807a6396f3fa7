"""incentive rules (versioned), yearly budgets per policy item, and reward claims

Revision ID: eea273fc1769
Revises: 71136ca45973
Create Date: 2026-11-27 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "eea273fc1769"
down_revision: str | None = "71136ca45973"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incentive_budget",
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("committed", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_budget")),
        sa.UniqueConstraint("item_no", "year", name=op.f("uq_incentive_budget_item_no_year")),
    )
    op.create_table(
        "incentive_rule",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("clause_text", sa.Text(), nullable=False),
        sa.Column(
            "beneficiary",
            sa.Enum(
                "transferor",
                "transferee",
                "registrant",
                "broker",
                "transfer_institution",
                "academician",
                name="incentivebeneficiary",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column(
            "base",
            sa.Enum(
                "contract_amount",
                "transaction_amount",
                "paid_in_year",
                "none",
                name="incentivebase",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("rate", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("cap", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "cap_scope",
            sa.Enum(
                "per_contract",
                "per_beneficiary_year",
                name="capscope",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("exclusive_group", sa.String(length=20), nullable=False),
        sa.Column("requires_selection", sa.Boolean(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_rule")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_incentive_rule_code_version")),
    )
    with op.batch_alter_table("incentive_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incentive_rule_code"), ["code"], unique=False)

    op.create_table(
        "incentive_claim",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("rule_code", sa.String(length=20), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("contract_label", sa.String(length=200), nullable=False),
        sa.Column(
            "beneficiary",
            sa.Enum(
                "transferor",
                "transferee",
                "registrant",
                "broker",
                "transfer_institution",
                "academician",
                name="incentivebeneficiary",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("beneficiary_key", sa.String(length=140), nullable=False),
        sa.Column("beneficiary_name", sa.String(length=120), nullable=False),
        sa.Column("beneficiary_org_id", sa.Integer(), nullable=True),
        sa.Column("beneficiary_user_id", sa.Integer(), nullable=True),
        sa.Column("base_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("rate", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("computed_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("approved_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("requires_selection", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "paid",
                name="claimstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_org_id"],
            ["organization.id"],
            name=op.f("fk_incentive_claim_beneficiary_org_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_user_id"],
            ["user.id"],
            name=op.f("fk_incentive_claim_beneficiary_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_incentive_claim_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["incentive_rule.id"],
            name=op.f("fk_incentive_claim_rule_id_incentive_rule"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_claim")),
        sa.UniqueConstraint(
            "contract_id",
            "rule_id",
            "beneficiary_key",
            name=op.f("uq_incentive_claim_contract_id_rule_id_beneficiary_key"),
        ),
    )
    with op.batch_alter_table("incentive_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incentive_claim_beneficiary_org_id"),
            ["beneficiary_org_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_incentive_claim_beneficiary_user_id"),
            ["beneficiary_user_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_incentive_claim_cap", ["rule_code", "beneficiary_key", "year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_incentive_claim_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incentive_claim_item_no"), ["item_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_incentive_claim_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_incentive_claim_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incentive_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incentive_claim_year"))
        batch_op.drop_index(batch_op.f("ix_incentive_claim_status"))
        batch_op.drop_index(batch_op.f("ix_incentive_claim_item_no"))
        batch_op.drop_index(batch_op.f("ix_incentive_claim_contract_id"))
        batch_op.drop_index("ix_incentive_claim_cap")
        batch_op.drop_index(batch_op.f("ix_incentive_claim_beneficiary_user_id"))
        batch_op.drop_index(batch_op.f("ix_incentive_claim_beneficiary_org_id"))

    op.drop_table("incentive_claim")
    with op.batch_alter_table("incentive_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incentive_rule_code"))

    op.drop_table("incentive_rule")
    op.drop_table("incentive_budget")
