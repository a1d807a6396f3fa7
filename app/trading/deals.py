"""Deals: an inquiry on a published listing, negotiated to a signed and registered contract.

States 意向 → 洽谈 → 签约 → 登记 → 履约 → 完成, or 终止 with a reason, through one
``Workflow``. The deal moves to 洽谈 when the listing's side first answers or anyone makes
an offer; to 签约 when a contract is created from it; to 登记 when that contract is
registered; to 履约 with the first payment after registration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core import attachments, audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from app.core.money import format_yuan
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can, signed_in
from app.core.workflow import Transition, Workflow
from app.matching import service as matching_service
from app.models import Attachment, Deal, DealMessage, DealOffer, Listing, TechContract, User
from app.models.enums import DealStatus, ListingStatus, OfferStatus, PipelineStage, Role
from app.notifications import service as notifications
from app.notifications.kinds import Kind
from app.trading import notices, repository
from app.trading.schemas import DealOpen, OfferCreate

ATTACHMENT_OWNER = "deal"
_OPEN = frozenset({DealStatus.INTENT, DealStatus.NEGOTIATING})

_PARTY = Action.DEAL_PARTICIPATE
# Signing, registration and the first payment follow the deal's contract: the contract's own
# steps authorize them, and whoever takes them need not be a party to the deal.
DEAL = Workflow[DealStatus](
    "洽谈",
    "status",
    [
        Transition(
            "negotiate", "进入洽谈", frozenset({DealStatus.INTENT}), DealStatus.NEGOTIATING, _PARTY
        ),
        Transition("sign", "签约", _OPEN, DealStatus.SIGNED),
        Transition("register", "认定登记", frozenset({DealStatus.SIGNED}), DealStatus.REGISTERED),
        Transition(
            "perform", "开始履约", frozenset({DealStatus.REGISTERED}), DealStatus.PERFORMING
        ),
        Transition(
            "complete",
            "确认履约完成",
            frozenset({DealStatus.REGISTERED, DealStatus.PERFORMING}),
            DealStatus.COMPLETED,
            _PARTY,
        ),
        Transition(
            "terminate",
            "终止",
            frozenset(
                {
                    DealStatus.INTENT,
                    DealStatus.NEGOTIATING,
                    DealStatus.SIGNED,
                    DealStatus.REGISTERED,
                    DealStatus.PERFORMING,
                }
            ),
            DealStatus.TERMINATED,
            _PARTY,
        ),
    ],
    type="deal",
)


def link(deal: Deal) -> str:
    return f"/deals/{deal.id}"


def _people(session: Session, deal: Deal) -> list[User]:
    people: dict[int, User] = {}
    for org_id in deal.org_ids:
        for person in repository.org_admins(session, org_id):
            people[person.id] = person
    if deal.broker_id is not None:
        broker = session.get(User, deal.broker_id)
        if broker is not None:
            people[broker.id] = broker
    return list(people.values())


def _tell(session: Session, deal: Deal, kind: Kind, *, skip: User | None, **fields: Any) -> None:
    for person in _people(session, deal):
        if skip is not None and person.id == skip.id:
            continue
        notifications.send(session, person, kind, link=link(deal), deal=deal.title, **fields)


def may_take_part(user: User | None, deal: Deal) -> bool:
    """Whether ``user`` speaks in ``deal`` (either organisation's people, its broker)."""
    return can(user, Action.DEAL_PARTICIPATE, deal)


def _event(session: Session, deal: Deal, actor: Actor, text: str) -> None:
    session.add(DealMessage(deal=deal, author_id=actor.user_id, body=text, is_event=True))
    deal.last_activity_at = utcnow()


def _move(session: Session, actor: Actor, deal: Deal, action: str, note: str = "") -> None:
    def summary(before: DealStatus, after: DealStatus) -> str:
        return f"洽谈“{deal.title}”：{before.label} → {after.label}" + (
            f"（{note}）" if note else ""
        )

    event = DEAL.run(session, actor, deal, action, note=note, summary=summary)
    before, after = event.before, event.after
    _event(
        session,
        deal,
        actor,
        f"状态变更：{before.label} → {after.label}" + (f"。{note}" if note else ""),
    )


def _broker_for(session: Session, listing_id: int, inquirer_org_id: int) -> int | None:
    """The broker who introduced this listing to one of the inquirer's listings, if any."""
    pair = repository.matched_pair(session, listing_id, inquirer_org_id)
    if pair is None:
        return None
    broker = matching_service.broker_for_pair(session, *pair)
    return broker.id if broker is not None else None


def _advance_match(
    session: Session, actor: Actor, deal: Deal, stage: PipelineStage, note: str
) -> None:
    """Tell the matching pipeline how far the pair behind this deal has come."""
    pair = repository.matched_pair(session, deal.listing_id, deal.inquirer_org_id)
    if pair is not None:
        matching_service.advance_pipeline(
            session,
            demand_listing_id=pair[0],
            supply_listing_id=pair[1],
            stage=stage,
            actor=actor,
            note=note,
            source="contract",
        )


def _check_broker(session: Session, broker_id: int | None) -> User | None:
    if broker_id is None:
        return None
    broker = session.get(User, broker_id)
    if broker is None or broker.role != Role.BROKER or not broker.is_active:
        raise InvalidInput(errors={"broker_id": "所选用户不是在册的技术经纪人"})
    return broker


def open_deal(session: Session, actor: Actor, data: DealOpen) -> Deal:
    """Inquire about a published listing: a deal between the two organisations starts."""
    user = signed_in(actor.user)
    listing = session.get(Listing, data.listing_id)
    if listing is None or listing.status != ListingStatus.PUBLISHED:
        raise NotFound("该信息不存在或尚未发布")
    org_id = user.active_org_id
    if org_id is None or user.org is None or not user.org.is_verified:
        raise PermissionDenied("加入已认证的机构后才能发起洽谈")
    if org_id == listing.org_id:
        raise Conflict("不能与本机构发布的信息发起洽谈")
    lock_row(listing)  # a double click finds the deal the first click opened
    running = repository.open_deal_for(session, listing.id, org_id)
    if running is not None:
        raise Conflict("贵机构已就该信息发起洽谈，请在原洽谈中继续", deal_id=running.id)
    broker = _check_broker(session, data.broker_id)
    deal = Deal(
        listing_id=listing.id,
        title=listing.title,
        owner_org_id=listing.org_id,
        inquirer_org_id=org_id,
        opened_by_id=user.id,
        broker_id=broker.id if broker else _broker_for(session, listing.id, org_id),
        status=DealStatus.INTENT,
    )
    session.add(deal)
    session.flush()
    session.add(DealMessage(deal_id=deal.id, author_id=user.id, body=data.message))
    audit.record(
        session,
        actor,
        "deal.open",
        deal,
        summary=f"就“{listing.title}”发起洽谈",
        after={"listing_id": listing.id, "inquirer_org_id": org_id, "broker_id": deal.broker_id},
    )
    _advance_match(session, actor, deal, PipelineStage.NEGOTIATING, "发起洽谈")
    _tell(
        session,
        deal,
        notices.DEAL_OPENED,
        skip=user,
        listing=listing.title,
        org=user.org.name,
        name=user.name,
        message=data.message[:200],
    )
    return deal


def open_for_pair(
    session: Session, actor: Actor, *, supply: Listing, demand: Listing, broker_id: int | None
) -> tuple[Deal, bool]:
    """The deal a matched pair negotiates in: the running one between the two organisations
    on either listing, else a new one on the achievement (its organisation answers the
    demand's). Returns the deal and whether it was opened now. The caller moves the pair."""
    user = signed_in(actor.user)
    lock_row(supply)  # two clicks on 进入洽谈 open one deal
    running = repository.deal_between(
        session, [supply.id, demand.id], {supply.org_id, demand.org_id}
    )
    if running is not None:
        return running, False
    deal = Deal(
        listing_id=supply.id,
        title=supply.title,
        owner_org_id=supply.org_id,
        inquirer_org_id=demand.org_id,
        opened_by_id=user.id,
        broker_id=broker_id,
        status=DealStatus.NEGOTIATING,
    )
    session.add(deal)
    session.flush()
    _event(session, deal, actor, f"由供需对接进入洽谈：{demand.kind.label}“{demand.title}”")
    audit.record(
        session,
        actor,
        "deal.open",
        deal,
        summary=f"供需对接进入洽谈：“{supply.title}”",
        after={"listing_id": supply.id, "inquirer_org_id": demand.org_id, "broker_id": broker_id},
    )
    return deal, True


def contract_for_pair(session: Session, *, supply: Listing, demand: Listing) -> TechContract | None:
    """A contract the pair's two organisations signed about these listings, if any."""
    return repository.contract_between(
        session,
        listing_ids=[supply.id, demand.id],
        achievement_id=supply.id,
        org_ids={supply.org_id, demand.org_id},
    )


def deal_for_pair(session: Session, *, supply: Listing, demand: Listing) -> Deal | None:
    return repository.deal_between(session, [supply.id, demand.id], {supply.org_id, demand.org_id})


def load(session: Session, actor: Actor, deal_id: int, *, participate: bool = True) -> Deal:
    """A deal with its thread and offers; participants act, staff may also look."""
    deal = repository.get_deal(session, deal_id)
    if deal is None:
        raise NotFound("洽谈不存在")
    if not can(actor.user, Action.DEAL_VIEW, deal):
        # Outsiders learn nothing about whether the deal exists.
        if actor.user is None:
            raise NotAuthenticated("请先登录")
        raise NotFound("洽谈不存在")
    if participate:
        authorize(actor.user, Action.DEAL_PARTICIPATE, deal)
    return deal


def list_deals(
    session: Session, actor: Actor, pagination: Pagination, *, status: DealStatus | None = None
) -> Paged:
    return paginate(
        session, repository.visible_deals(signed_in(actor.user), status=status), pagination
    )


def _side_of(user: User, deal: Deal) -> int | None:
    return user.active_org_id if user.active_org_id in deal.org_ids else None


def _maybe_negotiating(session: Session, actor: Actor, deal: Deal) -> None:
    if deal.status == DealStatus.INTENT:
        _move(session, actor, deal, "negotiate")


def post_message(session: Session, actor: Actor, deal: Deal, body: str) -> DealMessage:
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    if deal.status in (DealStatus.TERMINATED, DealStatus.COMPLETED):
        raise Conflict(f"洽谈已{deal.status.label}，不能再留言")
    message = DealMessage(deal=deal, author_id=user.id, body=body)
    session.add(message)
    deal.last_activity_at = utcnow()
    # The listing's side answering turns an inquiry into a negotiation.
    if user.active_org_id == deal.owner_org_id:
        _maybe_negotiating(session, actor, deal)
    session.flush()
    _tell(session, deal, notices.DEAL_MESSAGE, skip=user, name=user.name, message=body[:200])
    return message


def _lock_offers(session: Session, deal: Deal) -> None:
    """Offers of a deal change one request at a time, each seeing the offers as they are now."""
    lock_row(deal)
    session.refresh(deal, attribute_names=["offers"])


def make_offer(session: Session, actor: Actor, deal: Deal, data: OfferCreate) -> DealOffer:
    """Propose a price and terms; an open offer from the other side becomes countered."""
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    _lock_offers(session, deal)
    if deal.status not in _OPEN:
        raise Conflict(f"洽谈当前状态为“{deal.status.label}”，不能再报价")
    side = _side_of(user, deal)
    for offer in repository.pending_offers(deal):
        offer.status = OfferStatus.SUPERSEDED
        offer.decided_by_id = user.id
        offer.decided_at = utcnow()
    offer = DealOffer(deal=deal, org_id=side, author_id=user.id, price=data.price, terms=data.terms)
    session.add(offer)
    _maybe_negotiating(session, actor, deal)
    session.flush()
    text = f"{user.name}报价 {format_yuan(data.price)}" + (
        f"，条件：{data.terms}" if data.terms else ""
    )
    _event(session, deal, actor, text)
    audit.record(
        session,
        actor,
        "deal.offer",
        deal,
        summary=text[:300],
        after={"offer_id": offer.id, "price": str(data.price)},
    )
    _tell(session, deal, notices.DEAL_OFFER, skip=user, text=text)
    return offer


def _offer(deal: Deal, offer_id: int) -> DealOffer:
    offer = next((o for o in deal.offers if o.id == offer_id), None)
    if offer is None:
        raise NotFound("报价不存在")
    if offer.status != OfferStatus.PROPOSED:
        raise Conflict(f"该报价{offer.status.label}，不能再答复")
    return offer


def _answering(user: User, deal: Deal, offer: DealOffer) -> None:
    side = _side_of(user, deal)
    if side is None or side == offer.org_id:
        raise PermissionDenied("报价由对方机构答复")


def accept_offer(session: Session, actor: Actor, deal: Deal, offer_id: int) -> DealOffer:
    """The other side accepts: the price and terms become the agreed ones."""
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    _lock_offers(session, deal)
    offer = _offer(deal, offer_id)
    _answering(user, deal, offer)
    offer.status = OfferStatus.ACCEPTED
    offer.decided_by_id = user.id
    offer.decided_at = utcnow()
    deal.agreed_price = offer.price
    deal.agreed_terms = offer.terms
    text = f"{user.name}接受报价 {format_yuan(offer.price)}"
    _event(session, deal, actor, text)
    audit.record(
        session,
        actor,
        "deal.accept",
        deal,
        summary=text,
        after={"offer_id": offer.id, "agreed_price": str(offer.price)},
    )
    _tell(session, deal, notices.DEAL_OFFER_ACCEPTED, skip=user, text=text)
    return offer


def reject_offer(session: Session, actor: Actor, deal: Deal, offer_id: int) -> DealOffer:
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    _lock_offers(session, deal)
    offer = _offer(deal, offer_id)
    _answering(user, deal, offer)
    offer.status = OfferStatus.REJECTED
    offer.decided_by_id = user.id
    offer.decided_at = utcnow()
    text = f"{user.name}拒绝了报价 {format_yuan(offer.price)}"
    _event(session, deal, actor, text)
    audit.record(session, actor, "deal.reject", deal, summary=text, after={"offer_id": offer.id})
    _tell(session, deal, notices.DEAL_OFFER_REJECTED, skip=user, text=text)
    return offer


def set_broker(session: Session, actor: Actor, deal: Deal, broker_id: int | None) -> Deal:
    """A party names (or removes) the broker who introduced the deal."""
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    if _side_of(user, deal) is None:
        raise PermissionDenied("由洽谈双方指定技术经纪人")
    broker = _check_broker(session, broker_id)
    before = deal.broker_id
    deal.broker_id = broker.id if broker else None
    _event(session, deal, actor, f"技术经纪人：{broker.name if broker else '无'}")
    audit.record(
        session,
        actor,
        "deal.broker",
        deal,
        summary="指定技术经纪人",
        before={"broker_id": before},
        after={"broker_id": deal.broker_id},
    )
    if broker is not None and broker.id != user.id:
        notifications.send(session, broker, notices.DEAL_BROKER, link=link(deal), deal=deal.title)
    return deal


def terminate(session: Session, actor: Actor, deal: Deal, reason: str) -> Deal:
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    _move(session, actor, deal, "terminate", f"原因：{reason}")
    deal.terminate_reason = reason
    for offer in repository.pending_offers(deal):
        offer.status = OfferStatus.WITHDRAWN
    _tell(session, deal, notices.DEAL_TERMINATED, skip=user, reason=reason)
    return deal


def complete(session: Session, actor: Actor, deal: Deal) -> Deal:
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    if _side_of(user, deal) is None:
        raise PermissionDenied("由洽谈双方确认履约完成")
    _move(session, actor, deal, "complete")
    _tell(session, deal, notices.DEAL_COMPLETED, skip=user)
    return deal


# Called by the contract service as the contract moves on.


def signed(session: Session, actor: Actor, deal: Deal, contract: TechContract) -> None:
    _move(session, actor, deal, "sign", f"合同“{contract.title}”")
    for offer in repository.pending_offers(deal):
        offer.status = OfferStatus.WITHDRAWN
    if contract.broker_id is not None and deal.broker_id is None:
        deal.broker_id = contract.broker_id
    _advance_match(session, actor, deal, PipelineStage.SIGNED, f"签订合同“{contract.title}”")


def registered(session: Session, actor: Actor, deal_id: int, contract: TechContract) -> None:
    deal = session.get(Deal, deal_id)
    if deal is not None and DEAL.can(deal, "register"):
        _move(session, actor, deal, "register", f"登记号 {contract.registration_no}")


def paid(session: Session, actor: Actor, deal_id: int, contract: TechContract) -> None:
    deal = session.get(Deal, deal_id)
    if deal is not None and DEAL.can(deal, "perform"):
        _move(session, actor, deal, "perform")


# Attachments: the one attachment store, owned by the deal.


def add_attachment(
    session: Session, actor: Actor, deal: Deal, filename: str, data: bytes
) -> Attachment:
    user = signed_in(actor.user)
    authorize(user, Action.DEAL_PARTICIPATE, deal)
    row = attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=deal.id,
        category="document",
        filename=filename,
        data=data,
    )
    _event(session, deal, actor, f"{user.name}上传了附件“{row.filename}”")
    return row


def attachment_list(session: Session, deal: Deal) -> list[Attachment]:
    return attachments.list_for(session, ATTACHMENT_OWNER, deal.id)


def attachment(session: Session, deal: Deal, attachment_id: int) -> tuple[Attachment, bytes]:
    row = attachments.get(session, ATTACHMENT_OWNER, deal.id, attachment_id)
    return row, attachments.read(row)
