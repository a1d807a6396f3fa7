"""Applications: the draft and its form, attachments, the unit's check and submission.

Every move of an application goes through ``move`` (``project_flow.run``: permission, lock,
state re-checked, audit, one outbox event); the subscriber below writes the step the progress
view shows and tells the applicant, in the transaction of the change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core import attachments, audit, versioning
from app.core.audit import Actor
from app.core.db import lock_row, next_counter_value, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.permissions import Action, authorize, signed_in
from app.core.workflow import WorkflowEvent, on
from app.models import (
    Attachment,
    ProjectApplication,
    ProjectCall,
    ProjectCounter,
    ProjectStep,
    User,
)
from app.notifications import service as notifications
from app.projects import calls, forms, notices, repository
from app.projects.flows import (
    ATTACHMENT_OWNER,
    EDITABLE,
    PROJECT_TOPICS,
    P,
    may_see,
    project_flow,
)
from app.projects.schemas import ApplicationFields

LABELS = {
    "title": "项目名称",
    "summary": "项目简介",
    "requested_amount": "申请资助金额",
    "answers": "申报书",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}
REQUIRED = {
    "title": "请填写项目名称",
    "summary": "请填写项目简介",
    "requested_amount": "请填写申请资助金额",
}


def url(application: ProjectApplication) -> str:
    return f"/projects/applications/{application.id}"


def move(
    session: Session,
    actor: Actor,
    application: ProjectApplication,
    action: str,
    note: str = "",
    **details: Any,
) -> WorkflowEvent[Any]:
    """Take one transition of the application's workflow (see the module text)."""
    return project_flow.run(session, actor, application, action, note=note, **details)


@on(*PROJECT_TOPICS)
def _record_step(session: Session, event: WorkflowEvent[Any]) -> None:
    application: ProjectApplication = event.obj
    label = project_flow.label(event.action)
    session.add(
        ProjectStep(
            application_id=application.id,
            action=event.action,
            label=label,
            status=event.after,
            actor_id=event.actor.user_id,
            at=utcnow(),
            note=event.note,
        )
    )
    author = session.get(User, application.created_by_id)
    if author is not None and author.id != event.actor.user_id:
        notifications.send(
            session,
            author,
            notices.STEP,
            link=url(application),
            title=application.title,
            label=label,
            status=event.after.label,
            note=event.note,
        )
    if event.action == "submit":
        call = session.get(ProjectCall, application.call_id)
        for admin in repository.org_admins(session, application.org_id):
            if admin.id != event.actor.user_id:
                notifications.send(
                    session,
                    admin,
                    notices.UNIT_REVIEW,
                    link=url(application),
                    title=application.title,
                    call=call.title if call else "",
                )


# --- reading --------------------------------------------------------------------------------


def get(session: Session, user: User | None, application_id: int) -> ProjectApplication:
    """One application, for its organisation's people, the staff and the call's experts."""
    application = repository.application(session, application_id)
    if application is None or not may_see(session, user, application):
        raise NotFound("该项目不存在或您无权查看")
    return application


def own(session: Session, user: User | None, call: ProjectCall) -> ProjectApplication | None:
    if user is None or user.active_org_id is None:
        return None
    return repository.application_of_org(session, call.id, user.active_org_id)


# --- the draft ------------------------------------------------------------------------------


def _apply(call: ProjectCall, application: ProjectApplication, data: ApplicationFields) -> None:
    values = data.model_dump(exclude_unset=True, exclude={"version", "answers"})
    for name, value in values.items():
        if value is None and name != "requested_amount":
            continue
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    amount = application.requested_amount
    if amount is not None and amount > call.max_amount:
        raise InvalidInput(
            errors={"requested_amount": f"不能超过本指南单个项目最高资助{call.max_amount:,.2f}元"}
        )
    if data.answers is not None:
        answers, errors = forms.clean(forms.fields_of(call.form), data.answers, complete=False)
        if errors:
            raise InvalidInput("申报书有内容不符合要求", errors=errors)
        application.answers = answers


