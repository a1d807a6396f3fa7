"""Conflicts of interest (利益冲突回避) between experts and a challenge's parties.

An expert is excluded from a challenge's panel, with each reason written out, when their
organisation is
  * the organisation that posted the challenge (发榜单位);
  * an applicant's organisation (揭榜单位);
  * a recent partner of an applicant: a party to a technical contract with the applicant
    signed in the last ``PARTNER_YEARS`` years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.challenges import repository
from app.core import clock
from app.models import Challenge, ChallengeApplication, Organization, User
from app.models.enums import MembershipStatus

PARTNER_YEARS = 3

#: expert id → the reasons they must stay out (empty: no conflict).
Conflicts = dict[int, list[str]]


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


def find_conflicts(
    session: Session,
    challenge: Challenge,
    applicants: list[ChallengeApplication],
    experts: list[User],
) -> Conflicts:
    """Every expert's conflicts with this challenge's publisher and applicants."""
    partnerships = recent_partnerships(
        session, sorted({a.org_id for a in applicants}), partner_since()
    )
    by_applicant: dict[int, list[Partnership]] = {}
    for p in partnerships:
        by_applicant.setdefault(p.org_id, []).append(p)
    found: Conflicts = {}
    for expert in experts:
        reasons: list[str] = []
        org = _expert_org(expert)
        if org is not None:
            if org.id == challenge.org_id:
                reasons.append(f"所在机构“{org.name}”是发榜单位")
            for application in applicants:
                if application.org_id == org.id:
                    reasons.append(f"所在机构“{org.name}”是揭榜单位")
                for p in by_applicant.get(application.org_id, []):
                    if p.partner_id == org.id:
                        reasons.append(
                            f"所在机构“{org.name}”与揭榜单位“{application.org.name}”近 "
                            f"{PARTNER_YEARS} 年内签订过技术合同（{p.contract}，"
                            f"{p.signed_on:%Y年%m月%d日}签订）"
                        )
        found[expert.id] = list(dict.fromkeys(reasons))
    return found
