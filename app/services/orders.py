"""创新券 使用 and 兑付: the enterprise orders a service with its granted voucher; the bureau
pays it once (``ORDER_FLOW``: lock, re-check, audit ``voucher_order.pay``, one event)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.money import exact_yuan
from app.core.permissions import Action, authorize
from app.core.workflow import Transition, Workflow
from app.models import Organization, VoucherOrder
from app.models.enums import CaseStatus, ResourceKind, VoucherMode, VoucherOrderStatus
from app.resources import bookings as resource_bookings
from app.resources import service as resource_service
from app.services import kinds, voucher
from app.services.schemas import OrderCreate
from app.services.service import get_case, own

ORDER_FLOW: Workflow[VoucherOrderStatus] = Workflow(
    "创新券服务订单",
    "status",
    [
        Transition(
            "pay",
            "兑付",
            frozenset({VoucherOrderStatus.ORDERED}),
            VoucherOrderStatus.PAID,
            Action.SERVICE_HANDLE,
        )
    ],
    type="voucher_order",  # audit and event "voucher_order.pay"
)


def order(session: Session, actor: Actor, case_id: int, data: OrderCreate) -> VoucherOrder:
    """使用: the enterprise orders a service from a provider with its granted voucher."""
    case = get_case(session, actor.user, case_id)
    own(actor.user, case)
    if case.item.kind not in kinds.AS_VOUCHER:
        raise NotFound("本事项不以创新券方式发放")
    lock_row(case)
    if case.status != CaseStatus.GRANTED or case.granted_amount is None:
        raise Conflict("创新券核定后才能使用")
    if session.scalars(select(VoucherOrder).where(VoucherOrder.case_id == case.id)).first():
        raise Conflict("该创新券已使用")
    provider = session.get(Organization, data.provider_org_id)
    if provider is None or not provider.is_verified or provider.id == case.org_id:
        raise InvalidInput(errors={"provider_org_id": "请选择已认证的其他服务机构"})
    offers = resource_service.published_of_org(
        session, provider.id, ResourceKind.SERVICE_PROVIDER, service=data.category.value
    )
    if not any(r.accepts_vouchers for r in offers):
        raise InvalidInput(
            errors={
                "provider_org_id": f"“{provider.name}”不在创新券服务机构名录中，"
                f"或未登记提供“{data.category.label}”服务"
            }
        )
    if data.amount < case.granted_amount:
        raise InvalidInput(
            errors={"amount": f"服务金额不应低于创新券额度{exact_yuan(case.granted_amount)}"}
        )
    row = VoucherOrder(
        case_id=case.id,
        provider_org_id=provider.id,
        category=data.category,
        mode=data.mode,
        description=data.description.strip(),
        amount=data.amount,
        voucher_amount=case.granted_amount,
        status=VoucherOrderStatus.ORDERED,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "voucher_order.create",
        case,
        summary=f"{case.serial_no} 使用创新券：{provider.name} {data.category.label}"
        f" {exact_yuan(data.amount)}（{data.mode.label}）",
    )
    return row


def pay_order(session: Session, actor: Actor, case_id: int) -> VoucherOrder:
    """兑付: 通用 reimburses the enterprise, 通兑 pays the provider the voucher's part."""
    authorize(actor.user, Action.SERVICE_HANDLE)
    case = get_case(session, actor.user, case_id)
    row = session.scalars(select(VoucherOrder).where(VoucherOrder.case_id == case.id)).first()
    if row is None:
        raise Conflict("该创新券尚未使用，不能兑付")
    payee = case.org.name if row.mode == VoucherMode.GENERAL else "服务机构"
    ORDER_FLOW.run(
        session,
        actor,
        row,
        "pay",
        summary=f"{case.serial_no} 兑付{exact_yuan(row.voucher_amount)}给{payee}",
        case_id=case.id,
    )
    row.paid_at = utcnow()
    voucher.pay(session, actor, case)
    assert case.serial_no is not None
    # Instrument use charged to this voucher at the provider is paid with it.
    resource_bookings.settle_voucher(session, actor, case.serial_no, row.provider_org_id)
    return row
