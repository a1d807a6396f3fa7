"""The public check of a registration certificate by its number (可凭登记号在平台核验).

Anyone holding a certificate can confirm it is genuine. What the check shows is chosen with
confidentiality in mind: the contract's title, summary, terms and exact amounts are the
parties' business, so the page states only the registration number and date, the contract
type and technical field, the parties' names (a natural person's name masked), and the
technology transaction amount as a band.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.clock import local_date
from app.core.errors import InvalidInput
from app.models import TechContract
from app.models.enums import ContractStatus
from app.trading import codes

NATURAL_PERSON = "60"
WAN = Decimal(10_000)
#: (upper bound in 万元, label); the last band is open.
BANDS: list[tuple[int | None, str]] = [
    (10, "10万元以下"),
    (50, "10万元至50万元"),
    (100, "50万元至100万元"),
    (500, "100万元至500万元"),
    (1000, "500万元至1000万元"),
    (None, "1000万元及以上"),
]


@dataclass(frozen=True)
class VerifiedParty:
    side: str
    role: str
    name: str


@dataclass(frozen=True)
class Verified:
    registration_no: str
    registered_on: str
    contract_type: str
    tech_field: str
    amount_band: str
    parties: list[VerifiedParty]


def amount_band(amount: Decimal) -> str:
    for upper, label in BANDS:
        if upper is None or amount < upper * WAN:
            return label
    return BANDS[-1][1]


def _masked(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


def normalise(code: str) -> str:
    """The number as printed, whatever spaces or letter case it was typed with."""
    cleaned = "".join(code.split()).upper()
    if not cleaned:
        raise InvalidInput(errors={"code": "请输入证明上的登记号"})
    if len(cleaned) > 20:
        raise InvalidInput(errors={"code": "登记号不超过20位，请核对后重新输入"})
    return cleaned


def verify(session: Session, code: str) -> Verified | None:
    """The public facts of the registered contract with this number, or None."""
    number = normalise(code)
    contract = session.scalars(
        select(TechContract)
        .where(
            TechContract.registration_no == number,
            TechContract.status == ContractStatus.REGISTERED,
        )
        .options(selectinload(TechContract.parties))
    ).one_or_none()
    if contract is None:
        return None
    return Verified(
        registration_no=number,
        registered_on=local_date(contract.registered_at),
        contract_type=contract.contract_type.label,
        tech_field=codes.TECH_FIELDS.get(contract.tech_field, ""),
        amount_band=amount_band(contract.tech_amount),
        parties=[
            VerifiedParty(
                side=p.side.label,
                role=p.role.label,
                name=_masked(p.name) if p.legal_person_type == NATURAL_PERSON else p.name,
            )
            for p in contract.parties
        ],
    )
