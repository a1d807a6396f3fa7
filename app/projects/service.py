"""项目管理's entry point: routes, the demo and other domains call these.

The rules live in one module per use case — ``calls`` (申报指南), ``applications`` (drafts,
单位审核, submission), ``review`` (形式审查, the blind expert review, ranking) and
``decisions`` (approval with the money, 立项公示, task book, mid-term, 验收, 结项); this module
adds what pages and the API show: lists, an application as its reader may see it, the
actions open to them and the progress view.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.core.errors import NotAuthenticated
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.models import ProjectApplication, ProjectCall, User
from app.models.enums import ProjectStatus
from app.projects import applications, calls, decisions, forms, objections, repository, review
from app.projects.flows import REVIEW, STAGES, get_call, may_manage, project_flow
from app.reviews import service as review_service

__all__ = ["applications", "calls", "decisions", "forms", "get_call", "objections", "review"]

#: who acts on which transition, for "what can I do now"
_BY_APPLICANT = {"submit", "report_midterm", "request_acceptance"}
_BY_UNIT = {"unit_approve", "unit_return"}
#: taken only by answering an objection with 撤销立项 (``objections.answer``)
_BY_OBJECTION = {"revoke"}


def actions(user: User | None, application: ProjectApplication) -> list[str]:
    """The transitions ``user`` may take on the application now (state and permission)."""
    if user is None:
        return []
    out = [
        t.action
        for t in project_flow.allowed(application)
        if t.action not in _BY_OBJECTION and project_flow.permitted(user, application, t.action)
    ]
    if application.status in (ProjectStatus.DRAFT, ProjectStatus.UNIT_RETURNED) and can(
        user, Action.PROJECT_EDIT, application
    ):
        out.insert(0, "edit")
    return out


def staff(user: User | None) -> bool:
    return may_manage(user)


def call_view(session: Session, call: ProjectCall) -> dict[str, Any]:
    programme = calls.programme_of(call)
    return {
        **{c: getattr(call, c) for c in _CALL_COLUMNS},
        "programme_name": programme.name,
        "item_no": programme.item_no,
        "clause_url": calls.clause_url(session, call),
        "committed": calls.committed(session, call),
        "status_label": call.status.label,
        "guide_url": calls.guide_url(session, call),
    }


_CALL_COLUMNS = [
    "id",
    "programme",
    "title",
    "year",
    "summary",
    "eligibility",
    "org_types",
    "required_tags",
    "opens_on",
    "closes_on",
    "budget",
    "max_amount",
    "criteria",
    "form",
    "tranche_percents",
    "status",
    "content_id",
]


def application_view(
    session: Session, user: User | None, application: ProjectApplication, position: int = 0
) -> dict[str, Any]:
    """The application as ``user`` may see it: an expert of a blind review sees no applicant."""
    seen_by_org = staff(user) or can(user, Action.PROJECT_VIEW, application)
    name = application.org.name
    if not seen_by_org:
        name = review_service.shown_name(REVIEW, name, position or application.id, staff=False)
    return {
        "id": application.id,
        "call_id": application.call_id,
        "org_id": application.org_id if seen_by_org else None,
        "org_name": name,
        "number": application.number,
        "status": application.status.value,
        "status_label": application.status.label,
        "title": application.title,
        "summary": application.summary,
        "requested_amount": application.requested_amount,
        "answers": application.answers,
        "contact_name": application.contact_name if seen_by_org else "",
        "contact_phone": application.contact_phone if seen_by_org else "",
        "version": application.version,
        "submitted_at": application.submitted_at,
        "mean_score": application.mean_score if seen_by_org else None,
        "rank": application.rank if seen_by_org else None,
        "rank_note": application.rank_note if seen_by_org else "",
        "approved_amount": application.approved_amount,
        "publicity_ends_on": application.publicity_ends_on,
        "task_goals": application.task_goals,
        "actions": actions(user, application),
    }


def mine(session: Session, user: User | None, pagination: Pagination) -> Paged:
    """The applications of the user's organisation, newest first."""
    if user is None:
        raise NotAuthenticated("请先登录后再进行此操作")
    if user.active_org_id is None:
        return Paged(items=[], total=0, page=pagination.page, size=pagination.size)
    return paginate(session, repository.applications_stmt(org_id=user.active_org_id), pagination)


def unit_queue(session: Session, user: User | None, pagination: Pagination) -> Paged:
    """Applications waiting for the unit's check (the organisation's administrator)."""
    if user is None:
        raise NotAuthenticated("请先登录后再进行此操作")
    if not user.is_org_admin:
        return Paged(items=[], total=0, page=pagination.page, size=pagination.size)
    stmt = repository.applications_stmt(
        org_id=user.active_org_id, statuses=[ProjectStatus.UNIT_REVIEW]
    )
    return paginate(session, stmt, pagination)


def of_call(
    session: Session,
    user: User | None,
    call: ProjectCall,
    pagination: Pagination,
    *,
    status: ProjectStatus | None = None,
) -> Paged:
    """A call's applications: staff see all that were sent in; others only their own."""
    if staff(user):
        stmt = repository.applications_stmt(
            call_id=call.id, statuses=[status] if status else None, exclude_drafts=True
        )
    elif user is not None and user.active_org_id is not None:
        stmt = repository.applications_stmt(call_id=call.id, org_id=user.active_org_id)
    else:
        return Paged(items=[], total=0, page=pagination.page, size=pagination.size)
    return paginate(session, stmt, pagination)


