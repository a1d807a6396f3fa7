"""揭榜挂帅 applications: drafting, editing, submitting and withdrawing, and attachments.

Solvers of any verified organisation except the publisher apply until the deadline (the
challenge's ``application_deadline``, inclusive, in local time).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.challenges import repository
from app.challenges.flows import (
    ATTACHMENT_OWNER,
    SCORED,
    A,
    P,
    application_flow,
    check_accepting,
    may_manage,
    may_see,
    member_for,
    panel_of,
)
from app.challenges.schemas import (
    FIELD_LABELS,
    REQUIRED_TO_SUBMIT,
    ApplicationFields,
)
from app.core import attachments, audit, versioning
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.permissions import Action, authorize, can, signed_in
from app.models import (
    Attachment,
    Challenge,
    ChallengeApplication,
    User,
)


def get_application(
    session: Session, user: User | None, challenge: Challenge, application_id: int
) -> ChallengeApplication:
    application = repository.application(session, application_id)
    if (
        application is None
        or application.challenge_id != challenge.id
        or not may_see(session, user, challenge, application)
    ):
        raise NotFound("该揭榜申请不存在或您无权查看")
    return application


def applications(
    session: Session, user: User | None, challenge: Challenge
) -> list[ChallengeApplication]:
    """All applications for the staff; the viewer's own organisation's otherwise."""
    if may_manage(user, challenge):
        return repository.applications(session, challenge.id)
    panel = panel_of(session, challenge)
    if (
        panel is not None
        and panel.status != P.FORMING
        and can(user, Action.CHALLENGE_SCORE, member_for(panel, user))
    ):
        return repository.applications(session, challenge.id, SCORED)
    if user is None or user.active_org_id is None:
        return []
    own = repository.application_of_org(session, challenge.id, user.active_org_id)
    return [own] if own else []


def own_application(
    session: Session, user: User | None, challenge: Challenge
) -> ChallengeApplication | None:
    if user is None or user.active_org_id is None:
        return None
    return repository.application_of_org(session, challenge.id, user.active_org_id)


def mine(session: Session, user: User) -> list[ChallengeApplication]:
    if user.active_org_id is None:
        return []
    return list(session.scalars(repository.applications_of_org(session, user.active_org_id)))


def challenges_by_id(session: Session, ids: list[int]) -> dict[int, Challenge]:
    return repository.challenges(session, ids)


_TEXT_FIELDS = ("title", "team", "plan", "schedule", "contact_name", "contact_phone")


def _apply(application: ChallengeApplication, data: ApplicationFields) -> None:
    for name in data.model_fields_set - {"version"}:
        value = getattr(data, name)
        if value is None and name in _TEXT_FIELDS:
            value = ""
        if name == "meets_requirements":
            value = bool(value)
        if isinstance(value, str):
            value = value.strip()
        setattr(application, name, value)


def create_application(
    session: Session, actor: Actor, challenge: Challenge, data: ApplicationFields
) -> ChallengeApplication:
    """Start the actor's organisation's draft application (one per organisation)."""
    user = signed_in(actor.user)
    authorize(user, Action.CHALLENGE_APPLY, challenge)
    check_accepting(challenge)
    assert user.active_org_id is not None
    lock_row(challenge)  # a double click finds the draft the first click started
    existing = repository.application_of_org(session, challenge.id, user.active_org_id)
    if existing is not None:
        raise Conflict(
            f"本机构已揭榜该榜单（申请编号 {existing.id}），请继续编辑已有的申请",
            application_id=existing.id,
        )
    if not (data.title or "").strip():
        raise InvalidInput(errors={"title": REQUIRED_TO_SUBMIT["title"]})
    application = ChallengeApplication(
        challenge_id=challenge.id,
        org_id=user.active_org_id,
        created_by_id=user.id,
        status=A.DRAFT,
        title="",
        contact_name=user.name,
        contact_phone=user.phone,
    )
    _apply(application, data)
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor,
        "challenge_application.create",
        application,
        summary=f"揭榜“{challenge.title}”：创建申请草稿“{application.title}”",
        after=audit.snapshot(application, ["challenge_id", "org_id", "title", "status"]),
    )
    session.refresh(application, ["org", "created_by"])
    return application


def update_application(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    data: ApplicationFields,
    *,
    expected_version: int | None = None,
) -> ChallengeApplication:
    """Change a draft or a submitted application, until the deadline.

    Refused (409) when ``expected_version`` (else ``data.version``) is no longer the current
    one: a colleague saved the proposal meanwhile.
    """
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    expected = expected_version if expected_version is not None else data.version
    versioning.check(session, application, expected, "该揭榜申请", FIELD_LABELS)
    if application.status in (A.AWARDED, A.NOT_AWARDED):
        raise Conflict("评审结果已确定，申请不能再修改")
    check_accepting(challenge)
    if "title" in data.model_fields_set and not (data.title or "").strip():
        raise InvalidInput(errors={"title": REQUIRED_TO_SUBMIT["title"]})
    before = audit.snapshot(application)
    _apply(application, data)
    if application.status == A.SUBMITTED:
        _check_complete(challenge, application)
    old, new = audit.diff(before, audit.snapshot(application))
    if new:
        application.version += 1
        old["version"], new["version"] = application.version - 1, application.version
    session.flush()
    audit.record(
        session,
        actor,
        "challenge_application.update",
        application,
        summary=f"修改揭榜申请“{application.title}”",
        before=old,
        after=new,
    )
    return application


def missing_for_submit(challenge: Challenge, application: ChallengeApplication) -> dict[str, str]:
    missing = {
        name: message
        for name, message in REQUIRED_TO_SUBMIT.items()
        if getattr(application, name) in (None, "")
    }
    if challenge.requirements.strip() and not application.meets_requirements:
        missing["meets_requirements"] = "请确认本单位满足榜单的揭榜硬性条件"
    return missing


def _check_complete(challenge: Challenge, application: ChallengeApplication) -> None:
    missing = missing_for_submit(challenge, application)
    if missing:
        raise InvalidInput("申请还有必填内容未完成", errors=missing)


def submit_application(
    session: Session, actor: Actor, challenge: Challenge, application: ChallengeApplication
) -> ChallengeApplication:
    """Hand in the application (揭榜); it can be withdrawn and resubmitted until the deadline."""
    application_flow.check(actor.user, application, "submit")
    authorize(actor.user, Action.CHALLENGE_APPLY, challenge)
    check_accepting(challenge)
    _check_complete(challenge, application)
    application_flow.run(
        session,
        actor,
        application,
        "submit",
        summary=f"提交揭榜申请“{application.title}”（榜单“{challenge.title}”）",
    )
    application.submitted_at = utcnow()
    application.withdrawn_at = None
    return application


def withdraw_application(
    session: Session, actor: Actor, challenge: Challenge, application: ChallengeApplication
) -> ChallengeApplication:
    """Take a submitted application back; possible until scoring opens."""
    application_flow.check(actor.user, application, "withdraw")
    panel = panel_of(session, challenge)
    if panel is not None and panel.status != P.FORMING:
        raise Conflict("专家评审已经开始，申请不能再撤回")
    application_flow.run(
        session, actor, application, "withdraw", summary=f"撤回揭榜申请“{application.title}”"
    )
    application.withdrawn_at = utcnow()
    return application


def add_attachment(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    *,
    filename: str,
    data: bytes,
) -> Attachment:
    """Attach a document (PDF, Office or image) to the proposal, until the deadline."""
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    check_accepting(challenge)
    return attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=application.id,
        category="document",
        filename=filename,
        data=data,
    )


def remove_attachment(
    session: Session,
    actor: Actor,
    challenge: Challenge,
    application: ChallengeApplication,
    attachment_id: int,
) -> None:
    authorize(actor.user, Action.CHALLENGE_APPLICATION_EDIT, application)
    check_accepting(challenge)
    row = attachments.get(session, ATTACHMENT_OWNER, application.id, attachment_id)
    attachments.remove(session, actor, row)


def application_attachments(
    session: Session, application: ChallengeApplication
) -> list[Attachment]:
    return attachments.list_for(session, ATTACHMENT_OWNER, application.id)


def attachment(
    session: Session, application: ChallengeApplication, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = attachments.get(session, ATTACHMENT_OWNER, application.id, attachment_id)
    return row, attachments.read(row)


def may_edit(user: User | None, application: ChallengeApplication) -> bool:
    """Whether ``user`` works on ``application`` (a person of the applying organisation)."""
    return can(user, Action.CHALLENGE_APPLICATION_EDIT, application)


def check_may_apply(user: User | None, challenge: Challenge) -> None:
    """Refuse (403) unless ``user``'s verified organisation may take up ``challenge``."""
    authorize(user, Action.CHALLENGE_APPLY, challenge)
