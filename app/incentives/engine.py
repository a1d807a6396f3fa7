"""The rewards engine: pure arithmetic over rules (data) and one contract's facts.

Nothing here reads the database. ``quote`` takes the rules in force, a ``ContractFacts`` and
what each beneficiary has already claimed this year under each rule, and answers one
``QuoteItem`` per rule: the amount with its arithmetic in Chinese, or why the rule does not
apply. Rounding: base × rate is rounded half-up to the cent, then held to the cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.core.money import exact_yuan
from app.incentives.schemas import (
    ContractFacts,
    PartyCondition,
    PartyFacts,
    QuoteItem,
    RuleConditions,
)
from app.models.enums import CapScope, IncentiveBase, IncentiveBeneficiary

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ROUNDING = (
    "奖补金额 = 计算基数 × 比例，按四舍五入保留到分（0.01元），"
    "再以上限封顶：每份合同的上限，或受益方当年在该条款下的剩余额度。"
)

#: (rule code, beneficiary key) → what that beneficiary already has under the rule this year
Claimed = Mapping[tuple[str, str], Decimal]

_PARTY_LABELS = {"transferor": "让与方", "transferee": "受让方", "registrant": "合同登记方"}


@dataclass(frozen=True)
class RuleSpec:
    """One rule version as the engine reads it."""

    id: int
    code: str
    version: int
    item_no: int
    clause: str
    title: str
    beneficiary: IncentiveBeneficiary
    conditions: RuleConditions
    base: IncentiveBase
    rate: Decimal | None
    cap: Decimal
    cap_scope: CapScope
    tier: int = 1
    exclusive_group: str = ""
    requires_selection: bool = False

    @classmethod
    def of(cls, row: Any) -> RuleSpec:
        """From an ``IncentiveRule`` row (or anything with the same attributes)."""
        return cls(
            id=row.id,
            code=row.code,
            version=row.version,
            item_no=row.item_no,
            clause=row.clause,
            title=row.title,
            beneficiary=row.beneficiary,
            conditions=RuleConditions.model_validate(row.conditions or {}),
            base=row.base,
            rate=row.rate,
            cap=row.cap,
            cap_scope=row.cap_scope,
            tier=row.tier,
            exclusive_group=row.exclusive_group,
            requires_selection=row.requires_selection,
        )


@dataclass(frozen=True)
class Beneficiary:
    name: str
    key: str
    org_id: int | None = None
    user_id: int | None = None


def yuan(amount: Decimal) -> str:
    """An exact amount for arithmetic shown to people: 24,000.00元."""
    return exact_yuan(amount)


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def base_amount(facts: ContractFacts, base: IncentiveBase) -> Decimal | None:
    if base == IncentiveBase.CONTRACT_AMOUNT:
        return facts.contract_amount
    if base == IncentiveBase.TRANSACTION_AMOUNT:
        return facts.technology_amount
    if base == IncentiveBase.PAID_IN_YEAR:
        return facts.paid_in_year if facts.paid_in_year is not None else ZERO
    return None


def _party_key(party: PartyFacts, role: str) -> str:
    if party.org_id is not None:
        return f"org:{party.org_id}"
    return f"name:{party.name}" if party.name else f"party:{role}"


def _party(facts: ContractFacts, role: str) -> PartyFacts:
    return facts.transferor if role == "transferor" else facts.transferee


def beneficiary_of(rule: RuleSpec, facts: ContractFacts) -> tuple[Beneficiary | None, str]:
    """Who would receive ``rule``'s reward for this contract, or why nobody does."""
    kind = rule.beneficiary
    if kind in (IncentiveBeneficiary.TRANSFEROR, IncentiveBeneficiary.TRANSFEREE):
        role = kind.value
        party = _party(facts, role)
        return Beneficiary(party.name, _party_key(party, role), org_id=party.org_id), ""
    if kind == IncentiveBeneficiary.REGISTRANT:
        party = _party(facts, facts.registrant)
        return Beneficiary(party.name, _party_key(party, facts.registrant), party.org_id), ""
    if kind == IncentiveBeneficiary.BROKER:
        if facts.broker is None:
            return None, "没有技术经纪人提供技术交易服务"
        b = facts.broker
        key = f"user:{b.user_id}" if b.user_id is not None else f"name:{b.name or '技术经纪人'}"
        return Beneficiary(b.name, key, user_id=b.user_id), ""
    if kind == IncentiveBeneficiary.TRANSFER_INSTITUTION:
        if facts.transfer_institution is None:
            return None, "没有技术转移机构参与"
        i = facts.transfer_institution
        key = f"org:{i.org_id}" if i.org_id is not None else f"name:{i.name or '技术转移机构'}"
        return Beneficiary(i.name, key, org_id=i.org_id), ""
    if not facts.academician:
        return None, "没有院士参与转化该成果"
    return Beneficiary(facts.academician, f"academician:{facts.academician}"), ""


def _labels(values: Iterable[Any]) -> str:
    return "、".join(v.label for v in values)


def _party_reasons(label: str, party: PartyFacts, cond: PartyCondition) -> list[str]:
    reasons = []
    if cond.org_types is not None and party.org_type not in cond.org_types:
        reasons.append(f"{label}为{party.org_type.label}，本条要求为{_labels(cond.org_types)}")
    if cond.local is not None and party.local != cond.local:
        reasons.append(
            f"{label}{'不在长' if cond.local else '在长'}，本条要求{'在长' if cond.local else '为外地单位'}"
        )
    return reasons


