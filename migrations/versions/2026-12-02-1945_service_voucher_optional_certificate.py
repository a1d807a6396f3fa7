"""service hall: the 创新券 guide's certificate copy becomes optional (选填)

The recognition is read from the organisation's record; submitting a case now requires every
material of its guide that is not marked optional, so the guide says which one may be left out.

Revision ID: 9b2d4f6a8c10
Revises: 8a4c2e6f1b37
Create Date: 2026-12-02 19:45:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b2d4f6a8c10"
down_revision: str | None = "8a4c2e6f1b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE = "KJCXQ"
OPTIONAL = "高新技术企业证书或科技型中小企业入库登记编号"

item = sa.table(
    "service_item", sa.column("id", sa.Integer()), sa.column("code"), sa.column("guide", sa.JSON())
)


def _mark(optional: bool) -> None:
    bind = op.get_bind()
    row = bind.execute(sa.select(item.c.id, item.c.guide).where(item.c.code == CODE)).first()
    if row is None:
        return
    guide = row.guide if isinstance(row.guide, dict) else json.loads(row.guide)
    for material in guide.get("materials", []):
        if material.get("name") == OPTIONAL:
            if optional:
                material["optional"] = True
            else:
                material.pop("optional", None)
    bind.execute(sa.update(item).where(item.c.id == row.id).values(guide=guide))


def upgrade() -> None:
    _mark(True)


def downgrade() -> None:
    _mark(False)
