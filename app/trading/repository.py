"""Every query of the trading domain; what a user may see is filtered in the query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    ContractMilestone,
    ContractParty,
    Deal,
    DealOffer,
    MatchPipeline,
    Organization,
    TechContract,
    User,
)
from app.models.enums import (
    ContractStatus,
    DealStatus,
    MembershipStatus,
    OrgRole,
    OrgStatus,
    OrgType,
    Role,
)
from app.models.trading import contract_achievement
from app.trading import policy


def contract_options() -> list[Any]:
    return [
        selectinload(TechContract.parties),
        selectinload(TechContract.milestones).selectinload(ContractMilestone.payments),
        selectinload(TechContract.payments),
        selectinload(TechContract.achievements),
    ]


def get_contract(session: Session, contract_id: int, *, lock: bool = False) -> TechContract | None:
    stmt = select(TechContract).where(TechContract.id == contract_id).options(*contract_options())
    if lock:
        # Serialises payments and approvals on PostgreSQL; SQLite's write lock already does.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.scalars(stmt).one_or_none()


def contract_for_deal(session: Session, deal_id: int) -> TechContract | None:
    return session.scalars(select(TechContract).where(TechContract.deal_id == deal_id)).first()


def visible_contracts(user: User, *, status: ContractStatus | None = None) -> Select[Any]:
    """Contracts ``user`` may see: staff all, others those of their organisation or broker."""
    stmt = select(TechContract).options(*contract_options())
    stmt = stmt.where(policy.contracts_visible_to(user))
    if status is not None:
        stmt = stmt.where(TechContract.status == status)
    return stmt.order_by(TechContract.id.desc())


def registration_queue(user: User) -> Select[Any]:
    """Submitted contracts the administrator may judge (district admins: their region)."""
    stmt = (
        select(TechContract)
        .where(TechContract.status == ContractStatus.SUBMITTED)
        .options(*contract_options())
        .order_by(TechContract.submitted_at)
    )
    if not user.is_platform_admin:
        stmt = stmt.where(
            TechContract.registrant_org_id.in_(
                select(Organization.id).where(Organization.region_code == user.region_code)
            )
        )
    return stmt


def org_admins(session: Session, org_id: int) -> list[User]:
    """The people who hear about an organisation's deals and contracts: its administrators."""
    return list(
        session.scalars(
            select(User).where(
                User.org_id == org_id,
                User.membership_status == MembershipStatus.ACTIVE,
                User.org_role == OrgRole.ADMIN,
                User.is_active.is_(True),
            )
        )
    )


def registrars(session: Session, contract: TechContract) -> list[User]:
    """Who judges the contract's registration: platform admins, and district admins there."""
    regions = {p.region_code for p in contract.parties if p.org_id == contract.registrant_org_id}
    return list(
        session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                or_(
                    User.role == Role.PLATFORM_ADMIN,
                    (User.role == Role.DISTRICT_ADMIN) & User.region_code.in_(regions),
                ),
            )
            .order_by(User.id)
        )
    )


def get_deal(session: Session, deal_id: int) -> Deal | None:
    return session.scalars(
        select(Deal)
        .where(Deal.id == deal_id)
        .options(
            selectinload(Deal.messages),
            selectinload(Deal.offers),
            selectinload(Deal.listing),
            selectinload(Deal.owner_org),
            selectinload(Deal.inquirer_org),
            selectinload(Deal.broker),
        )
    ).one_or_none()


def open_deal_for(session: Session, listing_id: int, org_id: int) -> Deal | None:
    """A deal the organisation already has running on this listing."""
    return session.scalars(
        select(Deal).where(
            Deal.listing_id == listing_id,
            Deal.inquirer_org_id == org_id,
            Deal.status.not_in([DealStatus.TERMINATED, DealStatus.COMPLETED]),
        )
    ).first()


def deal_between(session: Session, listing_ids: list[int], org_ids: set[int]) -> Deal | None:
    """The running deal on one of ``listing_ids`` between the two organisations, if any."""
    return session.scalars(
        select(Deal)
        .where(
            Deal.listing_id.in_(listing_ids),
            Deal.owner_org_id.in_(org_ids),
            Deal.inquirer_org_id.in_(org_ids),
            Deal.status != DealStatus.TERMINATED,
        )
        .order_by(Deal.id.desc())
        .limit(1)
    ).first()


def contract_between(
    session: Session, *, listing_ids: list[int], achievement_id: int, org_ids: set[int]
) -> TechContract | None:
    """A contract both organisations are parties to, about these listings (through its deal
    or the achievements it lists)."""
    parties = [
        select(ContractParty.contract_id).where(ContractParty.org_id == org_id)
        for org_id in org_ids
    ]
    about_pair = or_(
        TechContract.deal_id.in_(select(Deal.id).where(Deal.listing_id.in_(listing_ids))),
        TechContract.id.in_(
            select(contract_achievement.c.contract_id).where(
                contract_achievement.c.achievement_id == achievement_id
            )
        ),
    )
    return session.scalars(
        select(TechContract)
        .where(*(TechContract.id.in_(p) for p in parties), about_pair)
        .order_by(TechContract.id)
        .limit(1)
    ).first()


def visible_deals(user: User, *, status: DealStatus | None = None) -> Select[Any]:
    stmt = select(Deal).options(
        selectinload(Deal.owner_org), selectinload(Deal.inquirer_org), selectinload(Deal.broker)
    )
    stmt = stmt.where(policy.deals_visible_to(user))
    if status is not None:
        stmt = stmt.where(Deal.status == status)
    return stmt.order_by(Deal.last_activity_at.desc(), Deal.id.desc())


def matched_pair(session: Session, listing_id: int, org_id: int) -> tuple[int, int] | None:
    """(demand listing, supply listing) of a match pairing this listing with the organisation."""
    row = session.execute(
        select(MatchPipeline.demand_listing_id, MatchPipeline.supply_listing_id)
        .where(
            or_(
                (MatchPipeline.demand_listing_id == listing_id)
                & (MatchPipeline.supply_org_id == org_id),
                (MatchPipeline.supply_listing_id == listing_id)
                & (MatchPipeline.demand_org_id == org_id),
            )
        )
        # The one a broker introduced first, if several.
        .order_by(MatchPipeline.broker_id.is_(None), MatchPipeline.id)
        .limit(1)
    ).first()
    return (row.demand_listing_id, row.supply_listing_id) if row else None


def pending_offers(deal: Deal) -> list[DealOffer]:
    from app.models.enums import OfferStatus

    return [o for o in deal.offers if o.status == OfferStatus.PROPOSED]


def user_names(session: Session, user_ids: set[int | None]) -> dict[int, str]:
    """Names of people a contract or deal page mentions (its broker, submitter, reviewer)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: row.name for row in rows}


def brokers(session: Session) -> list[User]:
    """The active technology brokers, for naming a deal's or contract's broker."""
    stmt = select(User).where(User.role == Role.BROKER, User.is_active.is_(True))
    return list(session.scalars(stmt.order_by(User.id)))


def verified_orgs(session: Session, *, transfer_only: bool = False) -> list[tuple[int, str, str]]:
    """(id, name, type) of verified organisations, by name; only transfer institutions with
    ``transfer_only``."""
    stmt = select(Organization.id, Organization.name, Organization.org_type).where(
        Organization.status == OrgStatus.VERIFIED
    )
    if transfer_only:
        stmt = stmt.where(Organization.org_type == OrgType.TRANSFER_AGENCY)
    return [(i, name, t) for i, name, t in session.execute(stmt.order_by(Organization.name))]
