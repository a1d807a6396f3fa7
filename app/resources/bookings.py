"""Booking shared instruments: requests for a time range, the keeper's decision,
cancellation and the usage record.

No two approved bookings of one instrument overlap, even when two approvals run at once:
an approval first locks the instrument's row, so approvals of one instrument take turns,
then checks for an approved booking in the range. On PostgreSQL the EXCLUDE constraint
``ex_instrument_booking_no_overlap`` (btree_gist, ``tstzrange(starts_at, ends_at) WITH &&``)
refuses an overlap by itself too, whatever path wrote it; on SQLite every writing request
holds the database's one write lock from BEGIN IMMEDIATE, and the lock of the row plus the
check is what keeps the rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.clock import LOCAL_TZ, local
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from app.core.money import CENT
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.workflow import Transition, Workflow
from app.models import InstrumentBooking, Resource, User
from app.models.enums import BookingAccess, BookingStatus, ResourceKind, UsagePayment
from app.resources import repository
from app.resources.schemas import BookingCreate, BookingDecision, UsageRecord
from app.services import voucher as vouchers

B = BookingStatus
BOOKING_FLOW: Workflow[BookingStatus] = Workflow(
    "仪器预约",
    "status",
    [
        Transition("approve", "批准", frozenset({B.PENDING}), B.APPROVED),
        Transition("reject", "不予批准", frozenset({B.PENDING}), B.REJECTED),
        Transition("cancel", "取消", frozenset({B.PENDING, B.APPROVED}), B.CANCELLED),
        Transition("record_usage", "登记使用", frozenset({B.APPROVED}), B.COMPLETED),
    ],
    type="instrument_booking",  # events "instrument_booking.approve" …, app/resources/notices.py
)
#: The longest range one request may hold.
MAX_HOURS = 72
#: Requests are for the coming months only.
MAX_DAYS_AHEAD = 180
#: The requester may cancel an approved booking until this long before it starts.
CANCEL_NOTICE = timedelta(hours=24)


def _instrument(session: Session, user: User | None, resource_id: int) -> Resource:
    resource = repository.get(session, resource_id)
    if (
        resource is None
        or resource.kind != ResourceKind.INSTRUMENT
        or not (resource.is_published or can(user, Action.RESOURCE_VIEW_UNPUBLISHED, resource))
    ):
        raise NotFound("没有找到该仪器")
    return resource


def may_decide(user: User | None, resource: Resource) -> bool:
    """Whether ``user`` decides the bookings of ``resource`` (its keeper, its organisation's
    administrators)."""
    return can(user, Action.BOOKING_DECIDE, resource)


def _may_book(user: User, resource: Resource) -> None:
    if resource.booking_access == BookingAccess.OWN_ORG and user.active_org_id != resource.org_id:
        raise PermissionDenied("该仪器仅供本单位人员使用")
    if resource.booking_access == BookingAccess.VERIFIED_ORGS and not (
        user.org is not None and user.org.is_verified
    ):
        raise PermissionDenied("该仪器仅向已认证机构的人员开放预约，请先加入已认证的机构")


def _overlap_message(other: InstrumentBooking) -> str:
    start, end = local(other.starts_at), local(other.ends_at)
    return f"该时段与已批准的预约（{start:%Y-%m-%d %H:%M}—{end:%H:%M}）重叠，请选择其他时段"


def request(
    session: Session, actor: Actor, resource_id: int, data: BookingCreate
) -> InstrumentBooking:
    """Ask for the instrument for a time range; the keeper decides."""
    user = actor.user
    if user is None:
        raise NotAuthenticated("请先登录后再预约")
    resource = _instrument(session, user, resource_id)
    if not resource.is_published:
        raise Conflict("该仪器尚未发布，暂不接受预约")
    _may_book(user, resource)
    now = utcnow()
    if data.starts_at <= now:
        raise InvalidInput(errors={"starts_at": "开始时间应晚于当前时间"})
    if data.starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(errors={"starts_at": f"只能预约{MAX_DAYS_AHEAD}天以内的时段"})
    if data.ends_at - data.starts_at > timedelta(hours=MAX_HOURS):
        raise InvalidInput(errors={"ends_at": f"一次预约最长{MAX_HOURS}小时"})
    other = repository.holding_overlap(session, resource.id, data.starts_at, data.ends_at, but=0)
    if other is not None:
        raise Conflict(_overlap_message(other))
    booking = InstrumentBooking(
        resource_id=resource.id,
        requester_id=user.id,
        org_id=user.active_org_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        purpose=data.purpose,
        status=BookingStatus.PENDING,
    )
    session.add(booking)
    audit.record(
        session,
        actor,
        "instrument_booking.request",
        booking,
        summary=f"{resource.name} {span(booking)}",
    )
    return booking


def span(booking: InstrumentBooking) -> str:
    start, end = local(booking.starts_at), local(booking.ends_at)
    return f"{start:%Y-%m-%d %H:%M}—{end:%Y-%m-%d %H:%M}"


def get(session: Session, user: User | None, booking_id: int) -> InstrumentBooking:
    """A booking, for its requester, the instrument's keepers and staff."""
    if user is None:
        raise NotAuthenticated("请先登录")
    booking = repository.get_booking(session, booking_id)
    if booking is None or not (
        booking.requester_id == user.id
        or user.is_staff
        or can(user, Action.BOOKING_DECIDE, booking.resource)
    ):
        raise NotFound("没有找到该预约")
    return booking


