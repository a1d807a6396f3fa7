"""API shapes of the funding domain."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.core.money import Money
from app.core.schemas import Schema
from app.models.enums import LedgerKind


class BudgetLineOut(Schema):
    id: int
    programme: str
    item_no: int
    year: int
    title: str
    total: Money
    committed: Money
    released: Money
    paid: Money
    remaining: Money


class LedgerEntryOut(Schema):
    id: int
    created_at: datetime
    kind: LedgerKind
    amount: Decimal
    budget_line_id: int | None
    reservation_id: int | None
    tranche_id: int | None
    subject_type: str
    subject_id: int
    note: str
