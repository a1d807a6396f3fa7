"""揭榜挂帅 award: naming the winner (or nobody), the reward's funding, the contract the
award becomes, and the feedback every applicant receives.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.challenges import repository
from app.challenges.flows import (
    DECIDED,
    DEFAULT_TECH_FIELD,
    FUNDING_PROGRAMME,
    FUNDING_SUBJECT,
    REVIEW,
    A,
    P,
    application_flow,
    panel_flow,
    panel_of,
)
from app.challenges.schemas import (
    MILESTONE_NAMES,
    AwardIn,
    Feedback,
    FeedbackItem,
)
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.money import format_yuan
from app.core.permissions import Action, authorize, signed_in
from app.funding import service as funding_service
from app.listings import service as listing_service
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
)
from app.models.enums import (
    ContractType,
    PartyRole,
)
from app.reviews import ranking
from app.reviews import service as review_service
from app.trading import service as trading_service
from app.trading.codes import tech_field_for
from app.trading.schemas import ContractCreate, MilestoneIn, PartyIn


def split_reward(reward: Decimal, percents: list[int]) -> list[Decimal]:
    """The reward in tranches, exact to the cent; the last takes what rounding left over."""
    return funding_service.split(reward, percents)


def _fund(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    winner: ChallengeApplication,
    tranches: list[tuple[str, Decimal]],
) -> None:
    """The reward becomes a budget line of its own, reserved whole for the winner in tranches."""
    line = funding_service.set_line(
        session,
        actor,
        programme=FUNDING_PROGRAMME,
        item_no=challenge.id,
        year=today().year,
        total=challenge.reward,
        title=f"揭榜挂帅“{challenge.title}”奖励"[:200],
    )
    funding_service.reserve(
        session,
        actor,
        line,
        subject_type=FUNDING_SUBJECT,
        subject_id=winner.id,
        amount=challenge.reward,
        tranches=tranches,
        note=f"{winner.org.name}揭榜奖励",
    )


def award(session: Session, actor: Actor, challenge: Challenge, data: AwardIn) -> ChallengePanel:
    """Name the winner (or leave the challenge unawarded) and tell every applicant why; the
    challenge then takes no more applications."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise Conflict("请先组建评审专家组并完成评审")
    lock_row(panel)  # a second decision waits, then finds the first one made
    if not panel_flow.can(panel, "award"):
        panel_flow.apply(panel, "award")  # raises the 409 naming the current state
    apps = repository.applications(session, challenge.id, [A.SUBMITTED])
    winner = None
    if data.application_id is not None:
        winner = next((a for a in apps if a.id == data.application_id), None)
        if winner is None:
            raise InvalidInput(errors={"application_id": "请选择本榜单中已提交且参加评审的申请"})
    # The decision ends the call: 已揭榜 (on view, naming the winner), or closed (本榜空缺).
    listing_service.conclude_challenge(
        session, actor, challenge, winner=winner.org.name if winner else None, reason=data.reason
    )
    panel.winner_id = winner.id if winner else None
    panel.decision_reason = data.reason.strip()
    panel.decided_by_id = signed_in(actor.user).id
    panel.decided_at = utcnow()
    for application in apps:
        # Each application's outcome is part of the panel's decision, audited once below.
        application_flow.apply(application, "award" if application is winner else "decline")
    if winner is not None:
        panel.tranche_percents = list(data.tranches)
        amounts = split_reward(challenge.reward, data.tranches)
        for seq, (name, percent, amount) in enumerate(
            zip(MILESTONE_NAMES, data.tranches, amounts, strict=True), start=1
        ):
            session.add(
                ChallengeMilestone(
                    panel_id=panel.id, seq=seq, name=name, percent=percent, amount=amount
                )
            )
        session.flush()
        _fund(session, actor, challenge, winner, list(zip(MILESTONE_NAMES, amounts, strict=True)))
        panel.contract_id = _contract_for(session, actor, challenge, panel, winner)
    # Run last, once the contract exists: its event names it, and tells every applicant.
    panel_flow.run(
        session,
        actor,
        panel,
        "award" if winner else "no_award",
        summary=(
            f"“{challenge.title}”确定揭榜方：{winner.org.name}（{data.reason.strip()}）"
            if winner
            else f"“{challenge.title}”本榜空缺（{data.reason.strip()}）"
        ),
        winner_id=panel.winner_id,
        tranches=panel.tranche_percents,
        contract_id=panel.contract_id,
    )
    return panel


