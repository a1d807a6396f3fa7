"""generic review: members and scores over (subject_type, subject_id)

The experts of each 揭榜挂帅 panel (``challenge_panel_member``) and their scores
(``challenge_score``) move, keeping their ids, to ``review_member`` and ``review_score`` with
subject ``("challenge", challenge id)``; a score's entry is its application. Then the two
old tables go.

Revision ID: a7c3e5f9d214
Revises: 9f4a2c6e8b13
Create Date: 2026-12-02 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "a7c3e5f9d214"
down_revision: str | None = "9f4a2c6e8b13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = app.core.db.UTCDateTime(timezone=True)
STATUS = sa.Enum("eligible", "excluded", name="panelmemberstatus", native_enum=False, length=32)


def _restart_ids(*tables: str) -> None:
    """Rows were copied with their ids: PostgreSQL's sequences must continue after them."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def upgrade() -> None:
    op.create_table(
        "review_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["user.id"], name=op.f("fk_review_member_expert_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_member")),
        sa.UniqueConstraint(
            "subject_type",
            "subject_id",
            "expert_id",
            name=op.f("uq_review_member_subject_type_subject_id_expert_id"),
        ),
    )
    op.create_index(op.f("ix_review_member_expert_id"), "review_member", ["expert_id"])
    op.create_table(
        "review_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["user.id"], name=op.f("fk_review_score_expert_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_score")),
        sa.UniqueConstraint(
            "subject_type",
            "entry_id",
            "expert_id",
            name=op.f("uq_review_score_subject_type_entry_id_expert_id"),
        ),
    )
    op.create_index(op.f("ix_review_score_entry_id"), "review_score", ["entry_id"])
    op.create_index("ix_review_score_subject", "review_score", ["subject_type", "subject_id"])

    op.execute(
        "INSERT INTO review_member (id, subject_type, subject_id, expert_id, status, conflicts) "
        "SELECT m.id, 'challenge', p.challenge_id, m.expert_id, m.status, m.conflicts "
        "FROM challenge_panel_member m JOIN challenge_panel p ON p.id = m.panel_id"
    )
    op.execute(
        "INSERT INTO review_score (id, subject_type, subject_id, entry_id, expert_id, items, "
        "total, created_at, updated_at) "
        "SELECT s.id, 'challenge', a.challenge_id, s.application_id, s.expert_id, s.items, "
        "s.total, s.created_at, s.updated_at "
        "FROM challenge_score s JOIN challenge_application a ON a.id = s.application_id"
    )
    _restart_ids("review_member", "review_score")
    op.drop_index(op.f("ix_challenge_panel_member_expert_id"), table_name="challenge_panel_member")
    op.drop_table("challenge_panel_member")
    op.drop_index(op.f("ix_challenge_score_application_id"), table_name="challenge_score")
    op.drop_table("challenge_score")


def downgrade() -> None:
    op.create_table(
        "challenge_score",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
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
    op.create_index(
        op.f("ix_challenge_score_application_id"), "challenge_score", ["application_id"]
    )
    op.create_table(
        "challenge_panel_member",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
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
    op.create_index(
        op.f("ix_challenge_panel_member_expert_id"), "challenge_panel_member", ["expert_id"]
    )
    op.execute(
        "INSERT INTO challenge_panel_member (id, panel_id, expert_id, status, conflicts) "
        "SELECT m.id, p.id, m.expert_id, m.status, m.conflicts FROM review_member m "
        "JOIN challenge_panel p ON p.challenge_id = m.subject_id "
        "WHERE m.subject_type = 'challenge'"
    )
    op.execute(
        "INSERT INTO challenge_score (id, application_id, expert_id, items, total, created_at, "
        "updated_at) SELECT s.id, s.entry_id, s.expert_id, s.items, s.total, s.created_at, "
        "s.updated_at FROM review_score s WHERE s.subject_type = 'challenge'"
    )
    _restart_ids("challenge_panel_member", "challenge_score")
    op.drop_table("review_score")
    op.drop_table("review_member")
