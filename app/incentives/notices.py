"""What 政策奖补 tells the beneficiaries of a claim: the kinds, and the workflow subscribers
that send them when a claim is approved (or adjusted), rejected or paid."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.workflow import WorkflowEvent, on
from app.incentives import engine, repository
from app.models import IncentiveClaim, User
from app.notifications import service as notifications
from app.notifications.kinds import Kind, kind

CLAIM_AVAILABLE = kind(
    "incentive.claim",
    "可申领的奖补",
    title="您有一项可申领的奖补：{rule}",
    body="{contract}：{explanation}",
)
CLAIM_APPROVED = kind(
    "incentive.approved",
    "奖补已核定",
    title="奖补已核定：{contract} {amount}",
    body="核定金额{amount}{adjustment}",
)
CLAIM_REJECTED = kind(
    "incentive.rejected", "奖补未获支持", title="奖补未获支持：{contract}", body="原因：{reason}"
)
CLAIM_PAID = kind("incentive.paid", "奖补已拨付", title="奖补已拨付：{contract} {amount}")


@on("incentive_claim.approve", "incentive_claim.adjust")
def tell_approved(session: Session, event: WorkflowEvent) -> None:
    claim = event.obj
    amount = claim.approved_amount
    adjusted = event.action == "adjust"
    tell(
        session,
        claim,
        CLAIM_APPROVED,
        amount=engine.yuan(amount),
        adjustment=(
            f"（计算金额{engine.yuan(claim.computed_amount)}，调整原因：{claim.decision_reason}）"
            if adjusted
            else ""
        ),
    )


@on("incentive_claim.reject")
def tell_rejected(session: Session, event: WorkflowEvent) -> None:
    tell(session, event.obj, CLAIM_REJECTED, reason=event.obj.decision_reason)


@on("incentive_claim.pay")
def tell_paid(session: Session, event: WorkflowEvent) -> None:
    claim = event.obj
    tell(session, claim, CLAIM_PAID, amount=engine.yuan(claim.approved_amount or engine.ZERO))


def tell(
    session: Session,
    claim: IncentiveClaim,
    kind: Kind,
    *,
    link: str = "/incentives",
    **fields: Any,
) -> None:
    """Notify the claim's beneficiary: the person, or the organisation's administrators."""
    people: list[User] = []
    if claim.beneficiary_user_id is not None:
        user = session.get(User, claim.beneficiary_user_id)
        if user is not None:
            people.append(user)
    if claim.beneficiary_org_id is not None:
        people += repository.org_admins(session, claim.beneficiary_org_id)
    for person in people:
        notifications.send(
            session, person, kind, link=link, contract=claim.contract_label, **fields
        )