def unmet_conditions(rule: RuleSpec, facts: ContractFacts) -> list[str]:
    """Every condition of ``rule`` this contract does not meet, in Chinese."""
    c = rule.conditions
    reasons: list[str] = []
    if c.contract_types is not None and facts.contract_type not in c.contract_types:
        reasons.append(
            f"合同类型为{facts.contract_type.label}，本条只适用于{_labels(c.contract_types)}"
        )
    for role in ("transferor", "transferee", "registrant"):
        cond: PartyCondition | None = getattr(c, role)
        if cond is not None:
            party = _party(facts, facts.registrant if role == "registrant" else role)
            reasons += _party_reasons(_PARTY_LABELS[role], party, cond)
    for need in c.requires:
        if need == "broker" and facts.broker is None:
            reasons.append("没有技术经纪人提供技术交易服务")
        elif need == "filed_institution":
            if facts.transfer_institution is None:
                reasons.append("没有技术转移机构参与")
            elif not facts.transfer_institution.filed:
                reasons.append("技术转移机构未纳入市级备案")
        elif need == "academician" and not facts.academician:
            reasons.append("没有院士参与转化该成果")
        elif need == "first_industrialization" and not facts.first_industrialization:
            reasons.append("成果未实现国内首次产业化")
        elif need == "award_winning" and not facts.award_winning:
            reasons.append("成果未获省级以上科技奖励")
    if c.threshold is not None:
        t = c.threshold
        amount = base_amount(facts, t.base) or ZERO
        met = amount >= t.amount if t.inclusive else amount > t.amount
        if not met:
            wanted = f"{yuan(t.amount)}（含）以上" if t.inclusive else f"超过{yuan(t.amount)}"
            reasons.append(f"{t.base.label}为{yuan(amount)}，本条要求{wanted}")
    return reasons


def _held_back(raw: Decimal | None, amount: Decimal, already: Decimal) -> str:
    if raw is None or amount >= raw:
        return ""
    return "，按剩余额度计" if already > 0 else "，超过年度上限，按上限计"


def quote_rule(rule: RuleSpec, facts: ContractFacts, claimed: Claimed) -> QuoteItem:
    """One rule applied to one contract."""
    who, missing = beneficiary_of(rule, facts)
    # A missing broker is both "no beneficiary" and an unmet requirement: say it once.
    reasons = list(dict.fromkeys(([missing] if missing else []) + unmet_conditions(rule, facts)))
    base = base_amount(facts, rule.base)
    common: dict[str, Any] = {
        "rule_code": rule.code,
        "rule_version": rule.version,
        "item_no": rule.item_no,
        "clause": rule.clause,
        "title": rule.title,
        "beneficiary": rule.beneficiary,
        "beneficiary_label": rule.beneficiary.label,
        "beneficiary_name": who.name if who else "",
        "beneficiary_key": who.key if who else "",
        "requires_selection": rule.requires_selection,
        "exclusive_group": rule.exclusive_group,
        "base": rule.base,
        "base_label": rule.base.label,
        "base_amount": base,
        "rate": rule.rate,
        "rate_text": percent(rule.rate) if rule.rate is not None else "择优确定",
        "cap": rule.cap,
        "cap_scope": rule.cap_scope,
        "cap_scope_label": rule.cap_scope.label,
    }
    if reasons or who is None:
        return QuoteItem(
            **common,
            applies=False,
            claimed_this_year=None,
            remaining_cap=None,
            amount=None,
            explanation="不适用：" + "；".join(reasons) + "。",
            reasons=reasons,
        )

    steps: list[str] = []
    already: Decimal | None = None
    remaining: Decimal | None = None
    limit = rule.cap
    if rule.cap_scope == CapScope.PER_BENEFICIARY_YEAR:
        already = claimed.get((rule.code, who.key), ZERO)
        remaining = max(rule.cap - already, ZERO)
        limit = remaining
    raw: Decimal | None = None
    if rule.rate is None or base is None:
        amount = limit
        steps.append(f"本条不按比例计算，经择优评定确定金额，最高{yuan(rule.cap)}")
    else:
        raw = (base * rule.rate).quantize(CENT, rounding=ROUND_HALF_UP)
        amount = min(raw, limit)
        steps.append(f"{rule.base.label}{yuan(base)} × {percent(rule.rate)} = {yuan(raw)}")
        if rule.cap_scope == CapScope.PER_CONTRACT:
            if raw > rule.cap:
                steps.append(f"超过每份合同上限{yuan(rule.cap)}，按上限计")
            else:
                steps.append(f"未超过每份合同上限{yuan(rule.cap)}")
    if already is not None and remaining is not None:
        holder = who.name or rule.beneficiary.label
        steps.append(
            f"{holder}{facts.year}年在本条下已计{yuan(already)}，"
            f"年度上限{yuan(rule.cap)}，剩余额度{yuan(remaining)}"
            + _held_back(raw, amount, already)
        )
    text = (
        "；".join(steps) + f"。{'最高可得' if rule.requires_selection else '可得'}{yuan(amount)}。"
    )
    if rule.requires_selection:
        text += "本项需经择优评审确定。"
    if rule.exclusive_group:
        text += f"同一合同在第{rule.item_no}条下的各档只能享受其一。"
    return QuoteItem(
        **common,
        applies=True,
        claimed_this_year=already,
        remaining_cap=remaining,
        amount=amount,
        explanation=text,
        reasons=[],
    )


def quote(rules: Iterable[RuleSpec], facts: ContractFacts, claimed: Claimed) -> list[QuoteItem]:
    """Every rule applied to the contract, in the policy's order."""
    ordered = sorted(rules, key=lambda r: (r.item_no, r.tier, r.code))
    return [quote_rule(rule, facts, claimed) for rule in ordered]


def certain_total(items: Iterable[QuoteItem]) -> Decimal:
    """The rewards that need no selection decision, added up."""
    return sum(
        (i.amount for i in items if i.applies and not i.requires_selection and i.amount),
        ZERO,
    )
