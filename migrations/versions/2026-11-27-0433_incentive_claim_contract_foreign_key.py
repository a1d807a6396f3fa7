"""incentive claims reference their technical contract (foreign key, ON DELETE RESTRICT)

A claim's ``contract_id`` was a bare integer. Registered contracts are never deleted, so the
key restricts deletion rather than cascading or clearing it. A claim whose contract no longer
exists keeps its row and its ``contract_label`` (the contract's title and registration number)
and loses only the dangling id, so the constraint can be added to any existing database.

Revision ID: f3f50589d3bf
Revises: e87bafa38831
Create Date: 2026-11-27 04:33:00.810118
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3f50589d3bf"
down_revision: str | None = "e87bafa38831"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

claim = sa.table("incentive_claim", sa.column("contract_id", sa.Integer))
contract = sa.table("tech_contract", sa.column("id", sa.Integer))


def upgrade() -> None:
    op.execute(
        claim.update()
        .where(
            claim.c.contract_id.is_not(None),
            claim.c.contract_id.not_in(sa.select(contract.c.id)),
        )
        .values(contract_id=None)
    )
    with op.batch_alter_table("incentive_claim", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_incentive_claim_contract_id_tech_contract"),
            "tech_contract",
            ["contract_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("incentive_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_incentive_claim_contract_id_tech_contract"), type_="foreignkey"
        )
