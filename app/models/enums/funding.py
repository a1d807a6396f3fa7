"""Budget lines: reservations, tranches and the ledger."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class ReservationStatus(LabelledEnum):
    """Money set aside on a budget line for one subject (an award, a claim, a grant)."""

    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class TrancheStatus(LabelledEnum):
    """One instalment of a reservation: released when its milestone is accepted, then paid."""

    PENDING = "pending"
    RELEASED = "released"
    PAID = "paid"
    CANCELLED = "cancelled"


class LedgerKind(LabelledEnum):
    """What one funding ledger entry records."""

    RESERVE = "reserve"
    RELEASE = "release"
    PAY = "pay"
    CANCEL = "cancel"


label_members(
    [
        (ReservationStatus.OPEN, "占用中"),
        (ReservationStatus.CLOSED, "已结清"),
        (ReservationStatus.CANCELLED, "已取消"),
        (TrancheStatus.PENDING, "待拨付"),
        (TrancheStatus.RELEASED, "已下达"),
        (TrancheStatus.PAID, "已支付"),
        (TrancheStatus.CANCELLED, "已取消"),
        (LedgerKind.RESERVE, "预算占用"),
        (LedgerKind.RELEASE, "资金下达"),
        (LedgerKind.PAY, "支付"),
        (LedgerKind.CANCEL, "取消占用"),
    ]
)
