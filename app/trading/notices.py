"""What technology trading tells people: the notification kinds of deals and contracts.

Each is sent with ``notifications.send(session, person, KIND, link=..., **fields)`` in the
transaction of the change; people choose per kind how they hear of it. The steps of a
contract's registration (``contract.submit``, ``.register``, ``.return``) send theirs from the
workflow subscribers at the end of this module.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.workflow import WorkflowEvent, on
from app.models import TechContract, User
from app.notifications import service as notifications
from app.notifications.kinds import Kind, kind
from app.trading import repository

DEAL_OPENED = kind(
    "deal.opened",
    "新的洽谈意向",
    title="新的洽谈意向：{listing}",
    body="{org}的{name}：{message}",
)
DEAL_MESSAGE = kind(
    "deal.message", "洽谈新留言", title="洽谈“{deal}”有新留言", body="{name}：{message}"
)
DEAL_OFFER = kind("deal.offer", "洽谈新报价", title="洽谈“{deal}”有新报价", body="{text}")
DEAL_OFFER_ACCEPTED = kind(
    "deal.offer_accepted", "报价被接受", title="洽谈“{deal}”的报价已被接受", body="{text}"
)
DEAL_OFFER_REJECTED = kind(
    "deal.offer_rejected", "报价被拒绝", title="洽谈“{deal}”的报价被拒绝", body="{text}"
)
DEAL_BROKER = kind(
    "deal.broker", "被指定为洽谈的技术经纪人", title="您被指定为洽谈“{deal}”的技术经纪人"
)
DEAL_TERMINATED = kind(
    "deal.terminated", "洽谈终止", title="洽谈“{deal}”已终止", body="原因：{reason}"
)
DEAL_COMPLETED = kind("deal.completed", "洽谈履约完成", title="洽谈“{deal}”已履约完成")

CONTRACT_RECORDED = kind(
    "contract.recorded",
    "技术合同已录入",
    title="技术合同“{contract}”已录入",
    body="合同金额 {amount}，可在平台提交认定登记。",
)
CONTRACT_REGISTERED = kind(
    "contract.registered",
    "技术合同完成认定登记",
    title="技术合同“{contract}”已完成认定登记",
    body="登记号 {registration_no}，可在合同页面打印登记证明。",
)
CONTRACT_RETURNED = kind(
    "contract.returned",
    "技术合同认定登记被退回",
    title="技术合同“{contract}”的认定登记被退回",
    body="退回原因：{reason}",
)
CONTRACT_TO_REGISTER = kind(
    "contract.registration",
    "待认定登记的技术合同",
    title="待认定登记：{contract}",
    body="{contract_type}合同，技术交易额 {amount}。",
    mail=False,
)


@on("contract.submit")
def tell_registrars(session: Session, event: WorkflowEvent) -> None:
    """The platform administrators, and the district administrators of the registrant."""
    contract = event.obj
    for person in repository.registrars(session, contract):
        notifications.send(
            session,
            person,
            CONTRACT_TO_REGISTER,
            link=f"/contracts/{contract.id}",
            contract=contract.title,
            contract_type=contract.contract_type,
            amount=contract.tech_amount,
        )


@on("contract.register")
def tell_registered(session: Session, event: WorkflowEvent) -> None:
    contract = event.obj
    tell_parties(session, contract, CONTRACT_REGISTERED, registration_no=contract.registration_no)


@on("contract.return")
def tell_returned(session: Session, event: WorkflowEvent) -> None:
    tell_parties(session, event.obj, CONTRACT_RETURNED, reason=event.details["reason"])


def tell_parties(
    session: Session,
    contract: TechContract,
    kind: Kind,
    *,
    skip: User | None = None,
    **fields: Any,
) -> None:
    """The administrators of every party's organisation, and the contract's broker."""

    def send(person: User) -> None:
        link = f"/contracts/{contract.id}"
        notifications.send(session, person, kind, link=link, contract=contract.title, **fields)

    seen: set[int] = set()
    for org_id in sorted(contract.party_org_ids):
        for person in repository.org_admins(session, org_id):
            if person.id in seen or (skip is not None and person.id == skip.id):
                continue
            seen.add(person.id)
            send(person)
    if contract.broker_id is not None and contract.broker_id not in seen:
        broker = session.get(User, contract.broker_id)
        if broker is not None and (skip is None or broker.id != skip.id):
            send(broker)
