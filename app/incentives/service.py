"""The policy's rewards: quotes, claims created at registration, decisions within budgets."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.clock import local
from app.core.db import declare_write_intent, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can, signed_in
from app.core.workflow import Transition, Workflow
from app.funding import service as funding_service
from app.incentives import engine, notices, repository
from app.incentives.schemas import (
    BudgetSet,
    ClaimDecision,
    ContractFacts,
    Quote,
    QuoteItem,
    RuleRevision,
)
from app.models import BudgetLine, IncentiveClaim, IncentiveRule, Organization, User
from app.models.enums import CapScope, ClaimStatus, IncentiveBase, OrgType

PENDING = ClaimStatus.PENDING
MANAGE = Action.INCENTIVE_MANAGE
CLAIM_FLOW: Workflow[ClaimStatus] = Workflow(
    "奖补申领",
    "status",
    [
        Transition("approve", "核定", frozenset({PENDING}), ClaimStatus.APPROVED, MANAGE),
        # Approval at an amount other than the computed one, with its reason.
        Transition("adjust", "调整核定", frozenset({PENDING}), ClaimStatus.APPROVED, MANAGE),
        Transition("reject", "不予支持", frozenset({PENDING}), ClaimStatus.REJECTED, MANAGE),
        Transition("pay", "确认拨付", frozenset({ClaimStatus.APPROVED}), ClaimStatus.PAID, MANAGE),
    ],
    type="incentive_claim",
)

#: how reward claims appear on the funding ledger
CLAIM_SUBJECT = "incentive_claim"
POLICY = funding_service.POLICY


def _will_write(session: Session) -> None:
    """Take SQLite's write lock at the start of a fresh transaction (requests already do)."""
    if not session.in_transaction():
        declare_write_intent(session)


# --- rules -------------------------------------------------------------------------------


def manager(user: User | None) -> User:
    """The person who decides claims and keeps budgets and rules (401 without a sign-in, else
    403): asked first, so that nobody else is told how to fill in the desk's forms."""
    person = signed_in(user)
    authorize(person, Action.INCENTIVE_MANAGE)
    return person


def rules(session: Session) -> list[IncentiveRule]:
    """Every version of every rule, in the policy's order."""
    return repository.all_rules(session)


def rules_in_force(session: Session, on: date) -> list[IncentiveRule]:
    return repository.rules_in_force(session, on)


def revise_rule(session: Session, actor: Actor, code: str, data: RuleRevision) -> IncentiveRule:
    """Add a version of rule ``code`` from ``data.effective_from`` on; history stays as it was."""
    authorize(actor.user, Action.INCENTIVE_MANAGE)
    current = repository.latest_rule(session, code)
    if current is None:
        raise NotFound(f"没有编号为 {code} 的奖补规则")
    if data.effective_from <= current.effective_from:
        raise InvalidInput(
            errors={
                "effective_from": f"新版本的生效日期应晚于当前版本的生效日期 {current.effective_from}"
            }
        )
    before = audit.snapshot(current, ["effective_to"])
    current.effective_to = data.effective_from
    columns = [c for c in audit.snapshot(current) if c not in {"id", "created_at", "updated_at"}]
    values: dict[str, Any] = {name: getattr(current, name) for name in columns}
    values.update(
        version=current.version + 1, effective_from=data.effective_from, effective_to=None
    )
    if data.rate is not None:
        values["rate"] = data.rate
    if data.cap is not None:
        values["cap"] = data.cap
    if data.conditions is not None:
        values["conditions"] = data.conditions.model_dump(mode="json", exclude_none=True)
    if data.note:
        values["note"] = data.note
    revised = IncentiveRule(**values)
    session.add(revised)
    audit.record(
        session,
        actor,
        "incentive_rule.revise",
        revised,
        summary=f"{code} 第{revised.version}版自{data.effective_from}起生效",
        before=before,
        after=audit.snapshot(revised),
    )
    return revised


# --- quotes ------------------------------------------------------------------------------


