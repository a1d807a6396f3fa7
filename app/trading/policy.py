"""Who may see and act on technical contracts and deals: each rule as the check ``can()``
makes on one record and, beside it, the SQL filter the lists use, so the two cannot drift.

``permissions.define`` hands the checks to ``app.core.permissions``; the repository's
``visible_contracts`` and ``visible_deals`` take the filters. ``tests/permissions`` checks that
every list shows exactly the records ``can()`` allows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true

from app.core.permissions import Action, define
from app.models import ContractParty, Deal, TechContract, User
from app.models.enums import Role

# --- contracts -------------------------------------------------------------------------------


def _contract_party(user: User, contract: Any) -> bool:
    return user.active_org_id is not None and user.active_org_id in contract.party_org_ids


def may_view_contract(user: User, contract: Any) -> bool:
    """Staff; the parties' people; the contract's broker and its transfer institution."""
    return (
        user.is_staff
        or _contract_party(user, contract)
        or (contract.broker_id is not None and contract.broker_id == user.id)
        or (contract.transfer_org_id is not None and user.active_org_id == contract.transfer_org_id)
    )


def contracts_visible_to(user: User) -> ColumnElement[bool]:
    """``may_view_contract`` as a WHERE clause on ``TechContract``."""
    if user.is_staff:
        return true()
    conditions: list[ColumnElement[bool]] = [TechContract.broker_id == user.id]
    if user.active_org_id is not None:
        conditions.append(TechContract.transfer_org_id == user.active_org_id)
        parties = select(ContractParty.contract_id).where(
            ContractParty.org_id == user.active_org_id
        )
        conditions.append(TechContract.id.in_(parties))
    return or_(*conditions)


def may_edit_contract(user: User, contract: Any) -> bool:
    return _contract_party(user, contract) or user.is_platform_admin


def may_register(user: User, contract: Any) -> bool:
    """Platform administrators, and district administrators for the registrant's region."""
    if user.is_platform_admin:
        return True
    if user.role != Role.DISTRICT_ADMIN or user.region_code is None:
        return False
    regions = {p.region_code for p in contract.parties if p.org_id == contract.registrant_org_id}
    return user.region_code in regions


# --- deals -----------------------------------------------------------------------------------


def may_take_part(user: User, deal: Any) -> bool:
    """A member of either organisation, or the deal's broker."""
    return (user.active_org_id is not None and user.active_org_id in deal.org_ids) or (
        deal.broker_id is not None and deal.broker_id == user.id
    )


def may_view_deal(user: User, deal: Any) -> bool:
    return user.is_staff or may_take_part(user, deal)


def deals_visible_to(user: User) -> ColumnElement[bool]:
    """``may_view_deal`` as a WHERE clause on ``Deal``."""
    if user.is_staff:
        return true()
    conditions: list[ColumnElement[bool]] = [Deal.broker_id == user.id]
    if user.active_org_id is not None:
        conditions += [
            Deal.owner_org_id == user.active_org_id,
            Deal.inquirer_org_id == user.active_org_id,
        ]
    return or_(*conditions)


define(
    Action.CONTRACT_VIEW,
    may_view_contract,
    refused="仅合同当事人、经纪人、技术转移机构和管理员可以查看该合同",
)
define(Action.CONTRACT_EDIT, may_edit_contract, refused="仅合同当事人可以办理此事项")
define(
    Action.CONTRACT_REGISTER,
    may_register,
    refused="仅平台管理员或登记方所在区县的管理员可以审核认定登记",
)
define(Action.DEAL_VIEW, may_view_deal, refused="仅洽谈双方、其技术经纪人和管理员可以查看该洽谈")
define(Action.DEAL_PARTICIPATE, may_take_part, refused="仅洽谈双方和其技术经纪人可以参与洽谈")

define(
    Action.CONTRACT_EXPORT,
    lambda user, _obj: user.is_staff,
    refused="仅管理员可以导出技术合同统计",
)
