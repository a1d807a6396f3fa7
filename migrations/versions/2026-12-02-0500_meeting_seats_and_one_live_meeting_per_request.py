"""meeting seats: no person twice in a slot, no request met twice

Each live meeting seats both parties of its request in its slot; ``meeting_seat`` is unique on
(slot, participant), so the database itself refuses a double booking whichever side of a
request a person is on. A partial unique index allows one live meeting per request. Existing
live meetings get their seats.

Revision ID: 5b1d0c7e9a21
Revises: 5b8d2c4e7a91
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1d0c7e9a21"
down_revision: str | None = "5b8d2c4e7a91"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status != 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "meeting_seat",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_seat_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["event_participant.id"],
            name=op.f("fk_meeting_seat_participant_id_event_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["event_slot.id"],
            name=op.f("fk_meeting_seat_slot_id_event_slot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "participant_id", name=op.f("pk_meeting_seat")),
        sa.UniqueConstraint(
            "slot_id", "participant_id", name=op.f("uq_meeting_seat_slot_id_participant_id")
        ),
    )
    op.create_index(
        op.f("ix_meeting_seat_participant_id"), "meeting_seat", ["participant_id"], unique=False
    )
    for side in ("party_a_id", "party_b_id"):
        op.execute(
            "INSERT INTO meeting_seat (meeting_id, participant_id, slot_id) "
            f"SELECT m.id, r.{side}, m.slot_id FROM meeting m "
            "JOIN meeting_request r ON r.id = m.request_id "
            f"WHERE m.{LIVE}"
        )
    op.create_index(
        "uq_meeting_request_live",
        "meeting",
        ["request_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_meeting_request_live",
        table_name="meeting",
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.drop_index(op.f("ix_meeting_seat_participant_id"), table_name="meeting_seat")
    op.drop_table("meeting_seat")