def _contract_for(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    panel: ChallengePanel,
    winner: ChallengeApplication,
) -> int:
    """The technical contract (技术开发, 委托方 = publisher, 受托方 = winner) the award becomes,
    with one payment milestone per stage; written by the trading domain's service."""
    rows = repository.milestones(session, panel.id)
    data = ContractCreate(
        title=f"揭榜挂帅：{challenge.title}"[:120],
        contract_type=ContractType.DEVELOPMENT,
        total_amount=challenge.reward,
        signed_on=today(),
        tech_field=tech_field_for(challenge.field_code) or DEFAULT_TECH_FIELD,
        summary=f"“{challenge.title}”揭榜挂帅评审确定{winner.org.name}为揭榜方，"
        f"奖励 {format_yuan(challenge.reward)} 按实施、中期检查、验收三个阶段验收后分期拨付。"
        f"评审决定理由：{panel.decision_reason}",
        parties=[
            PartyIn(role=PartyRole.CLIENT, org_id=challenge.org_id),
            PartyIn(role=PartyRole.CONTRACTOR, org_id=winner.org_id),
        ],
        milestones=[
            MilestoneIn(
                name=row.name,
                amount=row.amount,
                description=f"揭榜挂帅奖励第 {row.seq} 期（{row.percent}%），该阶段验收通过后拨付",
            )
            for row in rows
        ],
    )
    contract = trading_service.create_contract(session, actor, data)
    session.flush()
    by_position = {m.position: m.id for m in contract.milestones}
    for position, row in enumerate(rows):
        row.contract_milestone_id = by_position.get(position)
    return contract.id


def feedback(
    session: Session, challenge: Challenge, application: ChallengeApplication
) -> Feedback | None:
    """The applicant's result once the award is decided: scores per criterion, rank, reasons."""
    panel = panel_of(session, challenge)
    if (
        panel is None
        or panel.status not in DECIDED
        or application.status
        not in (
            A.AWARDED,
            A.NOT_AWARDED,
        )
    ):
        return None
    eligible = {m.expert_id for m in review_service.eligible(panel.members)}
    rows = [
        r
        for r in review_service.scores(session, REVIEW.subject_type, [application.id])
        if r.expert_id in eligible
    ]
    criteria = [(c["name"], int(c["weight"])) for c in challenge.criteria]
    items = []
    for i, (name, weight) in enumerate(criteria):
        values = [int(r.items[i]["score"]) for r in rows]
        mean = ranking.shown(ranking.Fraction(sum(values), len(values))) if values else Decimal(0)
        comments = [
            f"专家{n}（{int(r.items[i]['score'])} 分）：{r.items[i]['comment']}"
            for n, r in enumerate(rows, start=1)
        ]
        items.append(FeedbackItem(name=name, weight=weight, mean=mean, comments=comments))
    applicants = len(repository.applications(session, challenge.id, [A.AWARDED, A.NOT_AWARDED]))
    if application.status == A.AWARDED:
        outcome = "揭榜成功"
    elif panel.status == P.NO_AWARD:
        outcome = "本榜空缺，未确定揭榜方"
    else:
        outcome = "未中榜"
    return Feedback(
        rank=application.rank,
        applicants=applicants,
        mean_score=application.mean_score,
        rank_note=application.rank_note,
        criteria=items,
        outcome=outcome,
        decision_reason=panel.decision_reason,
    )
