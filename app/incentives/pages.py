"""HTML pages: the reward calculator, an organisation's rewards, and the bureau's desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.clock import local
from app.core.db import utcnow
from app.core.deps import CurrentUser, OptionalUser, SessionDep, SignedInActor, StaffUser
from app.core.pages import (
    FormValues,
    act_and_redirect,
    list_url,
    nest,
    page_router,
    redirect,
    safe_next,
)
from app.core.pagination import PaginationDep
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.incentives import engine, service
from app.incentives.schemas import BudgetSet, ClaimDecision, ContractFacts
from app.models import IncentiveClaim
from app.models.enums import ClaimStatus, ContractType, IncentiveBeneficiary, OrgType

router = page_router()

# Refusals on the bureau's desk, a missing claim included, are explained on the page.
STILL_RAISED = frozenset({401, 403})

_CHOICES = {
    "contract_types": ContractType.choices(),
    "org_types": OrgType.choices(),
    "statuses": ClaimStatus.choices(),
    "beneficiaries": IncentiveBeneficiary.choices(),
}


def _today() -> date:
    return local(utcnow()).date()


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _facts_payload(values: dict[str, Any]) -> dict[str, Any]:
    """The calculator's flat form fields as the nested ``ContractFacts`` shape."""
    payload: dict[str, Any] = {
        key: values[key]
        for key in (
            "contract_type",
            "contract_amount",
            "transaction_amount",
            "paid_in_year",
            "year",
            "registrant",
            "academician",
            "first_industrialization",
            "award_winning",
        )
        if key in values
    }
    payload["transferor"] = nest(values, "transferor")
    payload["transferee"] = nest(values, "transferee")
    broker = nest(values, "broker")
    if broker.get("name"):
        payload["broker"] = broker
    institution = nest(values, "transfer_institution")
    if institution.get("name"):
        payload["transfer_institution"] = institution
    return payload


def _quote_defaults() -> dict[str, Any]:
    return {
        "contract_type": "transfer",
        "year": str(_today().year),
        "transferor.org_type": "university",
        "transferor.local": "true",
        "transferee.org_type": "enterprise",
        "transferee.local": "true",
        "registrant": "transferee",
    }


@router.get("/incentives/quote")
def quote_form(request: Request, user: OptionalUser) -> Response:
    return render(
        request,
        "incentives/quote.html",
        {"values": _quote_defaults(), "errors": {}, "quote": None, **_CHOICES},
    )


@router.post("/incentives/quote")
def quote_submit(
    request: Request, session: SessionDep, user: OptionalUser, values: FormValues
) -> Response:
    facts, errors = parse_form(ContractFacts, _facts_payload(values))
    result = service.quote(session, user, facts) if facts is not None else None
    return render(
        request,
        "incentives/quote.html",
        {"values": values, "errors": errors, "quote": result, **_CHOICES},
        status_code=200 if facts is not None else 422,
    )


@router.get("/incentives")
def my_incentives(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    status: str = "",
    year: str = "",
) -> Response:
    page = service.list_claims(
        session,
        user,
        pagination,
        status=ClaimStatus.from_code(status),
        year=_year(year),
        mine=True,
    )
    by_year: dict[int, dict[str, Any]] = {}
    for y, state, amount, count in service.totals(session, user):
        row = by_year.setdefault(y, {"year": y})
        row[state.value] = {"amount": amount, "count": count}
    return render(
        request,
        "incentives/mine.html",
        {
            "page": page,
            "years": sorted(by_year.values(), key=lambda r: -r["year"]),
            "status": status,
            "year": year,
            "base_url": list_url("/incentives", {"status": status, "year": year}),
            **_CHOICES,
        },
    )


# --- the bureau's desk -------------------------------------------------------------------


@router.get("/admin/incentives")
def admin_home(user: StaffUser) -> Response:
    return redirect("/admin/incentives/claims")


@router.get("/admin/incentives/claims")
def admin_claims(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    pagination: PaginationDep,
    status: str = "pending",
    year: str = "",
    item: str = "",
) -> Response:
    page = service.list_claims(
        session,
        user,
        pagination,
        status=ClaimStatus.from_code(status),
        year=_year(year),
        item_no=int(item) if item.isdigit() else None,
    )
    return render(
        request,
        "incentives/admin_claims.html",
        {
            "page": page,
            "status": status,
            "year": year,
            "item": item,
            "items": sorted({r.item_no for r in service.rules(session)}),
            "base_url": list_url(
                "/admin/incentives/claims", {"status": status, "year": year, "item": item}
            ),
            **_CHOICES,
        },
    )


@router.post("/admin/incentives/claims/{claim_id}/{decision}")
def admin_decide(
    claim_id: int,
    decision: str,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,
    values: FormValues,
) -> Response:
    service.manager(actor.user)  # refused before the form is read
    back = safe_next(values.get("back"), "/admin/incentives/claims")
    data, errors = parse_form(
        ClaimDecision, {k: v for k, v in values.items() if k in ("amount", "reason")}
    )
    if data is None:
        flash(request, "；".join(errors.values()), "error")
        return redirect(back)
    decisions: dict[str, tuple[Callable[[], IncentiveClaim], Callable[[IncentiveClaim], str]]] = {
        "approve": (
            lambda: service.approve(session, actor, claim_id, data),
            lambda claim: (
                f"已核定 {claim.beneficiary_name} "
                f"{engine.yuan(claim.approved_amount or engine.ZERO)}"
            ),
        ),
        "reject": (
            lambda: service.reject(session, actor, claim_id, data),
            lambda claim: f"已不予支持 {claim.beneficiary_name} 的申领",
        ),
        "pay": (
            lambda: service.mark_paid(session, actor, claim_id),
            lambda claim: f"已确认拨付 {claim.beneficiary_name}",
        ),
    }
    if decision not in decisions:
        flash(request, "不支持的操作", "error")
        return redirect(back)
    run, done = decisions[decision]
    # A refused decision leaves nothing half-done and is explained on the desk.
    return act_and_redirect(
        request, session, run, back=back, done=done, raise_statuses=STILL_RAISED
    )


@router.get("/admin/incentives/budgets")
def admin_budgets(
    request: Request, session: SessionDep, user: StaffUser, year: str = ""
) -> Response:
    rules = service.rules(session)
    titles: dict[int, str] = {}
    for rule in rules:
        titles.setdefault(rule.item_no, f"{rule.clause} {rule.title}")
    return render(
        request,
        "incentives/admin_budgets.html",
        {
            "budgets": service.budgets(session, user, _year(year)),
            "titles": titles,
            "year": year,
            "this_year": _today().year,
        },
    )


@router.post("/admin/incentives/budgets")
def admin_set_budget(
    request: Request, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    service.manager(actor.user)  # refused before the form is read
    data, errors = parse_form(
        BudgetSet, {k: v for k, v in values.items() if k in BudgetSet.model_fields}
    )
    if data is None:
        flash(request, "；".join(errors.values()), "error")
        return redirect("/admin/incentives/budgets")
    return act_and_redirect(
        request,
        session,
        lambda: service.set_budget(session, actor, data),
        back="/admin/incentives/budgets",
        done=lambda budget: (
            f"已设置第{budget.item_no}条{budget.year}年度预算 {engine.yuan(budget.total)}"
        ),
        raise_statuses=STILL_RAISED,
    )


@router.get("/admin/incentives/rules")
def admin_rules(request: Request, session: SessionDep, user: StaffUser) -> Response:
    return render(
        request,
        "incentives/admin_rules.html",
        {"rules": service.rules(session), "today": _today()},
    )