def _move(
    session: Session, actor: Actor, booking: InstrumentBooking, action: str, note: str = ""
) -> None:
    """Who may move the booking is checked by the caller (it depends on the time and the side)."""
    if note:
        booking.decision_note = note
    BOOKING_FLOW.run(
        session,
        actor,
        booking,
        action,
        note=note,
        summary=lambda _b, _a: (
            f"{booking.resource.name} {span(booking)}：" + BOOKING_FLOW.label(action)
        ),
    )


def approve(
    session: Session, actor: Actor, booking_id: int, data: BookingDecision
) -> InstrumentBooking:
    """Grant the range, unless an approved booking already holds part of it."""
    booking = get(session, actor.user, booking_id)
    authorize(actor.user, Action.BOOKING_DECIDE, booking.resource)
    # Approvals of one instrument take turns: the second sees what the first committed.
    lock_row(booking.resource)
    other = repository.holding_overlap(
        session, booking.resource_id, booking.starts_at, booking.ends_at, but=booking.id
    )
    if other is not None:
        raise Conflict(_overlap_message(other))
    _move(session, actor, booking, "approve", data.note)
    booking.decided_by_id = actor.user_id
    try:
        session.flush()
    except IntegrityError as exc:  # the EXCLUDE constraint on PostgreSQL
        raise Conflict("该时段已被另一项同时批准的预约占用，请刷新后查看") from exc
    return booking


def reject(
    session: Session, actor: Actor, booking_id: int, data: BookingDecision
) -> InstrumentBooking:
    """Refuse a request, with the reason."""
    booking = get(session, actor.user, booking_id)
    authorize(actor.user, Action.BOOKING_DECIDE, booking.resource)
    if not data.note:
        raise InvalidInput(errors={"note": "请填写不予批准的原因"})
    _move(session, actor, booking, "reject", data.note)
    booking.decided_by_id = actor.user_id
    return booking