def create(
    session: Session, actor: Actor, call: ProjectCall, data: ApplicationFields
) -> ProjectApplication:
    """Start the actor's organisation's draft (每个单位限报一项)."""
    user = signed_in(actor.user)
    org = user.org if user.active_org_id is not None else None
    authorize(user, Action.PROJECT_APPLY, org)
    assert org is not None
    calls.check_accepting(call)
    problem = calls.eligibility_problem(session, call, org)
    if problem:
        raise Conflict(problem)
    lock_row(call)  # a double click finds the draft the first click started
    existing = repository.application_of_org(session, call.id, org.id)
    if existing is not None:
        raise Conflict(
            f"本单位已申报该指南（项目编号 {existing.id}），每个单位限报一项，请继续编辑已有的申报",
            application_id=existing.id,
        )
    if not (data.title or "").strip():
        raise InvalidInput(errors={"title": REQUIRED["title"]})
    application = ProjectApplication(
        call_id=call.id,
        org_id=org.id,
        created_by_id=user.id,
        status=P.DRAFT,
        title="",
        answers={},
        contact_name=user.name,
        contact_phone=user.phone or "",
    )
    _apply(call, application, data)
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor,
        "project.create",
        application,
        summary=f"申报“{call.title}”：创建申报书草稿“{application.title}”",
        after=audit.snapshot(application, ["call_id", "org_id", "title", "status"]),
    )
    session.refresh(application, ["org", "created_by", "call"])
    return application


def update(
    session: Session,
    actor: Actor,
    application: ProjectApplication,
    data: ApplicationFields,
    *,
    expected_version: int | None = None,
) -> ProjectApplication:
    """Change a draft (or one the unit sent back) until the deadline; stale edits are 409."""
    authorize(actor.user, Action.PROJECT_EDIT, application)
    expected = expected_version if expected_version is not None else data.version
    versioning.check(session, application, expected, "该申报书", LABELS)
    if application.status not in EDITABLE:
        raise Conflict(f"该项目当前为“{application.status.label}”，申报书不能再修改")
    call = application.call
    calls.check_accepting(call)
    if "title" in data.model_fields_set and not (data.title or "").strip():
        raise InvalidInput(errors={"title": REQUIRED["title"]})
    before = audit.snapshot(application, list(LABELS))
    _apply(call, application, data)
    old, new = audit.diff(before, audit.snapshot(application, list(LABELS)))
    if new:
        application.version += 1
        old["version"], new["version"] = application.version - 1, application.version
    session.flush()
    audit.record(
        session,
        actor,
        "project.update",
        application,
        summary=f"修改申报书“{application.title}”",
        before=old,
        after=new,
    )
    return application


def missing(application: ProjectApplication) -> dict[str, str]:
    """What the application still lacks before it can be submitted."""
    out = {
        name: message
        for name, message in REQUIRED.items()
        if getattr(application, name) in (None, "")
    }
    out.update(forms.missing(forms.fields_of(application.call.form), application.answers))
    return out


def submit(session: Session, actor: Actor, application: ProjectApplication) -> ProjectApplication:
    """Hand the application to the unit's administrator (单位审核), until the deadline.

    The call's row is locked first: a correction of the call's criteria (``calls.revise``,
    allowed only while nothing is submitted) and a submission never pass each other."""
    lock_row(application.call)
    calls.check_accepting(application.call)
    if problems := missing(application):
        raise InvalidInput("申报书还有必填内容未完成", errors=problems)
    move(session, actor, application, "submit")
    return application


def unit_approve(
    session: Session, actor: Actor, application: ProjectApplication, note: str = ""
) -> ProjectApplication:
    """The unit vouches for it and sends it to the bureau: it gets its 申报编号 now."""
    calls.check_accepting(application.call)
    move(session, actor, application, "unit_approve", note)
    year = application.call.year
    application.number = f"XM{year}{next_counter_value(session, ProjectCounter, year=year):05d}"
    application.submitted_at = utcnow()
    session.flush()
    return application


def unit_return(
    session: Session, actor: Actor, application: ProjectApplication, note: str
) -> ProjectApplication:
    move(session, actor, application, "unit_return", note)
    return application


# --- attachments ----------------------------------------------------------------------------


def add_attachment(
    session: Session, actor: Actor, application: ProjectApplication, *, filename: str, data: bytes
) -> Attachment:
    """Attach a document (PDF, Office or image) while the application can be edited."""
    authorize(actor.user, Action.PROJECT_EDIT, application)
    if application.status not in EDITABLE:
        raise Conflict("申报书已提交，不能再添加附件")
    calls.check_accepting(application.call)
    return attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=application.id,
        category="document",
        filename=filename,
        data=data,
    )


def files(session: Session, application: ProjectApplication) -> list[Attachment]:
    return attachments.list_for(session, ATTACHMENT_OWNER, application.id)


def file(
    session: Session, application: ProjectApplication, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = attachments.get(session, ATTACHMENT_OWNER, application.id, attachment_id)
    return row, attachments.read(row)
