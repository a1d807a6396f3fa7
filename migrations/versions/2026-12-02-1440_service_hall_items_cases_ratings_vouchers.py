"""service hall: items with their guides, applications (办件) and their steps, ratings, vouchers

The items shipped with the platform (科技创新券申领, 高新技术企业认定补贴) are added with
their 办事指南, as they stand today; staff keep them from then on.

Revision ID: c4d8e2a6f731
Revises: 9a4f6c2e8b17
Create Date: 2026-12-02 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db
from app.core.db import utcnow

revision: str = "c4d8e2a6f731"
down_revision: str | None = "9a4f6c2e8b17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = app.core.db.UTCDateTime(timezone=True)
MONEY = sa.Numeric(16, 2, asdecimal=True)

# The two items as they shipped, frozen here: a migration must not change when the code does.
CATALOGUE = [
    {
        "code": "KJCXQ",
        "kind": "innovation_voucher",
        "title": "科技创新券申领",
        "item_no": 23,
        "department": "市科技局成果转化处",
        "summary": "每年投放3000万元科技创新券，支持高新技术企业、科技型中小企业购买研究开发、检验检测、科技评估评价、科技咨询等专业科技服务和综合科技服务。",
        "guide": {
            "conditions": [
                "在长春市注册、具有独立法人资格的企业",
                "经认定的高新技术企业或入库的科技型中小企业（以平台机构资质为准，并在有效期内）",
                "购买的服务与企业科技创新活动直接相关：研究开发、检验检测、科技评估评价、科技咨询或综合科技服务",
            ],
            "materials": [
                {"name": "创新券申领表（加盖公章）", "types": "PDF"},
                {"name": "高新技术企业证书或科技型中小企业入库登记编号", "types": "PDF、JPG、PNG"},
                {"name": "拟购买科技服务的说明", "types": "PDF、DOCX"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局成果转化处",
                    "days": 5,
                },
                {
                    "name": "核定额度",
                    "status": "processing",
                    "department": "市科技局成果转化处",
                    "days": 10,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
        },
    },
    {
        "code": "GQRDBT",
        "kind": "general",
        "title": "高新技术企业认定补贴",
        "item_no": 20,
        "department": "市科技局高新技术处",
        "summary": "对通过高新技术企业认定的企业，市以创新券方式最高给予3万元认定补贴；县（市）区、开发区以后补助方式给予10万元奖励。",
        "guide": {
            "conditions": ["当年通过高新技术企业认定的长春市企业"],
            "materials": [
                {"name": "高新技术企业证书", "types": "PDF、JPG、PNG"},
                {"name": "认定补贴申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局高新技术处",
                    "days": 10,
                },
                {
                    "name": "办结",
                    "status": "processing",
                    "department": "市科技局高新技术处",
                    "days": 10,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
        },
    },
]


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=32)


CASE_STATUS = _enum(
    "draft",
    "submitted",
    "formal_review",
    "correction",
    "not_accepted",
    "accepted",
    "processing",
    "granted",
    "refused",
)


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "service_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("guide", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item")),
        sa.UniqueConstraint("code", name=op.f("uq_service_item_code")),
    )
    now = utcnow()
    op.bulk_insert(
        sa.table(
            "service_item",
            *(sa.column(c) for c in ("code", "kind", "title", "item_no", "department", "summary")),
            sa.column("guide", sa.JSON()),
            sa.column("active", sa.Boolean()),
            sa.column("created_at", WHEN),
            sa.column("updated_at", WHEN),
        ),
        [{**item, "active": True, "created_at": now, "updated_at": now} for item in CATALOGUE],
    )
    op.create_table(
        "service_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_service_counter")),
    )
    op.create_table(
        "service_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_no", sa.String(length=20), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("status", CASE_STATUS, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("requested_amount", MONEY, nullable=True),
        sa.Column("granted_amount", MONEY, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_item.id"], name=op.f("fk_service_case_item_id_service_item")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_service_case_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["user.id"], name=op.f("fk_service_case_applicant_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_case")),
        sa.UniqueConstraint("serial_no", name=op.f("uq_service_case_serial_no")),
    )
    op.create_index(op.f("ix_service_case_item_id"), "service_case", ["item_id"])
    op.create_index(op.f("ix_service_case_org_id"), "service_case", ["org_id"])
    op.create_index(op.f("ix_service_case_status"), "service_case", ["status"])
    op.create_index(op.f("ix_service_case_year"), "service_case", ["year"])
    op.create_table(
        "service_case_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("status", CASE_STATUS, nullable=False),
        sa.Column("department", sa.String(length=80), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["service_case.id"],
            name=op.f("fk_service_case_step_case_id_service_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_service_case_step_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_case_step")),
    )
    op.create_index(op.f("ix_service_case_step_case_id"), "service_case_step", ["case_id"])
    op.create_table(
        "service_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["service_case.id"],
            name=op.f("fk_service_rating_case_id_service_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"],
            ["user.id"],
            name=op.f("fk_service_rating_rated_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_rating")),
        sa.UniqueConstraint("case_id", name=op.f("uq_service_rating_case_id")),
    )
    op.create_index(op.f("ix_service_rating_follow_up_due"), "service_rating", ["follow_up_due"])
    op.create_table(
        "voucher_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("provider_org_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            _enum("research", "testing", "evaluation", "consulting", "integrated"),
            nullable=False,
        ),
        sa.Column("mode", _enum("general", "redeem"), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("voucher_amount", MONEY, nullable=False),
        sa.Column("status", _enum("ordered", "paid"), nullable=False),
        sa.Column("paid_at", WHEN, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["service_case.id"],
            name=op.f("fk_voucher_order_case_id_service_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_org_id"],
            ["organization.id"],
            name=op.f("fk_voucher_order_provider_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_order")),
        sa.UniqueConstraint("case_id", name=op.f("uq_voucher_order_case_id")),
    )
    op.create_index(op.f("ix_voucher_order_provider_org_id"), "voucher_order", ["provider_org_id"])


def downgrade() -> None:
    op.drop_table("voucher_order")
    op.drop_table("service_rating")
    op.drop_table("service_case_step")
    op.drop_table("service_case")
    op.drop_table("service_counter")
    op.drop_table("service_item")
