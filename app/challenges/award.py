"""揭榜挂帅 award: naming the winner (or nobody), the reward's funding, the contract the
award becomes, and the feedback every applicant receives.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.challenges import notices, repository
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
    signed_in,
)
from app.challenges.schemas import (
    MILESTONE_NAMES,
    AwardIn,
    Feedback,
    FeedbackItem,
)
from app.core import audit
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.money import format_yuan
from app.core.permissions import Action, authorize
from app.funding import service as funding_service
from app.listings import service as listing_service
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    User,
)
from app.models.enums import (
    ContractType,
    PartyRole,
)
from app.notifications import service as notifications
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
    before, after = panel_flow.apply(panel, "award" if winner else "no_award")
    # The decision ends the call: 已揭榜 (on view, naming the winner), or closed (本榜空缺).
    listing_service.conclude_challenge(
        session, actor, challenge, winner=winner.org.name if winner else None, reason=data.reason
    )
    panel.winner_id = winner.id if winner else None
    panel.decision_reason = data.reason.strip()
    panel.decided_by_id = signed_in(actor).id
    panel.decided_at = utcnow()
    for application in apps:
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
    audit.record(
        session,
        actor,
        "challenge_panel.award" if winner else "challenge_panel.no_award",
        panel,
        summary=(
            f"“{challenge.title}”确定揭榜方：{winner.org.name}（{data.reason.strip()}）"
            if winner
            else f"“{challenge.title}”本榜空缺（{data.reason.strip()}）"
        ),
        before={"status": before.value},
        after={
            "status": after.value,
            "winner_id": panel.winner_id,
            "tranches": panel.tranche_percents,
            "contract_id": panel.contract_id,
        },
    )
    _send_feedback(session, challenge, panel, apps)
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


def _send_feedback(
    session: Session,
    challenge: Challenge,
    panel: ChallengePanel,
    apps: list[ChallengeApplication],
) -> None:
    for application in apps:
        result = feedback(session, challenge, application)
        assert result is not None
        lines = [
            f"结果：{result.outcome}",
            f"排名：第 {result.rank} 名（共 {result.applicants} 个申请）"
            if result.rank
            else "排名：无",
            f"平均分：{result.mean_score} 分",
            *(f"· {c.name}（权重 {c.weight}%）：平均 {c.mean} 分" for c in result.criteria),
            f"排名说明：{result.rank_note}",
            f"评审决定理由：{result.decision_reason}",
        ]
        recipient = session.get(User, application.created_by_id)
        if recipient is None:
            continue
        notifications.send(
            session,
            recipient,
            notices.RESULT,
            link=f"/challenges/{challenge.id}/applications/{application.id}",
            challenge=challenge.title,
            outcome=result.outcome,
            details="\n".join(lines),
        )
    owner = session.get(User, challenge.owner_id)
    winner = next((a for a in apps if a.id == panel.winner_id), None)
    if owner is not None:
        notifications.send(
            session,
            owner,
            notices.REVIEW_DONE,
            link=f"/challenges/{challenge.id}",
            challenge=challenge.title,
            decision=(
                f"揭榜方：{winner.org.name}。奖励 {format_yuan(challenge.reward)} "
                "按实施、中期检查、验收三个阶段验收后分期拨付。"
                if winner
                else f"本榜空缺。理由：{panel.decision_reason}"
            ),
        )
