"""From the ranking to the closing: approval with the amount, 立项公示, the task book, the
mid-term check, 验收 and 结项 — the money moving on the call's budget line each time.

Approval reserves the amount on the line (``funding_service.reserve`` locks the line, so
approvals at the same time are checked one after the other and the line is never
over-committed) in three tranches; issuing the task book releases and pays the first, an
accepted mid-term check the second, 验收通过 the third; 验收不通过 gives back what was not
released.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.money import exact_yuan
from app.core.permissions import Action, authorize
from app.funding import service as funding_service
from app.models import FundingReservation, ProjectApplication, ProjectCall, ProjectMilestone
from app.projects import calls, objections, repository
from app.projects.applications import move
from app.projects.flows import FUNDING_SUBJECT, MILESTONES, PUBLICITY_DAYS, C, M, P
from app.projects.schemas import EstablishIn


def _reservation(session: Session, application: ProjectApplication) -> FundingReservation:
    found = funding_service.reservation_of(session, FUNDING_SUBJECT, application.id)
    if found is None:
        raise Conflict("该项目没有经费占用记录")
    return found


def approve(
    session: Session, actor: Actor, application: ProjectApplication, amount: Decimal, note: str = ""
) -> ProjectApplication:
    """批准立项 with the amount, reserved on the call's line in its tranches."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    call = application.call
    if call.status != C.RANKED:
        raise Conflict("专家评审结束并排名后才能批准立项")
    if amount <= 0:
        raise InvalidInput(errors={"amount": "核定金额应大于 0"})
    if amount > call.max_amount:
        raise InvalidInput(
            errors={"amount": f"不能超过本指南单个项目最高资助{exact_yuan(call.max_amount)}"}
        )
    if application.requested_amount is not None and amount > application.requested_amount:
        raise InvalidInput(
            errors={"amount": f"不能超过申请金额{exact_yuan(application.requested_amount)}"}
        )
    line = calls.line(session, call)
    if line is None:
        raise Conflict("该申报指南没有经费预算")
    # The state first (the row lock makes a second click wait and then find 拟立项), then the
    # money: the line's lock orders concurrent approvals of different applications.
    move(session, actor, application, "approve", note, amount=amount)
    parts = funding_service.split(amount, call.tranche_percents)
    funding_service.reserve(
        session,
        actor,
        line,
        subject_type=FUNDING_SUBJECT,
        subject_id=application.id,
        amount=amount,
        tranches=list(zip(MILESTONES, parts, strict=True)),
        refused=f"“{call.title}”经费余额不足",
        summary=f"“{application.title}”批准立项，占用{exact_yuan(amount)}",
    )
    application.approved_amount = amount
    session.flush()
    return application


def decline(
    session: Session, actor: Actor, application: ProjectApplication, note: str
) -> ProjectApplication:
    authorize(actor.user, Action.PROJECT_MANAGE)
    if application.call.status != C.RANKED:
        raise Conflict("专家评审结束并排名后才能作出立项决定")
    move(session, actor, application, "decline", note)
    return application


def publicize(session: Session, actor: Actor, call: ProjectCall) -> list[ProjectApplication]:
    """立项公示: every approved application of the call, for ``PUBLICITY_DAYS`` days."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    approved = repository.applications(session, call.id, [P.APPROVED])
    if not approved:
        raise Conflict("没有拟立项的项目可以公示")
    ends = today() + timedelta(days=PUBLICITY_DAYS)
    for application in approved:
        move(session, actor, application, "publicize", f"公示期至 {ends:%Y年%m月%d日}")
        application.publicity_ends_on = ends
    session.flush()
    return approved


PUBLICIZED_OR_LATER = (
    P.PUBLICIZED,
    P.REVOKED,
    P.IN_PROGRESS,
    P.MIDTERM_REVIEW,
    P.ACCEPTANCE,
    P.RECTIFYING,
    P.ACCEPTED,
    P.FAILED,
    P.CLOSED,
)


def publicity(session: Session, call: ProjectCall) -> list[ProjectApplication]:
    """What the public 立项公示 lists: projects in or past their publicity, by rank."""
    rows = repository.applications(
        session,
        call.id,
        PUBLICIZED_OR_LATER,
    )
    return sorted(rows, key=lambda a: (a.rank or 0, a.id))


def establish(
    session: Session, actor: Actor, application: ProjectApplication, data: EstablishIn
) -> ProjectApplication:
    """下达任务书 after the publicity: goals, milestones and the first tranche paid."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    ends = application.publicity_ends_on
    if ends is not None and today() <= ends:
        raise Conflict(f"立项公示期至 {ends:%Y年%m月%d日}，公示期满后才能下达任务书")
    lock_row(application)  # an objection filed meanwhile is counted
    if waiting := objections.open_count(session, application.id):
        raise Conflict(f"该项目有 {waiting} 条异议尚未答复，答复后才能下达任务书")
    start = today()
    if not start < data.midterm_due < data.final_due:
        raise InvalidInput(errors={"final_due": "应满足：今天 < 中期检查日期 < 验收日期"})
    move(session, actor, application, "establish")
    reservation = _reservation(session, application)
    application.task_goals = data.task_goals.strip()
    application.established_at = utcnow()
    due = [start, data.midterm_due, data.final_due]
    for tranche, percent, due_on in zip(
        reservation.tranches, application.call.tranche_percents, due, strict=True
    ):
        session.add(
            ProjectMilestone(
                application_id=application.id,
                seq=tranche.seq,
                name=tranche.name,
                due_on=due_on,
                percent=percent,
                amount=tranche.amount,
                status=M.ACCEPTED if tranche.seq == 1 else M.PENDING,
                decided_at=utcnow() if tranche.seq == 1 else None,
            )
        )
    _pay(session, actor, reservation, 1)
    session.flush()
    return application


