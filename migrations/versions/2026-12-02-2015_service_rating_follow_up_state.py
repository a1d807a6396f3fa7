"""service ratings: the follow-up of a 差评 as a state (open → answered) moved by a workflow

Revision ID: 9d4f6b8c0e32
Revises: 9c3e5a7b9d21
Create Date: 2026-12-02 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4f6b8c0e32"
down_revision: str | None = "9c3e5a7b9d21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

rating = sa.table(
    "service_rating",
    sa.column("follow_up", sa.String()),
    sa.column("follow_up_due", sa.Date()),
    sa.column("answered_at", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("service_rating", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "follow_up",
                sa.Enum(
                    "none",
                    "open",
                    "answered",
                    native_enum=False,
                    create_constraint=False,
                    length=32,
                ),
                nullable=False,
                server_default="none",
            )
        )
        batch_op.create_index(batch_op.f("ix_service_rating_follow_up"), ["follow_up"])
    op.execute(
        sa.update(rating)
        .where(rating.c.follow_up_due.is_not(None), rating.c.answered_at.is_(None))
        .values(follow_up="open")
    )
    op.execute(
        sa.update(rating)
        .where(rating.c.follow_up_due.is_not(None), rating.c.answered_at.is_not(None))
        .values(follow_up="answered")
    )


def downgrade() -> None:
    with op.batch_alter_table("service_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_rating_follow_up"))
        batch_op.drop_column("follow_up")
