"""HTML pages for 技术交易: deals, contracts, registration and the statistics export."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from app.core import clock
from app.core.audit import Actor
from app.core.deps import ActorDep, CurrentUser, SessionDep, SignedInActor, StaffUser
from app.core.errors import AppError, NotFound
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    redirect,
    uploaded_file,
)
from app.core.pagination import PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import parse_form, validated
from app.models import Deal, TechContract, User
from app.models.enums import (
    CONTRACT_ROLES,
    ContractStatus,
    ContractType,
    DealStatus,
    ListingKind,
    OrgType,
)
from app.trading import codes, deals, service, statistics
from app.trading.schemas import (
    ContractCreate,
    DealOpen,
    MessageCreate,
    OfferCreate,
    PaymentCreate,
    ReturnReason,
    TerminateReason,
)

router = page_router()
MILESTONE_ROWS = 4


_names = service.user_names
_brokers = service.brokers


# --- hub ------------------------------------------------------------------------------------


@router.get("/trading")
def hub(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    status: str = "",
) -> Response:
    """The signed-in user's deals and contracts."""
    actor = Actor(user=user)
    deal_status = DealStatus.from_code(status)
    page = deals.list_deals(session, actor, pagination, status=deal_status)
    contracts = service.list_contracts(session, actor, pagination.__class__(page=1, size=10))
    return render(
        request,
        "trading/hub.html",
        {
            "page": page,
            "contracts": contracts,
            "status": status,
            "statuses": DealStatus.choices(),
            "base_url": list_url("/trading", {"status": status}),
        },
    )


# --- deals ----------------------------------------------------------------------------------


