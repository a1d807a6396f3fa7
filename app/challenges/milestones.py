"""揭榜挂帅 milestones: 实施 → 中期检查 → 验收; accepting a stage releases its tranche."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.challenges import repository
from app.challenges.applications import own_application
from app.challenges.flows import FUNDING_SUBJECT, M, P, milestone_flow, panel_of
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound
from app.core.money import format_yuan
from app.core.permissions import Action, authorize, can, signed_in
from app.funding import service as funding_service
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
)
from app.trading import service as trading_service
from app.trading.schemas import PaymentCreate


def milestones(session: Session, panel: ChallengePanel | None) -> list[ChallengeMilestone]:
    return repository.milestones(session, panel.id) if panel is not None else []


def _winner(session: Session, challenge: Challenge) -> tuple[ChallengePanel, ChallengeApplication]:
    panel = panel_of(session, challenge)
    if panel is None or panel.status != P.AWARDED or panel.winner_id is None:
        raise Conflict("该榜单尚未确定揭榜方")
    winner = repository.application(session, panel.winner_id)
    assert winner is not None
    return panel, winner


def _milestone(session: Session, panel: ChallengePanel, seq: int) -> ChallengeMilestone:
    rows = repository.milestones(session, panel.id)
    row = next((m for m in rows if m.seq == seq), None)
    if row is None:
        raise NotFound("该阶段不存在")
    earlier = [m for m in rows if m.seq < seq and m.status != M.ACCEPTED]
    if earlier:
        raise Conflict(f"请先完成上一阶段“{earlier[-1].name}”的验收")
    return row


def submit_milestone(
    session: Session, actor: Actor, challenge: Challenge, seq: int, report: str
) -> ChallengeMilestone:
    """The solver reports a stage done and asks for its acceptance."""
    # Permission first, so an outsider learns nothing about the review from the refusal: the
    # winner's people once the award is decided; before it, an applicant is told it is not.
    panel = panel_of(session, challenge)
    decided = (
        repository.application(session, panel.winner_id)
        if panel is not None and panel.winner_id is not None
        else None
    )
    authorize(
        actor.user,
        Action.CHALLENGE_APPLICATION_EDIT,
        decided or own_application(session, actor.user, challenge),
    )
    panel, _ = _winner(session, challenge)
    row = _milestone(session, panel, seq)
    milestone_flow.run(
        session, actor, row, "submit", summary=f"“{challenge.title}”提交“{row.name}”阶段验收"
    )
    row.report, row.submitted_at = report.strip(), utcnow()
    return row


def accept_milestone(
    session: Session, actor: Actor, challenge: Challenge, seq: int
) -> ChallengeMilestone:
    """Accept a stage; its tranche of the reward is released for payment."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel, winner = _winner(session, challenge)
    row = _milestone(session, panel, seq)
    milestone_flow.run(
        session,
        actor,
        row,
        "accept",
        summary=f"“{challenge.title}”“{row.name}”阶段验收通过，拨付第 {row.seq} 期奖励 "
        f"{format_yuan(row.amount)}（{row.percent}%）",
        released=row.amount,
    )
    now = utcnow()
    row.accepted_at, row.released_at, row.accepted_by_id = now, now, signed_in(actor.user).id
    row.return_reason = ""
    reservation = funding_service.reservation_of(session, FUNDING_SUBJECT, winner.id)
    if reservation is not None:  # awarded before rewards were tracked on the ledger: none
        funding_service.release(
            session, actor, reservation, row.seq, note=f"“{row.name}”阶段验收通过"
        )
    contract = (
        trading_service.get_contract(session, actor, panel.contract_id)
        if panel.contract_id is not None
        else None
    )
    if contract is not None and row.contract_milestone_id is not None:
        if can(actor.user, Action.CONTRACT_EDIT, contract):
            # The released tranche is the contract's payment for that milestone. (A district
            # administrator may accept the stage; the payment is then recorded by a party.)
            trading_service.record_payment(
                session,
                actor,
                contract.id,
                PaymentCreate(
                    milestone_id=row.contract_milestone_id,
                    amount=row.amount,
                    paid_on=today(),
                    note=f"揭榜挂帅第 {row.seq} 期奖励（{row.name}验收通过）",
                ),
            )
        # Accepted is done, paid or not.
        trading_service.complete_milestone(
            session, actor, contract.id, row.contract_milestone_id, today()
        )
    return row


def return_milestone(
    session: Session, actor: Actor, challenge: Challenge, seq: int, reason: str
) -> ChallengeMilestone:
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel, _ = _winner(session, challenge)
    row = _milestone(session, panel, seq)
    row.return_reason = reason.strip()
    milestone_flow.run(
        session,
        actor,
        row,
        "return",
        summary=f"“{challenge.title}”“{row.name}”阶段退回：{row.return_reason}",
    )
    return row


def released_total(rows: list[ChallengeMilestone]) -> Decimal:
    return sum((m.amount for m in rows if m.released_at is not None), Decimal(0))