def progress(session: Session, application: ProjectApplication) -> dict[str, Any]:
    """Where the project is: the stages (done / current / to do), every step, the milestones."""
    current = next((i for i, (_n, states) in enumerate(STAGES) if application.status in states), 0)
    stages = [
        {"name": name, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, (name, _states) in enumerate(STAGES)
    ]
    steps = [
        {
            "action": step.action,
            "label": step.label,
            "status": step.status.value,
            "status_label": step.status.label,
            "at": step.at,
            "actor": actor.name if actor is not None else "",
            "note": step.note,
        }
        for step, actor in repository.steps(session, application.id)
    ]
    milestones = [
        {
            "seq": m.seq,
            "name": m.name,
            "due_on": m.due_on,
            "percent": m.percent,
            "amount": m.amount,
            "status": m.status.value,
            "status_label": m.status.label,
            "report": m.report,
            "note": m.note,
        }
        for m in repository.milestones(session, application.id)
    ]
    return {"stages": stages, "steps": steps, "milestones": milestones}


def publicity_view(session: Session, user: User | None, call: ProjectCall) -> dict[str, Any]:
    """The public 立项公示 of a call: each project, whether an objection may be filed now,
    and for the bureau how many objections wait for an answer."""
    rows = decisions.publicity(session, call)
    manage = staff(user)
    return {
        "rows": [
            {
                "application": a,
                "objectable": user is not None and objections.publicity_open(a),
                "open_objections": objections.open_count(session, a.id) if manage else 0,
            }
            for a in rows
        ],
        "staff": manage,
    }


def objections_of(
    session: Session, user: User | None, application: ProjectApplication
) -> list[dict[str, Any]]:
    """The objections to the project and their answers, for its applicant and the staff
    (an expert of the blind review sees none: the reasons may name the applicant)."""
    if not (staff(user) or can(user, Action.PROJECT_VIEW, application)):
        return []
    rows = objections.of_application(session, application.id)
    for row in rows:
        set_committed_value(row, "application", application)  # loaded already, no query
    return [objections.view(row) for row in rows]


def mapped(paged: Paged, fn: Any) -> Paged:
    """The page with each item shown through ``fn``."""
    return Paged(
        items=[fn(item) for item in paged.items],
        total=paged.total,
        page=paged.page,
        size=paged.size,
    )


def members_view(session: Session, actor: Any, call: ProjectCall) -> list[dict[str, Any]]:
    """The panel with excluded experts and each reason (staff)."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    return [
        {
            "expert_id": m.expert_id,
            "name": m.expert.name,
            "status": m.status.value,
            "status_label": m.status.label,
            "conflicts": m.conflicts,
        }
        for m in repository.members(session, call.id)
    ]


def page_of(items: list[Any], pagination: Pagination) -> Paged:
    """A list already in memory (a panel, a ranking) cut as any other page."""
    start = pagination.offset
    return Paged(
        items=items[start : start + pagination.size],
        total=len(items),
        page=pagination.page,
        size=pagination.size,
    )


#: transitions that take nothing but a note (a reason where one is required)
NEEDS_REASON = frozenset({"unit_return", "formal_fail", "decline", "return_midterm"})
NOTE_ACTIONS = (
    "submit",
    "unit_approve",
    "unit_return",
    "formal_pass",
    "formal_fail",
    "decline",
    "accept_midterm",
    "return_midterm",
    "accept",
    "rectify",
    "fail",
    "close",
)


def act(
    session: Session, actor: Any, application: ProjectApplication, action: str, note: str = ""
) -> ProjectApplication:
    """One of ``NOTE_ACTIONS`` on the application, with its note."""
    from app.core.errors import InvalidInput

    note = note.strip()
    if action in NOTE_ACTIONS:  # who may take it, before what the request lacks
        project_flow.check(actor.user, application, action)
    if action in NEEDS_REASON and not note:
        raise InvalidInput(errors={"note": "请写明理由"})
    match action:
        case "submit":
            return applications.submit(session, actor, application)
        case "unit_approve":
            return applications.unit_approve(session, actor, application, note)
        case "unit_return":
            return applications.unit_return(session, actor, application, note)
        case "formal_pass":
            return review.formal_pass(session, actor, application, note)
        case "formal_fail":
            return review.formal_fail(session, actor, application, note)
        case "decline":
            return decisions.decline(session, actor, application, note)
        case "accept_midterm" | "return_midterm":
            return decisions.decide_midterm(
                session, actor, application, action == "accept_midterm", note
            )
        case "accept" | "rectify" | "fail":
            return decisions.decide_acceptance(session, actor, application, action, note)
        case "close":
            return decisions.close(session, actor, application, note)
    raise InvalidInput(errors={"action": "不支持的操作"})


ACTION_LABELS = {
    "edit": "保存申报书",
    **{t: project_flow.label(t) for t in NOTE_ACTIONS},
    "approve": project_flow.label("approve"),
    "establish": project_flow.label("establish"),
    "report_midterm": project_flow.label("report_midterm"),
    "request_acceptance": project_flow.label("request_acceptance"),
}


def refuse(errors: dict[str, str]) -> None:
    """A page form that did not parse: refused as the API would refuse it."""
    from app.core.errors import InvalidInput

    raise InvalidInput(errors=errors)


def desk(session: Session, user: User | None, call: ProjectCall) -> dict[str, Any]:
    """What the bureau's desk on a call page shows: the panel, who may sit on it, every
    application sent in with its rank, the scoring progress and the budget line."""
    from app.core.audit import Actor

    actor = Actor(user=user)
    members = members_view(session, actor, call)
    seated = {m["expert_id"] for m in members}
    rows = repository.sent_in(session, call.id)
    rows.sort(key=lambda a: (a.rank is None, a.rank or 0, a.id))
    return {
        "members": members,
        "experts": [(e, e.id in seated) for e in review_service.experts(session)],
        "applications": [(a, actions(user, a)) for a in rows],
        "progress": review.progress(session, call) if call.status == "scoring" else [],
        "line": calls.line(session, call),
    }
