"""What 揭榜挂帅 tells people: applications, scoring, results and the stages of the reward.

The kinds, then the workflow subscribers that send them, in the transaction of the change:
a submitted application tells the publisher, opening the panel invites its experts, the
decision tells every applicant and the publisher, each stage tells the decider or the winner.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.challenges import repository
from app.challenges.award import feedback
from app.challenges.flows import A, challenge_of, stage_parties
from app.core.money import format_yuan
from app.core.workflow import WorkflowEvent, on
from app.models import ChallengeMilestone, User
from app.notifications import service as notifications
from app.notifications.kinds import Kind, kind
from app.reviews import service as review_service

APPLICATION_SUBMITTED = kind(
    "challenge.application_submitted",
    "榜单收到揭榜申请",
    title="榜单“{challenge}”收到新的揭榜申请",
    body="{org} 提交了揭榜申请“{application}”。揭榜截止后由平台组织专家评审。",
    mail=False,
)
SCORING_OPEN = kind(
    "challenge.scoring_open",
    "邀请评审揭榜申请",
    title="请评审榜单“{challenge}”的揭榜申请",
    body="您已被邀请担任该榜单的评审专家，请按榜单评价指标逐项打分并填写评语。",
)
RESULT = kind(
    "challenge.result",
    "揭榜评审结果",
    title="榜单“{challenge}”评审结果：{outcome}",
    body="{details}\n各项评语见申请页面。",
)
REVIEW_DONE = kind(
    "challenge.reviewed",
    "榜单评审完成",
    title="榜单“{challenge}”评审完成",
    body="{decision}",
)
MILESTONE_SUBMITTED = kind(
    "challenge.milestone_submitted",
    "揭榜阶段待验收",
    title="“{challenge}”的“{milestone}”阶段待验收",
    body="{org} 提交了“{milestone}”阶段报告，请验收。",
)
MILESTONE_ACCEPTED = kind(
    "challenge.milestone_accepted",
    "揭榜阶段验收通过",
    title="榜单“{challenge}”：“{milestone}”阶段验收通过",
    body="第 {seq} 期奖励 {amount}（{percent}%）已拨付。",
)
MILESTONE_RETURNED = kind(
    "challenge.milestone_returned",
    "揭榜阶段验收未通过",
    title="榜单“{challenge}”：“{milestone}”阶段验收未通过",
    body="原因：{reason}。请补充后重新提交。",
)


# ---------------------------------------------------------------- who hears of each change


@on("challenge_application.submit")
def tell_publisher(session: Session, event: WorkflowEvent) -> None:
    application = event.obj
    challenge = challenge_of(application)
    owner = session.get(User, challenge.owner_id) if challenge is not None else None
    if challenge is not None and owner is not None:
        notifications.send(
            session,
            owner,
            APPLICATION_SUBMITTED,
            link=f"/challenges/{challenge.id}",
            challenge=challenge.title,
            org=application.org.name,
            application=application.title,
        )


@on("challenge_panel.open")
def invite_experts(session: Session, event: WorkflowEvent) -> None:
    panel = event.obj
    challenge = challenge_of(panel)
    assert challenge is not None
    for member in review_service.eligible(panel.members):
        notifications.send(
            session,
            member.expert,
            SCORING_OPEN,
            link=f"/challenges/{challenge.id}/scoring",
            challenge=challenge.title,
        )


@on("challenge_panel.award", "challenge_panel.no_award")
def tell_applicants(session: Session, event: WorkflowEvent) -> None:
    """Every applicant gets their result with its reasons; the publisher gets the decision."""
    panel = event.obj
    challenge = challenge_of(panel)
    assert challenge is not None
    apps = repository.applications(session, challenge.id, [A.AWARDED, A.NOT_AWARDED])
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
            RESULT,
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
            REVIEW_DONE,
            link=f"/challenges/{challenge.id}",
            challenge=challenge.title,
            decision=(
                f"揭榜方：{winner.org.name}。奖励 {format_yuan(challenge.reward)} "
                "按实施、中期检查、验收三个阶段验收后分期拨付。"
                if winner
                else f"本榜空缺。理由：{panel.decision_reason}"
            ),
        )


@on("challenge_milestone.submit")
def ask_acceptance(session: Session, event: WorkflowEvent) -> None:
    row = event.obj
    panel, challenge, winner = stage_parties(row)
    decider = session.get(User, panel.decided_by_id) if panel.decided_by_id else None
    if challenge is not None and winner is not None and decider is not None:
        notifications.send(
            session,
            decider,
            MILESTONE_SUBMITTED,
            link=f"/challenges/{challenge.id}/review",
            challenge=challenge.title,
            milestone=row.name,
            org=winner.org.name,
        )


@on("challenge_milestone.accept")
def tell_accepted(session: Session, event: WorkflowEvent) -> None:
    row = event.obj
    _tell_winner(
        session,
        row,
        MILESTONE_ACCEPTED,
        milestone=row.name,
        seq=row.seq,
        amount=format_yuan(row.amount),
        percent=row.percent,
    )


@on("challenge_milestone.return")
def tell_returned(session: Session, event: WorkflowEvent) -> None:
    row = event.obj
    _tell_winner(session, row, MILESTONE_RETURNED, milestone=row.name, reason=row.return_reason)


def _tell_winner(session: Session, row: ChallengeMilestone, kind: Kind, **fields: Any) -> None:
    _panel, challenge, winner = stage_parties(row)
    recipient = session.get(User, winner.created_by_id) if winner is not None else None
    if challenge is not None and winner is not None and recipient is not None:
        notifications.send(
            session,
            recipient,
            kind,
            link=f"/challenges/{challenge.id}/applications/{winner.id}",
            challenge=challenge.title,
            **fields,
        )
