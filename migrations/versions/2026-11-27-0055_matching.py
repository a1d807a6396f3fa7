"""matching: expert profiles, relevance feedback and its reasons, subscriptions, broker pipeline

Revision ID: 71cd6ee2e988
Revises: 7b3e5d2a9c41
Create Date: 2026-11-27 00:46:51.643176
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "71cd6ee2e988"
down_revision: str | None = "7b3e5d2a9c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Why a match was judged (not) relevant; a managed list administrators can extend.
FEEDBACK_REASONS: list[tuple[str, str]] = [
    ("relevant_tech", "技术对口，值得进一步洽谈"),
    ("immature", "技术成熟度不够"),
    ("price", "价格不合适"),
    ("field", "领域不符"),
    ("mode", "合作方式不符"),
    ("region", "地域不便"),
    ("duplicate", "已有合作或重复推荐"),
    ("other", "其他（见说明）"),
]

taxonomy = sa.table(
    "taxonomy_term",
    sa.column("scheme", sa.String),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("sort", sa.Integer),
    sa.column("active", sa.Boolean),
)


def upgrade() -> None:
    op.create_table(
        "expert_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("institution", sa.String(length=120), nullable=False),
        sa.Column("field_codes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_expert_profile_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_profile")),
        sa.UniqueConstraint("user_id", name=op.f("uq_expert_profile_user_id")),
    )
    op.create_table(
        "match_feedback",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=False),
        sa.Column("reason_code", sa.String(length=30), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_match_feedback_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_match_feedback_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
        sa.UniqueConstraint(
            "listing_id",
            "target_kind",
            "target_id",
            "user_id",
            name=op.f("uq_match_feedback_listing_id_target_kind_target_id_user_id"),
        ),
    )
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_match_feedback_listing", ["listing_id"], unique=False)

    op.create_table(
        "match_pipeline",
        sa.Column("demand_listing_id", sa.Integer(), nullable=False),
        sa.Column("supply_listing_id", sa.Integer(), nullable=False),
        sa.Column("demand_org_id", sa.Integer(), nullable=False),
        sa.Column("supply_org_id", sa.Integer(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "proposed",
                "confirmed",
                "negotiating",
                "signed",
                "closed",
                name="pipelinestage",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("demand_confirmed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("supply_confirmed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=300), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["broker_id"], ["user.id"], name=op.f("fk_match_pipeline_broker_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["demand_listing_id"],
            ["listing.id"],
            name=op.f("fk_match_pipeline_demand_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["demand_org_id"],
            ["organization.id"],
            name=op.f("fk_match_pipeline_demand_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["supply_listing_id"],
            ["listing.id"],
            name=op.f("fk_match_pipeline_supply_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supply_org_id"],
            ["organization.id"],
            name=op.f("fk_match_pipeline_supply_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_pipeline")),
        sa.UniqueConstraint(
            "demand_listing_id",
            "supply_listing_id",
            name=op.f("uq_match_pipeline_demand_listing_id_supply_listing_id"),
        ),
    )
    with op.batch_alter_table("match_pipeline", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_pipeline_broker_id"), ["broker_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_pipeline_demand_listing_id"), ["demand_listing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_pipeline_supply_listing_id"), ["supply_listing_id"], unique=False
        )

    op.create_table(
        "match_subscription",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("field_code", sa.String(length=30), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("min_score", sa.Double(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("checked_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_match_subscription_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_match_subscription_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_subscription")),
    )
    with op.batch_alter_table("match_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_subscription_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "match_subscription_hit",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notified_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_match_subscription_hit_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["match_subscription.id"],
            name=op.f("fk_match_subscription_hit_subscription_id_match_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_subscription_hit")),
        sa.UniqueConstraint(
            "subscription_id",
            "listing_id",
            name=op.f("uq_match_subscription_hit_subscription_id_listing_id"),
        ),
    )
    with op.batch_alter_table("match_subscription_hit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_subscription_hit_notified_at"), ["notified_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_subscription_hit_subscription_id"),
            ["subscription_id"],
            unique=False,
        )

    op.bulk_insert(
        taxonomy,
        [
            {
                "scheme": "match_feedback_reason",
                "code": code,
                "name": name,
                "parent_code": None,
                "sort": i,
                "active": True,
            }
            for i, (code, name) in enumerate(FEEDBACK_REASONS)
        ],
    )


def downgrade() -> None:
    op.execute(taxonomy.delete().where(taxonomy.c.scheme == "match_feedback_reason"))
    with op.batch_alter_table("match_subscription_hit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_subscription_hit_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_match_subscription_hit_notified_at"))

    op.drop_table("match_subscription_hit")
    with op.batch_alter_table("match_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_subscription_user_id"))

    op.drop_table("match_subscription")
    with op.batch_alter_table("match_pipeline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_pipeline_supply_listing_id"))
        batch_op.drop_index(batch_op.f("ix_match_pipeline_demand_listing_id"))
        batch_op.drop_index(batch_op.f("ix_match_pipeline_broker_id"))

    op.drop_table("match_pipeline")
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_match_feedback_listing")

    op.drop_table("match_feedback")
    op.drop_table("expert_profile")
