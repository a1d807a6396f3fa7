"""deals, offers, technical contracts, parties, milestones, payments and registration numbers

Revision ID: b4d0b4936646
Revises: 71cd6ee2e988
Create Date: 2026-11-27 00:47:16.369865
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "b4d0b4936646"
down_revision: str | None = "71cd6ee2e988"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration_counter",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region_code", "year", name=op.f("pk_registration_counter")),
    )
    op.create_table(
        "deal",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("inquirer_org_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "intent",
                "negotiating",
                "signed",
                "registered",
                "performing",
                "completed",
                "terminated",
                name="dealstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("agreed_price", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("agreed_terms", sa.Text(), nullable=False),
        sa.Column("terminate_reason", sa.String(length=500), nullable=False),
        sa.Column("last_activity_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["broker_id"], ["user.id"], name=op.f("fk_deal_broker_id_user")),
        sa.ForeignKeyConstraint(
            ["inquirer_org_id"],
            ["organization.id"],
            name=op.f("fk_deal_inquirer_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listing.id"], name=op.f("fk_deal_listing_id_listing")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["user.id"], name=op.f("fk_deal_opened_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"], ["organization.id"], name=op.f("fk_deal_owner_org_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_broker_id"), ["broker_id"], unique=False)
        batch_op.create_index(
            "ix_deal_inquirer_org_status", ["inquirer_org_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deal_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index("ix_deal_owner_org_status", ["owner_org_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_status"), ["status"], unique=False)

    op.create_table(
        "deal_message",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_event", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_deal_message_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_deal_message_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_message")),
    )
    with op.batch_alter_table("deal_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_message_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "deal_offer",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "accepted",
                "rejected",
                "superseded",
                "withdrawn",
                name="offerstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_deal_offer_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_deal_offer_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_deal_offer_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_deal_offer_org_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_offer")),
    )
    with op.batch_alter_table("deal_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_offer_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "tech_contract",
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column(
            "contract_type",
            sa.Enum(
                "development",
                "transfer",
                "license",
                "service",
                "consulting",
                "equity",
                name="contracttype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("contract_no", sa.String(length=60), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("total_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("tech_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("tech_field", sa.String(length=10), nullable=False),
        sa.Column("ip_type", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("patents", sa.JSON(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=True),
        sa.Column("transfer_org_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "registered",
                name="contractstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("registrant_org_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("registration_no", sa.String(length=20), nullable=True),
        sa.Column("registered_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rules_version", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "tech_amount <= total_amount", name=op.f("ck_tech_contract_tech_amount_within_total")
        ),
        sa.CheckConstraint(
            "total_amount >= 0 AND tech_amount >= 0",
            name=op.f("ck_tech_contract_amounts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["broker_id"], ["user.id"], name=op.f("fk_tech_contract_broker_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_tech_contract_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_tech_contract_deal_id_deal")
        ),
        sa.ForeignKeyConstraint(
            ["registrant_org_id"],
            ["organization.id"],
            name=op.f("fk_tech_contract_registrant_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user.id"], name=op.f("fk_tech_contract_reviewed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user.id"], name=op.f("fk_tech_contract_submitted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["transfer_org_id"],
            ["organization.id"],
            name=op.f("fk_tech_contract_transfer_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tech_contract")),
        sa.UniqueConstraint("deal_id", name=op.f("uq_tech_contract_deal_id")),
        sa.UniqueConstraint("registration_no", name=op.f("uq_tech_contract_registration_no")),
    )
    with op.batch_alter_table("tech_contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tech_contract_broker_id"), ["broker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tech_contract_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_tech_contract_status_registered_at", ["status", "registered_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tech_contract_transfer_org_id"), ["transfer_org_id"], unique=False
        )

    op.create_table(
        "contract_achievement",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievement.id"],
            name=op.f("fk_contract_achievement_achievement_id_achievement"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["tech_contract.id"],
            name=op.f("fk_contract_achievement_contract_id_tech_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "contract_id", "achievement_id", name=op.f("pk_contract_achievement")
        ),
    )
    op.create_table(
        "contract_milestone",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_contract_milestone_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["tech_contract.id"],
            name=op.f("fk_contract_milestone_contract_id_tech_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_milestone")),
    )
    with op.batch_alter_table("contract_milestone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_milestone_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_party",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "client",
                "contractor",
                "assignor",
                "assignee",
                "licensor",
                "licensee",
                "contributor",
                "investee",
                name="partyrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "org_type",
            sa.Enum(
                "university",
                "institute",
                "new_rd",
                "enterprise",
                "transfer_agency",
                "service_provider",
                "government",
                name="orgtype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("legal_person_type", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["tech_contract.id"],
            name=op.f("fk_contract_party_contract_id_tech_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_contract_party_org_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_party")),
    )
    with op.batch_alter_table("contract_party", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_party_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index("ix_contract_party_org_id", ["org_id"], unique=False)

    op.create_table(
        "contract_payment",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_contract_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["tech_contract.id"],
            name=op.f("fk_contract_payment_contract_id_tech_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["contract_milestone.id"],
            name=op.f("fk_contract_payment_milestone_id_contract_milestone"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_contract_payment_recorded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_payment")),
    )
    with op.batch_alter_table("contract_payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_payment_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_payment_milestone_id"), ["milestone_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contract_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_payment_milestone_id"))
        batch_op.drop_index(batch_op.f("ix_contract_payment_contract_id"))

    op.drop_table("contract_payment")
    with op.batch_alter_table("contract_party", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_party_org_id")
        batch_op.drop_index(batch_op.f("ix_contract_party_contract_id"))

    op.drop_table("contract_party")
    with op.batch_alter_table("contract_milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_milestone_contract_id"))

    op.drop_table("contract_milestone")
    op.drop_table("contract_achievement")
    with op.batch_alter_table("tech_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tech_contract_transfer_org_id"))
        batch_op.drop_index("ix_tech_contract_status_registered_at")
        batch_op.drop_index(batch_op.f("ix_tech_contract_status"))
        batch_op.drop_index(batch_op.f("ix_tech_contract_broker_id"))

    op.drop_table("tech_contract")
    with op.batch_alter_table("deal_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_offer_deal_id"))

    op.drop_table("deal_offer")
    with op.batch_alter_table("deal_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_message_deal_id"))

    op.drop_table("deal_message")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_status"))
        batch_op.drop_index("ix_deal_owner_org_status")
        batch_op.drop_index(batch_op.f("ix_deal_listing_id"))
        batch_op.drop_index("ix_deal_inquirer_org_status")
        batch_op.drop_index(batch_op.f("ix_deal_broker_id"))

    op.drop_table("deal")
    op.drop_table("registration_counter")
