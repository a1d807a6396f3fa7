"""The states of an application (办件), its gapless 流水号 and the moves staff make."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.clock import local, today
from app.core.db import next_counter_value, utcnow
from app.core.errors import Conflict
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.models import ServiceCase, ServiceCaseStep, ServiceCounter, User
from app.models.enums import CaseStatus as C
from app.notifications import service as notifications
from app.services import guide, notices

CASE_FLOW: Workflow[C] = Workflow(
    "办件",
    "status",
    [
        Transition("submit", "提交申请", frozenset({C.DRAFT, C.CORRECTION}), C.SUBMITTED),
        Transition("review", "开始形式审查", frozenset({C.SUBMITTED}), C.FORMAL_REVIEW),
        Transition("accept", "受理", frozenset({C.FORMAL_REVIEW}), C.ACCEPTED),
        Transition("not_accept", "不予受理", frozenset({C.FORMAL_REVIEW}), C.NOT_ACCEPTED),
        Transition("correct", "要求补正材料", frozenset({C.FORMAL_REVIEW}), C.CORRECTION),
        Transition("process", "开始办理", frozenset({C.ACCEPTED}), C.PROCESSING),
        Transition("grant", "办结（准予）", frozenset({C.PROCESSING}), C.GRANTED),
        Transition("refuse", "办结（不予）", frozenset({C.PROCESSING}), C.REFUSED),
    ],
    type="service_case",  # events and audit "service_case.submit", "service_case.grant", …
)

#: the moves of staff, which need a reason the applicant reads
NEEDS_REASON = {"not_accept", "correct", "refuse"}
STAFF_ACTIONS = ["review", "accept", "not_accept", "correct", "process", "grant", "refuse"]
FINISHED = {C.NOT_ACCEPTED, C.GRANTED, C.REFUSED}


def check(case: ServiceCase, action: str) -> None:
    """Refuse (409, naming the current state) a move the case's state does not allow; for
    work done under the case's lock before the move itself (``move``) runs."""
    if not CASE_FLOW.can(case, action):
        raise Conflict(f"办件当前状态为“{case.status.label}”，不能执行“{CASE_FLOW.label(action)}”")


def next_serial(session: Session, year: int) -> str:
    """``KC2026000001``: the year's next number, counted in this transaction (no gaps)."""
    return f"KC{year}{next_counter_value(session, ServiceCounter, year=year):06d}"


def move(
    session: Session, actor: Actor, case: ServiceCase, action: str, note: str = ""
) -> ServiceCaseStep:
    """One call of ``CASE_FLOW.run`` (lock, re-check, audit, event, the applicant told), then
    the step with the next step's due date."""
    now = utcnow()
    if action == "submit" and case.serial_no is None:
        # Drawn in this transaction: a refused submission rolls the counter back with it.
        case.serial_no = next_serial(session, local(now).year)

    def summary(_before: C, _after: C) -> str:
        return f"{case.serial_no or '草稿'} {case.item.title}：{CASE_FLOW.label(action)}" + (
            f"（{note}）" if note else ""
        )

    event = CASE_FLOW.run(session, actor, case, action, note=note, summary=summary)
    after = event.after
    if action == "submit":
        case.submitted_at = now
    if after in FINISHED:
        case.finished_at = now
    if note:
        case.reason = note
    waiting = guide.step_for(case.item, after)
    step = ServiceCaseStep(
        case_id=case.id,
        action=action,
        label=CASE_FLOW.label(action),
        status=after,
        department=waiting["department"] if waiting else "",
        actor_id=actor.user_id,
        at=now,
        due_on=today() + timedelta(days=int(waiting["days"])) if waiting else None,
        note=note,
    )
    session.add(step)
    session.flush()
    return step


@on(*(f"service_case.{a}" for a in STAFF_ACTIONS))
def tell_applicant(session: Session, event: WorkflowEvent[C]) -> None:
    """Every staff move is told to the applicant, in the transaction of the move."""
    case = event.obj
    applicant = session.get(User, case.applicant_id)
    if applicant is None:
        return
    notifications.send(
        session,
        applicant,
        notices.MOVED,
        link=f"/services/cases/{case.id}",
        serial_no=case.serial_no,
        title=case.item.title,
        status=event.after.label,
        note=event.note or f"当前状态：{event.after.label}",
    )