def _visible_keys(user: User | None, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Whose earlier claims a user may count: staff all, others their own organisation's."""
    if user is None:
        return set()
    if user.is_staff:
        return keys
    own = {f"user:{user.id}"}
    if user.active_org_id is not None:
        own.add(f"org:{user.active_org_id}")
    return {k for k in keys if k[1] in own}


def compute(
    session: Session, facts: ContractFacts, *, counted_for: User | None, system: bool = False
) -> list[QuoteItem]:
    """The engine over the rules in force and what the beneficiaries already have this year."""
    specs = [engine.RuleSpec.of(r) for r in repository.rules_in_force(session, facts.judged_on)]
    keys = set()
    for spec in specs:
        who, _ = engine.beneficiary_of(spec, facts)
        if who is not None and spec.cap_scope == CapScope.PER_BENEFICIARY_YEAR:
            keys.add((spec.code, who.key))
    if not system:
        keys = _visible_keys(counted_for, keys)
    claimed = repository.claimed_in_year(session, keys, facts.year)
    return engine.quote(specs, facts, claimed)


def quote(session: Session, user: User | None, facts: ContractFacts) -> Quote:
    """Each reward of the policy for a contract, with the arithmetic, or why it does not apply.

    Earlier claims this year count only where the asker may see them (their own organisation;
    administrators all); a quote for someone else assumes nothing claimed yet.
    """
    items = compute(session, facts, counted_for=user)
    return Quote(
        facts=facts, items=items, total=engine.certain_total(items), rounding=engine.ROUNDING
    )


# --- claims ------------------------------------------------------------------------------


def create_claims(
    session: Session,
    actor: Actor,
    facts: ContractFacts,
    *,
    contract_id: int | None,
    contract_label: str,
    link: str = "/incentives",
) -> list[IncentiveClaim]:
    """The pending claims a registered contract gives rise to (once: repeats add nothing)."""
    existing = (
        {
            (c.rule_id, c.beneficiary_key): c
            for c in repository.claims_of_contract(session, contract_id)
        }
        if contract_id is not None
        else {}
    )
    rules_by_code = {r.code: r for r in repository.rules_in_force(session, facts.judged_on)}
    created: list[IncentiveClaim] = []
    for item in compute(session, facts, counted_for=None, system=True):
        rule = rules_by_code[item.rule_code]
        if not item.applies or item.amount is None:
            continue
        earlier = existing.get((rule.id, item.beneficiary_key))
        if earlier is not None:
            _recompute(session, actor, earlier, rule, item, facts)
            continue
        if item.amount <= 0 and not item.requires_selection:
            continue  # the annual cap is used up: nothing to claim
        who, _ = engine.beneficiary_of(engine.RuleSpec.of(rule), facts)
        assert who is not None
        claim = IncentiveClaim(
            rule_id=rule.id,
            rule_code=rule.code,
            item_no=rule.item_no,
            year=facts.year,
            contract_id=contract_id,
            contract_label=contract_label[:200],
            beneficiary=rule.beneficiary,
            beneficiary_key=who.key,
            beneficiary_name=who.name,
            beneficiary_org_id=who.org_id,
            beneficiary_user_id=who.user_id,
            base_amount=item.base_amount,
            rate=item.rate,
            computed_amount=item.amount,
            requires_selection=item.requires_selection,
            explanation=item.explanation,
            facts=facts.model_dump(mode="json"),
            status=ClaimStatus.PENDING,
        )
        session.add(claim)
        audit.record(
            session,
            actor,
            "incentive_claim.create",
            claim,
            summary=f"{contract_label} {rule.clause}{rule.title}：{who.name} {engine.yuan(item.amount)}",
            after=audit.snapshot(claim, ["rule_code", "beneficiary_key", "computed_amount"]),
        )
        if item.amount > 0:
            notices.tell(
                session,
                claim,
                notices.CLAIM_AVAILABLE,
                link=link,
                rule=f"{rule.clause}{rule.title}",
                explanation=item.explanation,
            )
        created.append(claim)
    return created


def _recompute(
    session: Session,
    actor: Actor,
    claim: IncentiveClaim,
    rule: IncentiveRule,
    item: QuoteItem,
    facts: ContractFacts,
) -> None:
    """A pending claim on this year's payments follows the money that has arrived since."""
    if (
        claim.status != ClaimStatus.PENDING
        or rule.base != IncentiveBase.PAID_IN_YEAR
        or item.amount is None
        or item.amount == claim.computed_amount
    ):
        return
    before = audit.snapshot(claim, ["base_amount", "computed_amount"])
    claim.base_amount = item.base_amount
    claim.computed_amount = item.amount
    claim.explanation = item.explanation
    claim.facts = facts.model_dump(mode="json")
    audit.record(
        session,
        actor,
        "incentive_claim.recompute",
        claim,
        summary=f"{claim.rule_code} 按当年到账重新计算：{engine.yuan(item.amount)}",
        before=before,
        after=audit.snapshot(claim, ["base_amount", "computed_amount"]),
    )


def create_claims_for_contract(
    session: Session, contract: Any, actor: Actor
) -> list[IncentiveClaim]:
    """Claims for a technical contract whose registration (认定登记) was just approved.

    Idempotent: run again (after a payment is recorded) it adds claims that now apply and
    brings pending claims computed on this year's payments up to date.
    """
    facts = facts_from_contract(session, contract)
    number = getattr(contract, "registration_no", None) or ""
    label = f"{contract.title}（{number}）" if number else contract.title
    return create_claims(
        session,
        actor,
        facts,
        contract_id=contract.id,
        contract_label=label,
    )


def payment_recorded(session: Session, contract: Any, actor: Actor) -> list[IncentiveClaim]:
    """After money arrives under a registered contract: rewards paid on this year's money."""
    if getattr(contract, "registered_at", None) is None:
        return []
    return create_claims_for_contract(session, contract, actor)


def facts_from_contract(session: Session, contract: Any) -> ContractFacts:
    """The facts the policy needs, read from a ``TechContract`` with parties and payments loaded.

    The seller side (让与方、受托方、许可方、技术出资方) is the transferor, the buyer side the
    transferee; with several on a side the first is taken. The year is the registration's
    (local time), and the money actually paid is what arrived in that year. A transfer
    institution counts as 市级备案 when it is a verified technology-transfer organisation.
    """
    registered = contract.registered_at or utcnow()
    on = local(registered).date()
    sellers, buyers = list(contract.sellers), list(contract.buyers)
    if not sellers or not buyers:
        raise InvalidInput("技术合同缺少让与方或受让方，无法计算政策奖补")

    def party(p: Any) -> dict[str, Any]:
        return {"name": p.name, "org_id": p.org_id, "org_type": p.org_type, "local": p.is_local}

    seller_orgs = {p.org_id for p in sellers if p.org_id is not None}
    paid = sum((p.amount for p in contract.payments if p.paid_on.year == on.year), engine.ZERO)
    data: dict[str, Any] = {
        "contract_type": contract.contract_type,
        "contract_amount": contract.total_amount,
        "transaction_amount": contract.tech_amount,
        "paid_in_year": paid,
        "year": on.year,
        "on": on,
        "transferor": party(sellers[0]),
        "transferee": party(buyers[0]),
        "registrant": "transferor"
        if contract.registrant_org_id is not None and contract.registrant_org_id in seller_orgs
        else "transferee",
    }
    if contract.broker_id is not None:
        broker = session.get(User, contract.broker_id)
        if broker is not None:
            data["broker"] = {"name": broker.name, "user_id": broker.id}
    if contract.transfer_org_id is not None:
        org = session.get(Organization, contract.transfer_org_id)
        if org is not None:
            data["transfer_institution"] = {
                "name": org.name,
                "org_id": org.id,
                "filed": org.org_type == OrgType.TRANSFER_AGENCY and org.is_verified,
            }
    return ContractFacts.model_validate(data)


def claims_for_contract(session: Session, contract_id: int) -> list[IncentiveClaim]:
    """The claims a registered contract gave rise to."""
    return repository.claims_of_contract(session, contract_id)


def get_claim(session: Session, user: User | None, claim_id: int) -> IncentiveClaim:
    claim = repository.get_claim(session, claim_id)
    if claim is None or not can(user, Action.INCENTIVE_VIEW_CLAIM, claim):
        raise NotFound("没有找到该奖补申领")
    return claim


def list_claims(
    session: Session,
    user: User,
    pagination: Pagination,
    *,
    status: ClaimStatus | None = None,
    year: int | None = None,
    item_no: int | None = None,
    mine: bool = False,
) -> Paged:
    """All claims for administrators; an organisation's (or a broker's) own for the others."""
    for_user = user if (mine or not user.is_staff) else None
    stmt = repository.claims_statement(status=status, year=year, item_no=item_no, for_user=for_user)
    return paginate(session, stmt, pagination)


def totals(session: Session, user: User) -> list[tuple[int, ClaimStatus, Decimal, int]]:
    """What the user's organisation (or the user) has pending, approved and paid, by year."""
    return repository.totals_by_year(session, user)


def _ceiling(session: Session, claim: IncentiveClaim) -> tuple[Decimal, str]:
    """The most this claim may be approved at under its rule, and why."""
    rule = claim.rule
    ceiling = rule.cap
    why = f"上限{engine.yuan(rule.cap)}"
    if claim.rate is not None and claim.base_amount is not None:
        raw = (claim.base_amount * claim.rate).quantize(engine.CENT, rounding=ROUND_HALF_UP)
        if raw < ceiling:
            ceiling, why = raw, f"按比例计算为{engine.yuan(raw)}"
    if rule.cap_scope == CapScope.PER_BENEFICIARY_YEAR:
        taken = repository.claimed_in_year(
            session,
            [(claim.rule_code, claim.beneficiary_key)],
            claim.year,
            decided_only=True,
            exclude_claim_id=claim.id,
        ).get((claim.rule_code, claim.beneficiary_key), engine.ZERO)
        left = max(rule.cap - taken, engine.ZERO)
        if left < ceiling:
            ceiling = left
            why = f"{claim.beneficiary_name}{claim.year}年在本条下已核定{engine.yuan(taken)}，年度剩余额度{engine.yuan(left)}"
    return ceiling, why


def approve(session: Session, actor: Actor, claim_id: int, data: ClaimDecision) -> IncentiveClaim:
    """Approve a claim at its amount, or at an adjusted one with a reason, within the budget.

    The budget row of the item and year is locked first (FOR UPDATE on PostgreSQL, the write
    lock on SQLite), so approvals running at the same time are checked one after another.
    """
    authorize(actor.user, Action.INCENTIVE_MANAGE)
    _will_write(session)
    claim = get_claim(session, actor.user, claim_id)
    if not CLAIM_FLOW.can(claim, "approve"):
        CLAIM_FLOW.apply(claim, "approve")  # raises the 409 naming the current state
    amount = data.amount if data.amount is not None else claim.computed_amount
    reason = data.reason.strip()
    if claim.rate is None and data.amount is None:
        raise InvalidInput(errors={"amount": "本项无固定比例，请填写择优评审核定的金额"})
    if amount != claim.computed_amount and not reason:
        raise InvalidInput(errors={"reason": "调整金额时请说明原因"})
    if amount <= 0:
        raise InvalidInput(errors={"amount": "核定金额应大于 0；不予支持请使用“不予支持”"})

    budget = funding_service.line_for_update(session, POLICY, claim.item_no, claim.year)
    if budget is None:
        raise Conflict(f"第{claim.item_no}条{claim.year}年度预算尚未设置，请先设置预算")
    ceiling, why = _ceiling(session, claim)
    if amount > ceiling:
        raise InvalidInput(
            errors={
                "amount": f"核定金额{engine.yuan(amount)}超过本项最多可核定的{engine.yuan(ceiling)}（{why}）"
            }
        )
    if claim.rule.exclusive_group and claim.contract_id is not None:
        for other in repository.claims_of_contract(session, claim.contract_id):
            if (
                other.id != claim.id
                and other.status in (ClaimStatus.APPROVED, ClaimStatus.PAID)
                and other.rule_id != claim.rule_id
                and other.rule.exclusive_group == claim.rule.exclusive_group
            ):
                raise Conflict(
                    f"该合同已核定第{claim.item_no}条的另一档（{other.rule_code}），各档只能享受其一"
                )
    if budget.remaining < amount:
        raise Conflict(
            f"第{claim.item_no}条{claim.year}年度预算余额不足：剩余{engine.yuan(budget.remaining)}，"
            f"本次核定{engine.yuan(amount)}"
        )
    adjusted = amount != claim.computed_amount
    claim.approved_amount = amount
    claim.decision_reason = reason
    claim.decided_by_id = actor.user_id
    claim.decided_at = utcnow()
    CLAIM_FLOW.run(
        session,
        actor,
        claim,
        "adjust" if adjusted else "approve",
        summary=f"{claim.rule_code} {claim.beneficiary_name} 核定{engine.yuan(amount)}"
        + (f"（原{engine.yuan(claim.computed_amount)}：{reason}）" if adjusted else ""),
        approved_amount=amount,
        decision_reason=reason,
    )
    funding_service.reserve(
        session,
        actor,
        budget,
        subject_type=CLAIM_SUBJECT,
        subject_id=claim.id,
        amount=amount,
        note=f"{claim.rule_code} {claim.beneficiary_name}",
        refused=f"第{claim.item_no}条{claim.year}年度预算余额不足",
        summary=f"第{budget.item_no}条{budget.year}年度预算占用{engine.yuan(amount)}",
    )
    return claim


def reject(session: Session, actor: Actor, claim_id: int, data: ClaimDecision) -> IncentiveClaim:
    """Turn a claim down, with the reason the claimant will read."""
    authorize(actor.user, Action.INCENTIVE_MANAGE)
    claim = get_claim(session, actor.user, claim_id)
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput(errors={"reason": "请填写不予支持的原因"})
    claim.decision_reason = reason
    claim.decided_by_id = actor.user_id
    claim.decided_at = utcnow()
    CLAIM_FLOW.run(
        session,
        actor,
        claim,
        "reject",
        summary=f"{claim.rule_code} {claim.beneficiary_name} 不予支持：{reason}",
        decision_reason=reason,
    )
    return claim


def mark_paid(session: Session, actor: Actor, claim_id: int) -> IncentiveClaim:
    """Record that an approved reward has been paid out."""
    authorize(actor.user, Action.INCENTIVE_MANAGE)
    claim = get_claim(session, actor.user, claim_id)
    claim.paid_at = utcnow()
    CLAIM_FLOW.run(
        session,
        actor,
        claim,
        "pay",
        summary=f"{claim.rule_code} {claim.beneficiary_name} 已拨付",
        approved_amount=claim.approved_amount,
        paid_at=claim.paid_at,
    )
    reservation = funding_service.reservation_of(session, CLAIM_SUBJECT, claim.id)
    if reservation is not None:  # approved before budgets were tracked on the ledger: none
        funding_service.pay(
            session, actor, reservation, note=f"{claim.rule_code} {claim.beneficiary_name} 拨付"
        )
    return claim


# --- budgets -----------------------------------------------------------------------------


def budgets(session: Session, user: User | None, year: int | None = None) -> list[BudgetLine]:
    authorize(user, Action.INCENTIVE_MANAGE)
    return funding_service.lines(session, POLICY, year)


def set_budget(session: Session, actor: Actor, data: BudgetSet) -> BudgetLine:
    """Create or change the budget of a policy item for a year; never below what is committed."""
    authorize(actor.user, Action.INCENTIVE_MANAGE)
    _will_write(session)
    return funding_service.set_line(
        session,
        actor,
        programme=POLICY,
        item_no=data.item_no,
        year=data.year,
        total=data.total,
        title=f"第{data.item_no}条{data.year}年度奖补预算",
        summary=f"第{data.item_no}条{data.year}年度预算{engine.yuan(data.total)}",
    )