def cancel(
    session: Session, actor: Actor, booking_id: int, data: BookingDecision
) -> InstrumentBooking:
    """Cancel a booking.

    The requester cancels a pending request at any time and an approved one until 24 hours
    before it starts; the keeper cancels an approved booking (with a reason) until it ends.
    """
    user = actor.user
    booking = get(session, user, booking_id)
    assert user is not None
    keeper = can(user, Action.BOOKING_DECIDE, booking.resource)
    now = utcnow()
    if booking.status == BookingStatus.APPROVED:
        if keeper:
            if not data.note:
                raise InvalidInput(errors={"note": "取消已批准的预约请填写原因，预约人会收到通知"})
            if booking.ends_at <= now:
                raise Conflict("预约时段已结束，不能取消，请登记使用情况")
        elif booking.requester_id == user.id:
            if booking.starts_at - now < CANCEL_NOTICE:
                raise Conflict("距开始已不足24小时，不能自行取消，请联系仪器负责人")
        else:
            raise PermissionDenied("仅预约人或仪器负责人可以取消预约")
    elif booking.requester_id != user.id and not keeper:
        raise PermissionDenied("仅预约人或仪器负责人可以取消预约")
    _move(session, actor, booking, "cancel", data.note)
    return booking


def record_usage(
    session: Session, actor: Actor, booking_id: int, data: UsageRecord
) -> InstrumentBooking:
    """Record how long the instrument was used and what it costs; a voucher may pay it."""
    booking = get(session, actor.user, booking_id)
    authorize(actor.user, Action.BOOKING_DECIDE, booking.resource)
    if booking.starts_at > utcnow():
        raise Conflict("预约时段尚未开始，不能登记使用")
    if data.payment == UsagePayment.VOUCHER_PAID:
        raise InvalidInput(errors={"payment": "创新券结算由服务大厅办理"})
    if data.payment == UsagePayment.VOUCHER_PENDING:
        if not booking.resource.accepts_vouchers:
            raise InvalidInput(errors={"payment": "该仪器的服务不在创新券支付范围内"})
        # The voucher is the requester's organisation's, granted in the service hall.
        data.voucher_ref = (
            vouchers.chargeable(session, data.voucher_ref, booking.org_id).serial_no or ""
        )
    _move(session, actor, booking, "record_usage")
    booking.used_hours = data.used_hours
    rate = booking.resource.fee_per_hour
    booking.fee = (
        (rate * data.used_hours).quantize(CENT, rounding=ROUND_HALF_UP)
        if rate is not None
        else None
    )
    booking.payment = data.payment
    booking.voucher_ref = data.voucher_ref
    return booking


def week_start(start: datetime | None) -> datetime:
    """The calendar's first moment: the given time (local if naive), or today's local midnight."""
    if start is None:
        return local(utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    return start if start.tzinfo is not None else start.replace(tzinfo=LOCAL_TZ)


def calendar(
    session: Session, user: User | None, resource_id: int, starts: datetime, days: int = 7
) -> tuple[Resource, list[InstrumentBooking]]:
    """The instrument and its pending and approved bookings from ``starts`` for ``days``."""
    resource = _instrument(session, user, resource_id)
    return resource, repository.bookings_between(
        session, resource.id, starts, starts + timedelta(days=days)
    )


def mine(session: Session, user: User, pagination: Pagination) -> Paged:
    """The user's own requests."""
    return paginate(session, repository.bookings_statement(requester_id=user.id), pagination)


def to_decide(session: Session, user: User, pagination: Pagination) -> Paged:
    """Bookings of the instruments of the user's organisation."""
    if user.active_org_id is None:
        return Paged(items=[], total=0, page=pagination.page, size=pagination.size)
    stmt = repository.bookings_statement(org_id=user.active_org_id)
    return paginate(session, stmt, pagination)


def settle_voucher(session: Session, actor: Actor, serial_no: str, provider_org_id: int) -> int:
    """The service hall redeemed 创新券 ``serial_no`` at this provider: the instrument uses
    charged to it there are paid (已由创新券支付). Returns how many."""
    settled = repository.voucher_uses(session, serial_no, provider_org_id)
    for booking in settled:
        booking.payment = UsagePayment.VOUCHER_PAID
        audit.record(
            session,
            actor,
            "instrument_booking.voucher_paid",
            booking,
            summary=f"仪器使用费由创新券 {serial_no} 兑付",
        )
    return len(settled)
