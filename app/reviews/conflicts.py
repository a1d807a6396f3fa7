"""Conflicts of interest (利益冲突回避) between experts and the parties of a review.

The domain names the parties of its subject, each with the role people read (发榜单位,
揭榜单位, 申报单位 …). An expert is excluded, with each reason written out, when their
organisation
  * is one of the parties;
  * is a recent partner of a party marked ``partners``: a party to a technical contract with
    it signed in the last ``PARTNER_YEARS`` years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.core import clock
from app.models import Organization, User
from app.models.enums import MembershipStatus
from app.reviews import repository

PARTNER_YEARS = 3

#: expert id → the reasons they must stay out (empty: no conflict).
Conflicts = dict[int, list[str]]


@dataclass(frozen=True)
class Party:
    """An organisation with a stake in the subject, as the reasons name it."""

    org_id: int
    role: str
    name: str = ""
    #: check this party's recent contract partners too (applicants, not the publisher)
    partners: bool = False


@dataclass(frozen=True)
class Partnership:
    """Two organisations were parties to one technical contract."""

    org_id: int
    partner_id: int
    partner_name: str
    contract: str
    signed_on: date


def partner_since(today: date | None = None) -> date:
    today = today or clock.today()
    try:
        return today.replace(year=today.year - PARTNER_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - PARTNER_YEARS, day=28)


def recent_partnerships(session: Session, org_ids: list[int], since: date) -> list[Partnership]:
    """Technical contracts the organisations signed with others since ``since``."""
    return [
        Partnership(
            org_id=org_id,
            partner_id=partner_id,
            partner_name=name,
            contract=f"《{title}》" + (f"合同编号 {number}" if number else ""),
            signed_on=signed_on,
        )
        for org_id, partner_id, name, title, number, signed_on in repository.partnerships(
            session, org_ids, since
        )
    ]


def _expert_org(expert: User) -> Organization | None:
    if expert.org_id is None or expert.membership_status == MembershipStatus.REJECTED:
        return None
    return expert.org


def find_conflicts(session: Session, parties: Sequence[Party], experts: list[User]) -> Conflicts:
    """Every expert's conflicts with the parties, in the parties' order, each reason once."""
    partnerships = recent_partnerships(
        session, sorted({p.org_id for p in parties if p.partners}), partner_since()
    )
    by_party: dict[int, list[Partnership]] = {}
    for p in partnerships:
        by_party.setdefault(p.org_id, []).append(p)
    found: Conflicts = {}
    for expert in experts:
        reasons: list[str] = []
        org = _expert_org(expert)
        if org is not None:
            for party in parties:
                if party.org_id == org.id:
                    reasons.append(f"所在机构“{org.name}”是{party.role}")
                if not party.partners:
                    continue
                for p in by_party.get(party.org_id, []):
                    if p.partner_id == org.id:
                        reasons.append(
                            f"所在机构“{org.name}”与{party.role}“{party.name}”近 "
                            f"{PARTNER_YEARS} 年内签订过技术合同（{p.contract}，"
                            f"{p.signed_on:%Y年%m月%d日}签订）"
                        )
        found[expert.id] = list(dict.fromkeys(reasons))
    return found
