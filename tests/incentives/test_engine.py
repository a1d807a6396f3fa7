"""The policy's rates and caps, worked by hand for amounts on both sides of every threshold.

Each case states the contract and, in the comment beside each expected amount, the hand
arithmetic. Amounts are yuan; ``None`` means the rule does not apply. Rounding: base × rate,
half-up to the cent, then held to the cap. The rules are the ones the migration ships.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.incentives import engine
from app.incentives import service as incentive_service
from app.incentives.schemas import ContractFacts

D = Decimal
ALL_CODES = ["P9", "P14-1", "P14-2", "P15", "P16-1", "P16-2", "P16-3", "P18", "P19"]


def facts(**changes: Any) -> ContractFacts:
    """A 技术转让 from a local university to a local enterprise, a broker and a filed institution."""
    data: dict[str, Any] = {
        "contract_type": "transfer",
        "contract_amount": "1000000",
        "year": 2026,
        "transferor": {"name": "吉林大学", "org_id": 1, "org_type": "university", "local": True},
        "transferee": {
            "name": "长春光华微电子",
            "org_id": 2,
            "org_type": "enterprise",
            "local": True,
        },
        "registrant": "transferee",
        "broker": {"name": "王经纪", "user_id": 3},
        "transfer_institution": {"name": "长春技术转移中心", "org_id": 4, "filed": True},
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return ContractFacts.model_validate(data)


def amounts(items: list[Any]) -> dict[str, Decimal | None]:
    return {i.rule_code: (i.amount if i.applies else None) for i in items}


def expect(**by_code: str | None) -> dict[str, Decimal | None]:
    """Expected amounts; rules not named do not apply."""
    result: dict[str, Decimal | None] = dict.fromkeys(ALL_CODES)
    for code, value in by_code.items():
        result[code.replace("_", "-")] = D(value) if value is not None else None
    return result


CASES: list[tuple[str, dict[str, Any], dict[str, Decimal | None]]] = [
    (
        "40万 转让: below item 16's 50万 threshold",
        {"contract_amount": "400000"},
        expect(
            P9="40.00",  # 400,000 × 0.01% = 40
            P15="12000.00",  # 400,000 × 3% = 12,000
            P18="400.00",  # 400,000 × 1‰ = 400
            P19="4000.00",  # 400,000 × 1% = 4,000
        ),
    ),
    (
        "exactly 50万: item 16 asks for more than 50万, so still out",
        {"contract_amount": "500000"},
        expect(
            P9="50.00",  # 500,000 × 0.01% = 50
            P15="15000.00",  # 500,000 × 3% = 15,000
            P18="500.00",  # 500,000 × 1‰
            P19="5000.00",  # 500,000 × 1%
        ),
    ),
    (
        "50万 and one fen: item 16 tier 1 applies; every product rounds half-up to the fen",
        {"contract_amount": "500000.01"},
        expect(
            P9="50.00",  # 500,000.01 × 0.0001 = 50.000001 → 50.00
            P15="15000.00",  # × 0.03 = 15,000.0003 → 15,000.00
            P16_1="75000.00",  # × 0.15 = 75,000.0015 → 75,000.00
            P18="500.00",  # × 0.001 = 500.00001 → 500.00
            P19="5000.00",  # × 0.01 = 5,000.0001 → 5,000.00
        ),
    ),
    (
        "rounding up: 333,333.50 × 3% = 10,000.005 → 10,000.01",
        {"contract_amount": "333333.50"},
        expect(
            P9="33.33",  # 333,333.50 × 0.0001 = 33.33335 → 33.33
            P15="10000.01",  # 333,333.50 × 0.03 = 10,000.005 → 10,000.01 (half up)
            P18="333.33",  # × 0.001 = 333.3335 → 333.33
            P19="3333.34",  # × 0.01 = 3,333.335 → 3,333.34 (half up)
        ),
    ),
    (
        "600万 contract, 技术交易额 exactly 500万 (含), 200万 paid this year: tier 2 opens",
        {
            "contract_amount": "6000000",
            "transaction_amount": "5000000",
            "paid_in_year": "2000000",
        },
        expect(
            P9="600.00",  # contract amount 6,000,000 × 0.01%
            P15="180000.00",  # 6,000,000 × 3%
            P16_1="900000.00",  # 6,000,000 × 15% = 900,000 < 1,000,000 cap
            P16_2="400000.00",  # paid this year 2,000,000 × 20% (selection needed)
            P18="5000.00",  # technology amount 5,000,000 × 1‰
            P19="50000.00",  # 5,000,000 × 1%
        ),
    ),
    (
        "800万 contract, 技术交易额 4,999,900: one fen-ish short of tier 2; tier 1 hits its cap",
        {"contract_amount": "8000000", "transaction_amount": "4999900"},
        expect(
            P9="800.00",  # 8,000,000 × 0.01%
            P15="240000.00",  # 8,000,000 × 3%
            P16_1="1000000.00",  # 8,000,000 × 15% = 1,200,000 > cap → 1,000,000
            P18="4999.90",  # 4,999,900 × 1‰
            P19="49999.00",  # 4,999,900 × 1%
        ),
    ),
    (
        "4000万: every capped reward at its cap",
        {
            "contract_amount": "40000000",
            "transaction_amount": "40000000",
            "paid_in_year": "20000000",
        },
        expect(
            P9="4000.00",  # 40,000,000 × 0.01% (cap 100万 far away)
            P15="1000000.00",  # 40,000,000 × 3% = 1,200,000 → annual cap 1,000,000
            P16_1="1000000.00",  # × 15% = 6,000,000 → cap 1,000,000
            P16_2="3000000.00",  # 20,000,000 × 20% = 4,000,000 → cap 3,000,000
            P18="40000.00",  # 40,000,000 × 1‰
            P19="300000.00",  # × 1% = 400,000 → cap 300,000
        ),
    ),
    (
        "1亿 registered: item 18 reaches its 100万 cap",
        {"contract_amount": "1000000000", "transaction_amount": "1000000000"},
        expect(
            P9="100000.00",  # 1,000,000,000 × 0.01%
            P15="1000000.00",  # cap
            P16_1="1000000.00",  # cap
            P16_2="0.00",  # ≥ 500万 but nothing paid this year: 0 × 20%
            P18="1000000.00",  # 1,000,000,000 × 1‰ = 1,000,000 = cap
            P19="300000.00",  # cap
        ),
    ),
    (
        "技术服务 contract: the conversion rewards (15, 16) do not cover it",
        {"contract_type": "service"},
        expect(P9="100.00", P18="1000.00", P19="10000.00"),  # 1,000,000 × 0.01% / 1‰ / 1%
    ),
    (
        "enterprise to enterprise: no output-unit reward, no item 16",
        {"transferor": {"org_type": "enterprise"}},
        expect(P9="100.00", P18="1000.00", P19="10000.00"),
    ),
    (
        "a university outside the city: item 15 is for local units, item 16 takes 域内外",
        {"transferor": {"local": False}},
        expect(
            P9="100.00",
            P16_1="150000.00",  # 1,000,000 × 15%
            P18="1000.00",
            P19="10000.00",
        ),
    ),
    (
        "a new R&D institution: item 15 yes, item 16 (高校院所 only) no",
        {"transferor": {"org_type": "new_rd"}},
        expect(P9="100.00", P15="30000.00", P18="1000.00", P19="10000.00"),
    ),
    (
        "the taker is outside the city: nothing converted locally",
        {"transferee": {"local": False}},
        expect(P9="100.00"),  # 18: the registrant (the taker) is not local; 19: not 在长
    ),
    (
        "registered by the local university when the taker is outside: item 18 still applies",
        {"transferee": {"local": False}, "registrant": "transferor"},
        expect(P9="100.00", P18="1000.00"),
    ),
    (
        "no broker, an institution not on the city's list",
        {"broker": None, "transfer_institution": {"filed": False}},
        expect(P15="30000.00", P16_1="150000.00", P18="1000.00"),
    ),
    (
        "an academician's award-winning result, first industrialised in China",
        {"academician": "张院士", "first_industrialization": True, "award_winning": True},
        expect(
            P9="100.00",
            P14_1="5000000.00",  # by selection, at most 500万
            P14_2="10000000.00",  # by selection, at most 1000万
            P15="30000.00",
            P16_1="150000.00",
            P16_3="5000000.00",  # by selection, at most 500万
            P18="1000.00",
            P19="10000.00",
        ),
    ),
]


@pytest.mark.parametrize(("title", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_policy_worked_by_hand(
    session: Session, title: str, changes: dict[str, Any], expected: dict[str, Decimal | None]
) -> None:
    items = incentive_service.compute(session, facts(**changes), counted_for=None, system=True)
    assert amounts(items) == expected


# Caps per beneficiary per year add up over the year's earlier claims.
YEAR_CASES: list[tuple[str, str, str, str, str, str]] = [
    # (rule, already this year, contract amount, remaining, amount, why)
    ("P15", "950000", "1000000", "50000.00", "30000.00", "1,000,000 × 3% = 30,000 < 50,000 left"),
    ("P15", "980000", "1000000", "20000.00", "20000.00", "30,000 > 20,000 left → 20,000"),
    ("P15", "1000000", "1000000", "0.00", "0.00", "cap used up"),
    ("P19", "290000", "2000000", "10000.00", "10000.00", "2,000,000 × 1% = 20,000 > 10,000 left"),
    ("P18", "999500", "1000000", "500.00", "500.00", "1,000 > 500 left"),
    ("P9", "999950", "1000000", "50.00", "50.00", "100 > 50 left"),
]


@pytest.mark.parametrize(("code", "already", "amount", "remaining", "expected", "why"), YEAR_CASES)
def test_annual_caps_count_earlier_claims(
    session: Session, code: str, already: str, amount: str, remaining: str, expected: str, why: str
) -> None:
    f = facts(contract_amount=amount)
    specs = [engine.RuleSpec.of(r) for r in incentive_service.rules_in_force(session, f.judged_on)]
    spec = next(s for s in specs if s.code == code)
    who, _ = engine.beneficiary_of(spec, f)
    assert who is not None
    item = engine.quote_rule(spec, f, {(code, who.key): D(already)})
    assert item.applies
    assert item.claimed_this_year == D(already)
    assert item.remaining_cap == D(remaining)
    assert item.amount == D(expected), why


def test_explanation_shows_the_arithmetic(session: Session) -> None:
    items = incentive_service.compute(
        session,
        facts(contract_amount="8000000", transaction_amount="4999900"),
        counted_for=None,
        system=True,
    )
    by_code = {i.rule_code: i for i in items}
    assert "技术合同金额8,000,000.00元 × 15% = 1,200,000.00元" in by_code["P16-1"].explanation
    assert "超过每份合同上限1,000,000.00元，按上限计" in by_code["P16-1"].explanation
    assert by_code["P16-2"].reasons == [
        "技术交易额为4,999,900.00元，本条要求5,000,000.00元（含）以上"
    ]
    assert by_code["P14-1"].reasons == ["没有院士参与转化该成果"]
    assert "合同类型" not in by_code["P15"].explanation


def test_reasons_name_every_unmet_condition(session: Session) -> None:
    f = facts(contract_type="consulting", transferor={"org_type": "enterprise"})
    items = {
        i.rule_code: i for i in incentive_service.compute(session, f, counted_for=None, system=True)
    }
    reasons = items["P16-1"].reasons
    assert "合同类型为技术咨询，本条只适用于技术开发、技术转让、技术许可、技术入股" in reasons
    assert "让与方为企业，本条要求为高校、科研院所" in reasons
    assert items["P16-1"].explanation.startswith("不适用：")
