"""Technical contracts and their registration (认定登记); deals live in ``deals.py``.

``create_contract`` is the one way a contract comes into being: from a deal when the two
sides sign, entered directly by a party, or from a 揭榜挂帅 award. Registration is submitted
by a party and judged by an administrator, who either gives it a number (region code + year +
sequence, allocated in the approving transaction so the sequence has no gaps) or returns it
with a reason. Payments are recorded against milestones and never exceed them; a milestone
is complete (``completed_on``) once paid in full, or when a 揭榜挂帅 stage is accepted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.clock import LOCAL_TZ
from app.core.config import get_settings
from app.core.db import next_counter_value, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.core.money import CENT, exact_yuan
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can, signed_in
from app.core.workflow import Transition, Workflow
from app.funding import service as funding_service
from app.incentives import service as incentive_service
from app.models import (
    Achievement,
    ContractMilestone,
    ContractParty,
    ContractPayment,
    Organization,
    RegistrationCounter,
    TechContract,
    User,
)
from app.models.enums import ContractStatus, OrgType, Role
from app.trading import codes, notices, repository
from app.trading.schemas import ContractCreate, PaymentCreate

#: how a contract's payments appear on the funding ledger
CONTRACT_SUBJECT = "tech_contract"

REGISTRATION = Workflow[ContractStatus](
    "技术合同",
    "status",
    [
        Transition(
            "submit",
            "提交认定登记",
            frozenset({ContractStatus.DRAFT, ContractStatus.RETURNED}),
            ContractStatus.SUBMITTED,
            Action.CONTRACT_EDIT,
        ),
        Transition(
            "register",
            "认定登记",
            frozenset({ContractStatus.SUBMITTED}),
            ContractStatus.REGISTERED,
            Action.CONTRACT_REGISTER,
        ),
        Transition(
            "return",
            "退回",
            frozenset({ContractStatus.SUBMITTED}),
            ContractStatus.RETURNED,
            Action.CONTRACT_REGISTER,
        ),
    ],
    type="contract",  # events "contract.submit", "contract.register", "contract.return"
)

ZERO = Decimal("0.00")


user_names = repository.user_names
brokers = repository.brokers
verified_orgs = repository.verified_orgs


def transfer_org_of(session: Session, contract: TechContract) -> Organization | None:
    """The technology transfer institution named on ``contract``, if any."""
    if contract.transfer_org_id is None:
        return None
    return session.get(Organization, contract.transfer_org_id)


def may_edit(user: User | None, contract: TechContract) -> bool:
    """Whether ``user`` may edit ``contract`` (its parties' people, the platform)."""
    return can(user, Action.CONTRACT_EDIT, contract)


def may_register(user: User | None, contract: TechContract) -> bool:
    """Whether ``user`` judges ``contract``'s registration (认定登记)."""
    return can(user, Action.CONTRACT_REGISTER, contract)


# --- creating -------------------------------------------------------------------------------


def _party(session: Session, position: int, data: ContractCreate, index: int) -> ContractParty:
    item = data.parties[index]
    if item.org_id is not None:
        org = session.get(Organization, item.org_id)
        if org is None:
            raise InvalidInput(errors={f"parties.{index}.org_id": "当事人机构不存在"})
        name, org_type, region = org.name, org.org_type, org.region_code
    else:
        assert item.org_type is not None and item.region_code is not None  # schema checks
        name, org_type, region = item.name, item.org_type, item.region_code
    return ContractParty(
        position=position,
        role=item.role,
        org_id=item.org_id,
        name=name,
        org_type=org_type,
        region_code=region,
        is_local=codes.is_local(region),
        legal_person_type=item.legal_person_type or codes.DEFAULT_LEGAL_PERSON_TYPE[org_type],
    )


def _check_broker(session: Session, broker_id: int | None) -> None:
    if broker_id is None:
        return
    broker = session.get(User, broker_id)
    if broker is None or broker.role != Role.BROKER or not broker.is_active:
        raise InvalidInput(errors={"broker_id": "所选用户不是在册的技术经纪人"})


def _check_transfer_org(session: Session, org_id: int | None) -> None:
    if org_id is None:
        return
    org = session.get(Organization, org_id)
    if org is None or org.org_type != OrgType.TRANSFER_AGENCY:
        raise InvalidInput(errors={"transfer_org_id": "所选机构不是技术转移机构"})


def create_contract(session: Session, actor: Actor, data: ContractCreate) -> TechContract:
    """Record a signed technical contract with its parties and milestones.

    The actor is a member of one of the parties, the broker who introduced it, or staff.
    With ``deal_id`` the deal moves to 签约 and its two organisations must be parties.
    """
    user = signed_in(actor.user)
    party_orgs = {p.org_id for p in data.parties if p.org_id is not None}
    if not (
        user.is_staff
        or (user.active_org_id is not None and user.active_org_id in party_orgs)
        or (data.broker_id is not None and data.broker_id == user.id)
    ):
        raise PermissionDenied("仅合同当事人、介绍该合同的技术经纪人或管理员可以录入合同")
    if len(party_orgs) != len([p for p in data.parties if p.org_id is not None]):
        raise InvalidInput(errors={"parties": "同一机构不能重复列为当事人"})
    _check_broker(session, data.broker_id)
    _check_transfer_org(session, data.transfer_org_id)
    achievements: list[Achievement] = []
    if data.achievement_ids:
        achievements = list(
            session.scalars(select(Achievement).where(Achievement.id.in_(data.achievement_ids)))
        )
        if len(achievements) != len(set(data.achievement_ids)):
            raise InvalidInput(errors={"achievement_ids": "所选科技成果不存在"})
    assert data.tech_amount is not None  # the schema fills it in
    contract = TechContract(
        title=data.title,
        contract_type=data.contract_type,
        contract_no=data.contract_no,
        total_amount=data.total_amount,
        tech_amount=data.tech_amount,
        signed_on=data.signed_on,
        term_start=data.term_start,
        term_end=data.term_end,
        tech_field=data.tech_field,
        ip_type=data.ip_type,
        summary=data.summary,
        patents=[p.model_dump() for p in data.patents],
        broker_id=data.broker_id,
        transfer_org_id=data.transfer_org_id,
        created_by_id=user.id,
        status=ContractStatus.DRAFT,
        parties=[_party(session, i, data, i) for i in range(len(data.parties))],
        milestones=[
            ContractMilestone(
                position=i,
                name=m.name,
                description=m.description,
                amount=m.amount,
                due_on=m.due_on,
            )
            for i, m in enumerate(data.milestones)
        ],
        payments=[],
        achievements=achievements,
    )
    if data.deal_id is not None:
        from app.trading import deals

        deal = deals.load(session, actor, data.deal_id)
        missing = set(deal.org_ids) - party_orgs
        if missing:
            raise InvalidInput(errors={"parties": "洽谈双方都应列为合同当事人"})
        if repository.contract_for_deal(session, deal.id) is not None:
            raise Conflict("该洽谈已签订合同")
        contract.deal_id = deal.id
        session.add(contract)
        session.flush()
        deals.signed(session, actor, deal, contract)
    session.add(contract)
    audit.record(
        session,
        actor,
        "contract.create",
        contract,
        summary=f"录入{contract.contract_type.label}合同“{contract.title}”",
        after=audit.snapshot(
            contract, ["title", "contract_type", "total_amount", "tech_amount", "signed_on"]
        ),
    )
    notices.tell_parties(
        session, contract, notices.CONTRACT_RECORDED, skip=user, amount=contract.total_amount
    )
    return contract


# --- reading --------------------------------------------------------------------------------


def get_contract(session: Session, actor: Actor, contract_id: int) -> TechContract:
    """A contract the actor may see, with parties, milestones and payments loaded."""
    contract = repository.get_contract(session, contract_id)
    if contract is None:
        raise NotFound("技术合同不存在")
    authorize(actor.user, Action.CONTRACT_VIEW, contract)
    return contract


def editable_contract(session: Session, actor: Actor, contract_id: int) -> TechContract:
    """A contract the actor may act on as a party (404 when they may not see it, 403 when
    they only see it)."""
    contract = get_contract(session, actor, contract_id)
    authorize(actor.user, Action.CONTRACT_EDIT, contract)
    return contract


def contract_of_deal(session: Session, deal_id: int) -> TechContract | None:
    return repository.contract_for_deal(session, deal_id)


def list_contracts(
    session: Session,
    actor: Actor,
    pagination: Pagination,
    *,
    status: ContractStatus | None = None,
) -> Paged:
    user = signed_in(actor.user)
    return paginate(session, repository.visible_contracts(user, status=status), pagination)


def registration_queue(session: Session, actor: Actor, pagination: Pagination) -> Paged:
    user = signed_in(actor.user)
    authorize(user, Action.ADMIN_ACCESS)
    return paginate(session, repository.registration_queue(user), pagination)


# --- registration ---------------------------------------------------------------------------


def submit_registration(
    session: Session, actor: Actor, contract: TechContract, org_id: int | None = None
) -> TechContract:
    """A party asks for 认定登记; the applying organisation (登记方) must be a party."""
    user = signed_in(actor.user)
    authorize(user, Action.CONTRACT_EDIT, contract)
    registrant = org_id or user.active_org_id
    if registrant is None or registrant not in contract.party_org_ids:
        raise InvalidInput(errors={"org_id": "登记方应为合同当事人之一"})
    summary = f"提交认定登记“{contract.title}”"
    contract.registrant_org_id = registrant  # the registrars told are those of the registrant
    contract.submitted_by_id = user.id
    contract.submitted_at = utcnow()
    contract.return_reason = ""
    REGISTRATION.run(
        session, actor, contract, "submit", summary=summary, registrant_org_id=registrant
    )
    return contract


def _registration_region(contract: TechContract) -> str:
    for party in contract.parties:
        if party.org_id == contract.registrant_org_id and party.is_local:
            return party.region_code
    return codes.CITY_REGION_CODE


def _next_sequence(session: Session, region: str, year: int) -> int:
    """The next number of the region's year, counted in this transaction (no gaps)."""
    return next_counter_value(session, RegistrationCounter, region_code=region, year=year)


def registration_number(region: str, year: int, sequence: int) -> str:
    """``2201732026000001``: region code, year, six-digit sequence."""
    return f"{region}{year}{sequence:06d}"


def approve_registration(session: Session, actor: Actor, contract: TechContract) -> TechContract:
    """Register the contract: a number, the rules version, and the deal moves to 登记."""
    user = signed_in(actor.user)
    authorize(user, Action.CONTRACT_REGISTER, contract)
    now = utcnow()
    region = _registration_region(contract)
    year = now.astimezone(LOCAL_TZ).year
    # The number is counted in this transaction: a refused registration (409) gives it back.
    contract.registration_no = registration_number(
        region, year, _next_sequence(session, region, year)
    )
    contract.registered_at = now
    contract.reviewed_by_id = user.id
    contract.reviewed_at = now
    contract.rules_version = get_settings().contract_rules_version
    REGISTRATION.run(
        session,
        actor,
        contract,
        "register",
        summary=f"认定登记“{contract.title}”，登记号 {contract.registration_no}",
        registration_no=contract.registration_no,
        rules_version=contract.rules_version,
    )
    if contract.deal_id is not None:
        from app.trading import deals

        deals.registered(session, actor, contract.deal_id, contract)
    incentive_service.create_claims_for_contract(session, contract, actor)
    return contract


def return_registration(
    session: Session, actor: Actor, contract: TechContract, reason: str
) -> TechContract:
    """Send the application back to the parties with the reason; they fix and resubmit."""
    user = signed_in(actor.user)
    authorize(user, Action.CONTRACT_REGISTER, contract)
    summary = f"退回认定登记“{contract.title}”：{reason}"
    REGISTRATION.run(session, actor, contract, "return", summary=summary, reason=reason)
    contract.return_reason = reason
    contract.reviewed_by_id = user.id
    contract.reviewed_at = utcnow()
    return contract


# --- payments -------------------------------------------------------------------------------


def record_payment(
    session: Session, actor: Actor, contract_id: int, data: PaymentCreate
) -> ContractPayment:
    """Record money received; the sum never exceeds the milestone or the contract."""
    user = signed_in(actor.user)
    contract = repository.get_contract(session, contract_id, lock=True)
    if contract is None:
        raise NotFound("技术合同不存在")
    authorize(user, Action.CONTRACT_EDIT, contract)
    milestone: ContractMilestone | None = None
    if data.milestone_id is not None:
        milestone = next((m for m in contract.milestones if m.id == data.milestone_id), None)
        if milestone is None:
            raise InvalidInput(errors={"milestone_id": "该付款节点不属于本合同"})
    elif contract.milestones:
        raise InvalidInput(errors={"milestone_id": "请选择这笔款项对应的付款节点"})
    if milestone is not None and milestone.paid_amount + data.amount > milestone.amount:
        left = milestone.amount - milestone.paid_amount
        raise InvalidInput(
            errors={
                "amount": f"超出付款节点“{milestone.name}”的金额，该节点尚余 {exact_yuan(left)}"
            }
        )
    if contract.paid_amount + data.amount > contract.total_amount:
        left = contract.total_amount - contract.paid_amount
        raise InvalidInput(errors={"amount": f"超出合同总额，尚余 {exact_yuan(left)}未到账"})
    payment = ContractPayment(
        contract=contract,
        milestone=milestone,
        amount=data.amount,
        paid_on=data.paid_on,
        note=data.note,
        recorded_by_id=user.id,
    )
    session.add(payment)
    session.flush()
    funding_service.record_payment(
        session,
        actor,
        subject_type=CONTRACT_SUBJECT,
        subject_id=contract.id,
        amount=data.amount,
        note=f"合同付款 #{payment.id}"
        + (f"（{milestone.name}）" if milestone is not None else "")
        + (f"：{data.note}" if data.note else ""),
    )
    audit.record(
        session,
        actor,
        "contract.payment",
        contract,
        summary=f"登记到账 {exact_yuan(data.amount)}"
        + (f"（{milestone.name}）" if milestone is not None else ""),
        after={"amount": str(data.amount), "paid_on": data.paid_on.isoformat()},
    )
    if milestone is not None and milestone.paid_amount >= milestone.amount:
        # Paid in full: completed on the day the money that made it whole arrived (payments
        # may be recorded after the fact and in any order).
        _complete(session, actor, contract, milestone, max(p.paid_on for p in milestone.payments))
    if contract.deal_id is not None:
        from app.trading import deals

        deals.paid(session, actor, contract.deal_id, contract)
    incentive_service.payment_recorded(session, contract, actor)
    return payment


def complete_milestone(
    session: Session, actor: Actor, contract_id: int, milestone_id: int, on: date
) -> ContractMilestone:
    """Record that a stage was accepted on ``on``, whatever has been paid for it so far.

    For the domain whose review accepts the stage (a 揭榜挂帅 stage, accepted by the staff
    reviewing the challenge); that domain authorises the acceptance.
    """
    contract = repository.get_contract(session, contract_id)
    milestone = (
        next((m for m in contract.milestones if m.id == milestone_id), None) if contract else None
    )
    if contract is None or milestone is None:
        raise NotFound("该付款节点不存在")
    _complete(session, actor, contract, milestone, on)
    return milestone


def _complete(
    session: Session,
    actor: Actor,
    contract: TechContract,
    milestone: ContractMilestone,
    on: date,
) -> None:
    if milestone.completed_on is not None:
        return
    milestone.completed_on = on
    audit.record(
        session,
        actor,
        "contract.milestone_complete",
        contract,
        summary=f"付款节点“{milestone.name}”于 {on:%Y年%m月%d日} 完成",
        after={"milestone_id": milestone.id, "completed_on": on.isoformat()},
    )


def payments_in_year(contract: TechContract, year: int) -> Decimal:
    """Money actually received under the contract in a calendar year (实际成交额)."""
    return sum((p.amount for p in contract.payments if p.paid_on.year == year), ZERO)


def local_year(moment: datetime | None = None) -> int:
    return (moment or datetime.now(UTC)).astimezone(LOCAL_TZ).year


def registered_total(session: Session, year: int) -> tuple[int, Decimal]:
    """How many technical contracts were registered in ``year`` (city time) and their total."""
    start = datetime(year, 1, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)
    count, total = session.execute(
        select(func.count(TechContract.id), func.coalesce(func.sum(TechContract.total_amount), 0))
        .where(TechContract.status == ContractStatus.REGISTERED)
        .where(TechContract.registered_at >= start, TechContract.registered_at < end)
    ).one()
    return int(count), Decimal(total).quantize(CENT)