def _pay(session: Session, actor: Actor, reservation: FundingReservation, seq: int) -> None:
    tranche = next(t for t in reservation.tranches if t.seq == seq)
    if tranche.amount > 0:
        funding_service.release(session, actor, reservation, seq)
        funding_service.pay(session, actor, reservation, note=f"拨付第 {seq} 期“{tranche.name}”")


def _milestone(session: Session, application: ProjectApplication, seq: int) -> ProjectMilestone:
    found = next((m for m in repository.milestones(session, application.id) if m.seq == seq), None)
    if found is None:
        raise Conflict("该项目尚未下达任务书")
    return found


def report_midterm(
    session: Session, actor: Actor, application: ProjectApplication, report: str
) -> ProjectApplication:
    authorize(actor.user, Action.PROJECT_EDIT, application)  # who asks, before the state
    milestone = _milestone(session, application, 2)
    if milestone.status == M.ACCEPTED:
        raise Conflict("中期检查已通过，请在项目完成后申请验收")
    move(session, actor, application, "report_midterm")
    milestone.status, milestone.report, milestone.submitted_at = M.SUBMITTED, report, utcnow()
    return application


def decide_midterm(
    session: Session, actor: Actor, application: ProjectApplication, passed: bool, note: str
) -> ProjectApplication:
    """中期检查: passing pays the second tranche; a return asks for the report again."""
    move(session, actor, application, "accept_midterm" if passed else "return_midterm", note)
    milestone = _milestone(session, application, 2)
    milestone.status = M.ACCEPTED if passed else M.RETURNED
    milestone.note, milestone.decided_at = note, utcnow()
    if passed:
        _pay(session, actor, _reservation(session, application), 2)
    return application


def request_acceptance(
    session: Session, actor: Actor, application: ProjectApplication, report: str
) -> ProjectApplication:
    """申请验收 with the final report, once the mid-term check has passed."""
    authorize(actor.user, Action.PROJECT_EDIT, application)  # who asks, before the state
    if _milestone(session, application, 2).status != M.ACCEPTED:
        raise Conflict("中期检查通过后才能申请验收")
    move(session, actor, application, "request_acceptance")
    final = _milestone(session, application, 3)
    final.status, final.report, final.submitted_at = M.SUBMITTED, report, utcnow()
    return application


def decide_acceptance(
    session: Session, actor: Actor, application: ProjectApplication, outcome: str, note: str
) -> ProjectApplication:
    """验收: ``accept`` pays the last tranche, ``rectify`` asks for changes, ``fail`` gives
    back what was not released."""
    if outcome not in ("accept", "rectify", "fail"):
        raise InvalidInput(
            errors={"outcome": "验收结论应为 accept（通过）、rectify（整改）或 fail（不通过）"}
        )
    if outcome != "accept" and not note.strip():
        raise InvalidInput(errors={"note": "请写明整改要求或不通过的理由"})
    move(session, actor, application, outcome, note)
    final = _milestone(session, application, 3)
    final.note, final.decided_at = note, utcnow()
    reservation = _reservation(session, application)
    if outcome == "accept":
        final.status = M.ACCEPTED
        _pay(session, actor, reservation, 3)
    elif outcome == "rectify":
        final.status = M.RETURNED
    else:
        final.status = M.RETURNED
        funding_service.cancel(session, actor, reservation, note=f"验收不通过：{note}")
    return application


def close(
    session: Session, actor: Actor, application: ProjectApplication, note: str = ""
) -> ProjectApplication:
    """结项: the file is closed; nothing more moves on it."""
    move(session, actor, application, "close", note)
    application.closed_at = utcnow()
    return application