@router.post("/deals")
def open_deal(
    request: Request, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    listing = f"/{values.get('kind', 'achievement')}s/{values.get('listing_id', '')}"

    def refused_back(exc: AppError) -> str:
        running = exc.extra.get("deal_id")  # this organisation's open deal on the listing
        if running:
            return f"/deals/{running}"
        return listing

    return act_and_redirect(
        request,
        session,
        lambda: deals.open_deal(session, actor, validated(DealOpen, values)),
        back=deals.link,
        done="洽谈已发起，对方会收到通知",
        refused_back=refused_back,
    )


@router.get("/deals/{deal_id}")
def deal_page(request: Request, deal_id: int, session: SessionDep, user: CurrentUser) -> Response:
    actor = Actor(user=user)
    deal = deals.load(session, actor, deal_id, participate=False)
    contract = service.contract_of_deal(session, deal.id)
    authors = _names(
        session, {m.author_id for m in deal.messages} | {o.author_id for o in deal.offers}
    )
    side = user.active_org_id if user.active_org_id in deal.org_ids else None
    return render(
        request,
        "trading/deal.html",
        {
            "deal": deal,
            "contract": contract,
            "authors": authors,
            "side": side,
            "participant": deals.may_take_part(user, deal),
            "documents": deals.attachment_list(session, deal),
            "brokers": _brokers(session),
            "can_offer": deal.status in (DealStatus.INTENT, DealStatus.NEGOTIATING),
            "can_sign": contract is None
            and deal.status in (DealStatus.INTENT, DealStatus.NEGOTIATING)
            and side is not None,
            "can_terminate": deals.DEAL.can(deal, "terminate"),
            "can_complete": deals.DEAL.can(deal, "complete") and side is not None,
        },
    )


def _deal_for(session: SessionDep, actor: Actor, deal_id: int) -> Deal:
    return deals.load(session, actor, deal_id)


@router.post("/deals/{deal_id}/messages")
def deal_message(
    request: Request, deal_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    deal = _deal_for(session, actor, deal_id)
    return act_and_redirect(
        request,
        session,
        lambda: deals.post_message(session, actor, deal, validated(MessageCreate, values).body),
        back=deals.link(deal),
        done="留言已发送",
    )


@router.post("/deals/{deal_id}/offers")
def deal_offer(
    request: Request, deal_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    deal = _deal_for(session, actor, deal_id)
    return act_and_redirect(
        request,
        session,
        lambda: deals.make_offer(session, actor, deal, validated(OfferCreate, values)),
        back=deals.link(deal),
        done="报价已发出，等待对方答复",
    )


@router.post("/deals/{deal_id}/offers/{offer_id}/{answer}")
def deal_answer(
    request: Request, deal_id: int, offer_id: int, answer: str, session: SessionDep, actor: ActorDep
) -> Response:
    deal = _deal_for(session, actor, deal_id)
    if answer not in ("accept", "reject"):
        raise NotFound("页面不存在")  # any other word must not reject the offer
    if answer == "accept":
        return act_and_redirect(
            request,
            session,
            lambda: deals.accept_offer(session, actor, deal, offer_id),
            back=deals.link(deal),
            done="已接受报价，可以签订合同了",
        )
    return act_and_redirect(
        request,
        session,
        lambda: deals.reject_offer(session, actor, deal, offer_id),
        back=deals.link(deal),
        done="已拒绝报价",
    )


@router.post("/deals/{deal_id}/broker")
def deal_broker(
    request: Request, deal_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    deal = _deal_for(session, actor, deal_id)
    raw = values.get("broker_id", "")
    broker_id = int(raw) if raw.isdigit() else None
    return act_and_redirect(
        request,
        session,
        lambda: deals.set_broker(session, actor, deal, broker_id),
        back=deals.link(deal),
        done="技术经纪人已更新",
    )


@router.post("/deals/{deal_id}/terminate")
def deal_terminate(
    request: Request, deal_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    deal = _deal_for(session, actor, deal_id)
    return act_and_redirect(
        request,
        session,
        lambda: deals.terminate(session, actor, deal, validated(TerminateReason, values).reason),
        back=deals.link(deal),
        done="洽谈已终止",
    )


@router.post("/deals/{deal_id}/complete")
def deal_complete(request: Request, deal_id: int, session: SessionDep, actor: ActorDep) -> Response:
    deal = _deal_for(session, actor, deal_id)
    return act_and_redirect(
        request,
        session,
        lambda: deals.complete(session, actor, deal),
        back=deals.link(deal),
        done="已确认履约完成",
    )


@router.post("/deals/{deal_id}/attachments")
def deal_upload(
    request: Request, deal_id: int, session: SessionDep, actor: ActorDep, form: SubmittedForm
) -> Response:
    upload = uploaded_file(form)
    deal = _deal_for(session, actor, deal_id)
    if upload is None:
        flash(request, "请选择要上传的文件", "error")
        return redirect(deals.link(deal))
    name, data = upload
    return act_and_redirect(
        request,
        session,
        lambda: deals.add_attachment(session, actor, deal, name, data),
        back=deals.link(deal),
        done=f"附件“{name}”已上传",
    )


# --- contracts ------------------------------------------------------------------------------


def _org_choices(session: SessionDep) -> list[tuple[str, str]]:
    rows = service.verified_orgs(session)
    return [(str(i), f"{name}（{OrgType(t).label}）") for i, name, t in rows]


def _transfer_orgs(session: SessionDep) -> list[tuple[str, str]]:
    return [(str(i), name) for i, name, _t in service.verified_orgs(session, transfer_only=True)]


def _defaults(session: SessionDep, user: User, deal: Deal | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "contract_type": ContractType.TRANSFER.value,
        "signed_on": clock.today().isoformat(),
        "ip_type": "00",
    }
    if deal is None:
        values["seller_org_id"] = str(user.active_org_id or "")
        return values
    listing = deal.listing
    # On an achievement the listing's organisation sells; on a demand or challenge it buys.
    seller, buyer = deal.owner_org_id, deal.inquirer_org_id
    if listing.kind != ListingKind.ACHIEVEMENT:
        seller, buyer = buyer, seller
    values.update(
        title=f"{deal.title}技术合同",
        seller_org_id=str(seller),
        buyer_org_id=str(buyer),
        broker_id=str(deal.broker_id or ""),
        total_amount=str(deal.agreed_price or ""),
        summary=deal.agreed_terms,
        tech_field=codes.tech_field_for(listing.field_code) or "",
    )
    if listing.kind == ListingKind.ACHIEVEMENT:
        values["achievement_id"] = str(listing.id)
    return values


def _contract_payload(values: dict[str, Any], deal: Deal | None) -> dict[str, Any]:
    """The form's flat fields as ``ContractCreate`` input."""
    kind = ContractType.from_code(values.get("contract_type")) or ContractType.TRANSFER
    seller_role, buyer_role = CONTRACT_ROLES[kind]
    buyer: dict[str, Any] = {"role": buyer_role, "org_id": values.get("buyer_org_id")}
    if not values.get("buyer_org_id"):
        buyer = {
            "role": buyer_role,
            "name": values.get("buyer_name", ""),
            "org_type": values.get("buyer_org_type"),
            "region_code": values.get("buyer_region_code"),
        }
    milestones = [
        {
            "name": values.get(f"milestones.{i}.name"),
            "amount": values.get(f"milestones.{i}.amount"),
            "due_on": values.get(f"milestones.{i}.due_on"),
        }
        for i in range(MILESTONE_ROWS)
        if values.get(f"milestones.{i}.name") or values.get(f"milestones.{i}.amount")
    ]
    patents = [
        {"number": number.strip()}
        for number in (values.get("patents") or "").replace("，", ",").split(",")
        if number.strip()
    ]
    payload: dict[str, Any] = {
        key: values.get(key)
        for key in (
            "title",
            "contract_type",
            "contract_no",
            "total_amount",
            "tech_amount",
            "signed_on",
            "term_start",
            "term_end",
            "tech_field",
            "ip_type",
            "summary",
            "broker_id",
            "transfer_org_id",
        )
        if values.get(key) not in (None, "")
    }
    payload.update(
        parties=[{"role": seller_role, "org_id": values.get("seller_org_id")}, buyer],
        milestones=milestones,
        patents=patents,
        achievement_ids=[values["achievement_id"]] if values.get("achievement_id") else [],
        deal_id=deal.id if deal else None,
    )
    return payload


def _contract_form(
    request: Request,
    session: SessionDep,
    user: User,
    deal: Deal | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int | None = None,
) -> Response:
    return render(
        request,
        "trading/contract_form.html",
        {
            "deal": deal,
            "values": values,
            "errors": errors or {},
            "types": [(t.value, t.label) for t in ContractType],
            "roles": {
                t.value: (CONTRACT_ROLES[t][0].label, CONTRACT_ROLES[t][1].label)
                for t in ContractType
            },
            "fields": list(codes.TECH_FIELDS.items()),
            "ip_types": list(codes.IP_TYPES.items()),
            "orgs": _org_choices(session),
            "transfer_orgs": _transfer_orgs(session),
            "brokers": [(str(b.id), b.name) for b in _brokers(session)],
            "org_types": OrgType.choices(),
            "regions": list(REGIONS.items()),
            "milestone_rows": range(MILESTONE_ROWS),
        },
        status_code=status_code or (422 if errors else 200),
    )


@router.get("/contracts/new")
def contract_new(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    deal: Annotated[int | None, Query()] = None,
) -> Response:
    source = deals.load(session, Actor(user=user), deal) if deal else None
    return _contract_form(request, session, user, source, _defaults(session, user, source))


@router.post("/contracts/new")
def contract_create(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user: CurrentUser,
    values: FormValues,
    deal: Annotated[int | None, Query()] = None,
) -> Response:
    source = deals.load(session, actor, deal) if deal else None
    data, errors = parse_form(ContractCreate, _contract_payload(values, source))
    refused = None
    if data is not None:
        try:
            with session.begin_nested():
                contract = service.create_contract(session, actor, data)
        except AppError as exc:
            if exc.status_code in (401, 404):
                raise
            errors = exc.field_errors()
            # Refused as the API refuses it (403), with the form kept to change the parties.
            refused = exc.status_code if exc.status_code == 403 else None
        else:
            flash(request, "合同已录入。下一步：由当事人提交认定登记")
            return redirect(f"/contracts/{contract.id}")
    return _contract_form(request, session, user, source, values, errors, refused)


def _contract_context(session: SessionDep, user: User, contract: TechContract) -> dict[str, Any]:
    names = _names(session, {contract.broker_id, contract.submitted_by_id, contract.reviewed_by_id})
    transfer = service.transfer_org_of(session, contract)
    return {
        "contract": contract,
        "names": names,
        "transfer_org": transfer,
        "lines": statistics.certificate_lines(contract),
        "field_label": codes.TECH_FIELDS.get(contract.tech_field, ""),
        "ip_label": codes.IP_TYPES.get(contract.ip_type, ""),
        "legal_person": codes.LEGAL_PERSON_TYPES,
        "party": service.may_edit(user, contract),
        "judge": service.may_register(user, contract),
        "can_submit": service.REGISTRATION.can(contract, "submit"),
        "mine": [
            p for p in contract.parties if p.org_id is not None and p.org_id == user.active_org_id
        ],
        "today": clock.today().isoformat(),
    }


@router.get("/contracts/{contract_id}")
def contract_page(
    request: Request, contract_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    contract = service.get_contract(session, Actor(user=user), contract_id)
    return render(request, "trading/contract.html", _contract_context(session, user, contract))


@router.get("/contracts/{contract_id}/certificate")
def certificate(
    request: Request, contract_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    contract = service.get_contract(session, Actor(user=user), contract_id)
    if contract.status != ContractStatus.REGISTERED:
        flash(request, "合同尚未完成认定登记，暂无登记证明", "error")
        return redirect(f"/contracts/{contract.id}")
    return render(request, "trading/certificate.html", _contract_context(session, user, contract))


@router.post("/contracts/{contract_id}/submit")
def contract_submit(
    request: Request, contract_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    contract = service.get_contract(session, actor, contract_id)
    org_id = int(values["org_id"]) if values.get("org_id", "").isdigit() else None
    return act_and_redirect(
        request,
        session,
        lambda: service.submit_registration(session, actor, contract, org_id),
        back=f"/contracts/{contract.id}",
        done="已提交认定登记，等待管理员审核",
    )


@router.post("/contracts/{contract_id}/approve")
def contract_approve(
    request: Request, contract_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    contract = service.get_contract(session, actor, contract_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.approve_registration(session, actor, contract),
        back=f"/contracts/{contract.id}",
        done="认定登记完成，已生成登记号",
    )


@router.post("/contracts/{contract_id}/return")
def contract_return(
    request: Request, contract_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    contract = service.get_contract(session, actor, contract_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.return_registration(
            session, actor, contract, validated(ReturnReason, values).reason
        ),
        back=f"/contracts/{contract.id}",
        done="已退回，当事人会收到退回原因",
    )


@router.post("/contracts/{contract_id}/payments")
def contract_payment(
    request: Request,
    contract_id: int,
    session: SessionDep,
    actor: SignedInActor,
    values: FormValues,
) -> Response:
    service.editable_contract(session, actor, contract_id)  # refused before the form is read
    return act_and_redirect(
        request,
        session,
        lambda: service.record_payment(
            session, actor, contract_id, validated(PaymentCreate, values)
        ),
        back=f"/contracts/{contract_id}",
        done="到账款项已登记",
    )


# --- administration -------------------------------------------------------------------------


@router.get("/admin/contracts")
def registration_queue(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    page = service.registration_queue(session, Actor(user=user), pagination)
    return render(
        request,
        "trading/registrations.html",
        {"page": page, "base_url": "/admin/contracts"},
    )


@router.get("/admin/contracts/statistics")
def statistics_page(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    start: str = "",
    end: str = "",
) -> Response:
    errors: dict[str, str] = {}
    bounds: dict[str, date | None] = {"start": None, "end": None}
    for name, raw in (("start", start), ("end", end)):
        if raw:
            try:
                bounds[name] = date.fromisoformat(raw)
            except ValueError:
                errors[name] = "日期格式应为 2026-01-31"
    data = statistics.rows(session, **bounds) if not errors else []
    query = list_url("", {"start": start, "end": end})
    return render(
        request,
        "trading/statistics.html",
        {
            "rows": data,
            "totals": statistics.totals(data),
            "columns": statistics.COLUMNS,
            "values": {"start": start, "end": end},
            "errors": errors,
            "query": query,
        },
        status_code=422 if errors else 200,
    )
