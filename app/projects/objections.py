"""异议 during the 立项公示: filed by anyone signed in while the publicity is open, answered by
the bureau one by one (维持立项 / 撤销立项, with reasons).

An objection is its own record with its own workflow (``objection_flow``: open → 维持立项 /
撤销立项). Filing locks the project's row and re-checks that its publicity is still open, so
an objection is never recorded after the task book was issued. Answering runs the objection's
transition (lock, re-check: of two staff answering at once the second gets 409); 撤销立项
also takes the project's ``revoke`` transition, which cancels its reservation on the call's
budget line through ``app.funding``. ``decisions.establish`` refuses the task book while an
objection is unanswered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.core import audit
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, signed_in
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.funding import service as funding_service
from app.models import ProjectApplication, ProjectObjection, User
from app.models.enums import ObjectionStatus as O
from app.notifications import service as notifications
from app.projects import notices
from app.projects.applications import move, url
from app.projects.flows import FUNDING_SUBJECT, P

objection_flow: Workflow[O] = Workflow(
    "该异议",
    "status",
    [
        Transition("uphold", "维持立项", frozenset({O.OPEN}), O.UPHELD, Action.PROJECT_MANAGE),
        Transition("revoke", "撤销立项", frozenset({O.OPEN}), O.REVOKED, Action.PROJECT_MANAGE),
    ],
    type="project_objection",
    summary=lambda o: f"异议 #{o.id}",
)
DECISIONS = {"uphold": "维持立项", "revoke": "撤销立项"}
#: the projects the 立项公示 page shows (an objection to any other is a 404)
PUBLIC = frozenset({P.PUBLICIZED, P.REVOKED, P.IN_PROGRESS})


def publicity_open(application: ProjectApplication) -> bool:
    ends = application.publicity_ends_on
    return application.status == P.PUBLICIZED and ends is not None and today() <= ends


def open_count(session: Session, application_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(ProjectObjection.id)).where(
                ProjectObjection.application_id == application_id,
                ProjectObjection.status == O.OPEN,
            )
        )
        or 0
    )


def file(session: Session, actor: Actor, application_id: int, reasons: str) -> ProjectObjection:
    """Anyone signed in objects to a project in its 立项公示, with reasons (409 once closed).

    The project is found among those the public 立项公示 lists, not through the applicant's
    view of it: an objector need not be able to read the application."""
    user = signed_in(actor.user)
    application = session.get(ProjectApplication, application_id)
    if application is None or application.status not in PUBLIC:
        raise NotFound("该项目不在立项公示名单中")
    text = reasons.strip()
    if len(text) < 10:
        raise InvalidInput(errors={"reasons": "请写明异议的事实和理由（不少于 10 个字）"})
    lock_row(application)  # the publicity is re-checked under the lock the task book takes
    if not publicity_open(application):
        raise Conflict("该项目不在立项公示期内，不能再提出异议")
    objection = ProjectObjection(application=application, filed_by_id=user.id, reasons=text)
    session.add(objection)
    session.flush()
    audit.record(
        session,
        actor,
        "project_objection.file",
        objection,
        summary=f"对“{application.title}”提出异议",
        after={"application_id": application.id, "reasons": text},
    )
    author = session.get(User, application.created_by_id)
    if author is not None and author.id != user.id:
        notifications.send(
            session,
            author,
            notices.OBJECTION_FILED,
            link=url(application),
            title=application.title,
            ends=f"{application.publicity_ends_on:%Y年%m月%d日}",
        )
    return objection


def get(session: Session, objection_id: int) -> ProjectObjection:
    found = session.scalars(
        select(ProjectObjection)
        .options(joinedload(ProjectObjection.application))
        .where(ProjectObjection.id == objection_id)
    ).one_or_none()
    if found is None:
        raise NotFound("没有这条异议")
    return found


def answer(
    session: Session, actor: Actor, objection_id: int, decision: str, reasons: str
) -> ProjectObjection:
    """维持立项 or 撤销立项 with reasons; 撤销 also revokes the project and frees its money."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    if decision not in DECISIONS:
        raise InvalidInput(errors={"decision": "答复应为 uphold（维持立项）或 revoke（撤销立项）"})
    text = reasons.strip()
    if not text:
        raise InvalidInput(errors={"reasons": f"“{DECISIONS[decision]}”须说明理由"})
    objection = get(session, objection_id)
    application = objection.application
    # The project first, then its objections: two answers to objections of one project wait
    # for each other in one order, whatever they answer.
    lock_row(application)
    _close(session, actor, objection, decision, text)
    if decision == "revoke":
        move(session, actor, application, "revoke", text)
        reservation = funding_service.reservation_of(session, FUNDING_SUBJECT, application.id)
        if reservation is not None:
            funding_service.cancel(session, actor, reservation, note=f"撤销立项：{text}")
        # The project is gone: its other open objections are answered by the same decision.
        for other in of_application(session, application.id):
            if other.id != objection.id and other.status == O.OPEN:
                _close(session, actor, other, "revoke", f"已因其他异议撤销立项：{text}")
    session.flush()
    return objection


def _close(
    session: Session, actor: Actor, objection: ProjectObjection, decision: str, text: str
) -> None:
    objection_flow.run(session, actor, objection, decision, note=text)
    objection.answer, objection.answered_by_id = text, actor.user_id
    objection.answered_at = utcnow()


@on("project_objection.uphold", "project_objection.revoke")
def _tell_objector(session: Session, event: WorkflowEvent[Any]) -> None:
    objection: ProjectObjection = event.obj
    objector = session.get(User, objection.filed_by_id)
    if objector is None:
        return
    application = session.get(ProjectApplication, objection.application_id)
    notifications.send(
        session,
        objector,
        notices.OBJECTION_ANSWERED,
        link=f"/projects/calls/{application.call_id}/publicity" if application else "/projects",
        title=application.title if application else "",
        decision=event.after.label,
        reasons=event.note,
    )


def page(
    session: Session, user: User | None, pagination: Pagination, *, status: O | None = O.OPEN
) -> Paged:
    """The objections for the bureau, oldest first (the open ones by default)."""
    authorize(user, Action.PROJECT_MANAGE)
    stmt = select(ProjectObjection).options(
        joinedload(ProjectObjection.application).joinedload(ProjectApplication.org)
    )
    if status is not None:
        stmt = stmt.where(ProjectObjection.status == status)
    return paginate(session, stmt.order_by(ProjectObjection.id), pagination)


def of_application(session: Session, application_id: int) -> list[ProjectObjection]:
    return list(
        session.scalars(
            select(ProjectObjection)
            .where(ProjectObjection.application_id == application_id)
            .order_by(ProjectObjection.id)
        )
    )


def view(objection: ProjectObjection) -> dict[str, Any]:
    """An objection as the API and the pages show it (the objector's name is not shown)."""
    return {
        "id": objection.id,
        "application_id": objection.application_id,
        "project_title": objection.application.title,
        "status": objection.status.value,
        "status_label": objection.status.label,
        "reasons": objection.reasons,
        "answer": objection.answer,
        "filed_at": objection.created_at,
        "answered_at": objection.answered_at,
    }
