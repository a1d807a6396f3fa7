"""Organisations: profile, verification by administrators, tags and members."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core import audit, versioning
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.indexing import index_later
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.models import Organization, OrgTag, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus, OrgType
from app.notifications import service as notifications
from app.notifications.kinds import Kind
from app.orgs import notices, repository
from app.orgs.schemas import OrgFields, OrgTagIn, OrgUpdate
from app.orgs.search import DOC_TYPE

OS, M = OrgStatus, MembershipStatus
VERIFY = Action.ORG_VERIFY
org_workflow: Workflow[OrgStatus] = Workflow(
    "机构",
    "status",
    [
        Transition("verify", "通过认证", frozenset({OS.PENDING}), OS.VERIFIED, VERIFY),
        Transition("reject", "退回", frozenset({OS.PENDING}), OS.REJECTED, VERIFY),
        # A returned organisation's profile edit (``update``) sends it back to review.
        Transition("resubmit", "重新提交", frozenset({OS.REJECTED}), OS.PENDING, Action.ORG_UPDATE),
        Transition("suspend", "停用", frozenset({OS.VERIFIED}), OS.SUSPENDED, VERIFY),
        Transition("restore", "恢复", frozenset({OS.SUSPENDED}), OS.VERIFIED, VERIFY),
    ],
    type="org",
    summary=lambda org: org.name,
)

#: A person's request to join; the organisation is the member's (``decide_member`` checks it).
membership_workflow: Workflow[MembershipStatus] = Workflow(
    "成员申请",
    "membership_status",
    [
        Transition("member_approve", "批准加入", frozenset({M.PENDING}), M.ACTIVE),
        Transition("member_reject", "拒绝加入", frozenset({M.PENDING}), M.REJECTED),
    ],
    type="org",
)

_PROFILE_FIELDS = [
    "name",
    "org_type",
    "region_code",
    "address",
    "website",
    "intro",
    "contact_name",
    "contact_phone",
]


def editable(session: Session, user: User | None, org_id: int) -> Organization:
    """An organisation ``user`` may edit: its administrators and the staff over it."""
    org = get(session, org_id, user)
    authorize(user, Action.ORG_UPDATE, org)
    return org


def get(session: Session, org_id: int, viewer: User | None = None) -> Organization:
    """An organisation with its tags; unverified ones only for members and staff."""
    org = repository.get(session, org_id, with_tags=True)
    if org is None or (not org.is_verified and not can(viewer, Action.ORG_VIEW_PRIVATE, org)):
        raise NotFound("机构不存在或尚未通过认证")
    return org


def get_for_member(session: Session, user: User) -> Organization | None:
    """The organisation ``user`` belongs to or asked to join, with its tags."""
    return repository.get(session, user.org_id, with_tags=True) if user.org_id else None


def get_by_credit_code(session: Session, credit_code: str) -> Organization | None:
    return repository.get_by_credit_code(session, credit_code)


def list_orgs(
    session: Session,
    viewer: User | None,
    pagination: Pagination,
    *,
    q: str = "",
    org_type: OrgType | None = None,
    region_code: str | None = None,
    status: OrgStatus | None = None,
) -> Paged:
    stmt = repository.readable_statement(
        viewer, q=q, org_type=org_type, region_code=region_code, status=status
    )
    return paginate(session, stmt, pagination)


def create(session: Session, actor: Actor, data: OrgFields) -> Organization:
    """Register a new organisation, pending verification."""
    if repository.get_by_credit_code(session, data.credit_code) is not None:
        raise Conflict(
            "该统一社会信用代码已注册，请选择“加入已有机构”",
            errors={"credit_code": "该统一社会信用代码已注册"},
        )
    if repository.name_taken(session, data.name):
        raise Conflict("同名机构已注册，请核对机构全称", errors={"name": "同名机构已注册"})
    org = Organization(
        name=data.name,
        credit_code=data.credit_code,
        org_type=data.org_type,
        region_code=data.region_code,
        status=OrgStatus.PENDING,
    )
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "org.register",
        org,
        summary=f"注册机构 {org.name}",
        after=audit.snapshot(org),
    )
    _tell_verifiers(session, org, notices.PENDING)
    return org


def _tell_verifiers(session: Session, org: Organization, kind: Kind) -> None:
    for person in repository.verifiers(session, org.region_code):
        notifications.send(
            session,
            person,
            kind,
            link="/admin/orgs?status=pending",
            name=org.name,
            org_type=org.org_type,
        )


def _tell_members(session: Session, org: Organization, action: str, reason: str) -> None:
    for person in repository.active_members(session, org.id):
        notifications.send(
            session, person, notices.DECIDED[action], link="/me", name=org.name, reason=reason
        )


#: Chinese names of the profile fields, for the message of a refused stale edit.
FIELD_LABELS = {
    "name": "机构全称",
    "org_type": "机构类型",
    "region_code": "所在区县或开发区",
    "address": "地址",
    "website": "网站",
    "intro": "机构简介",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}


def update(
    session: Session,
    actor: Actor,
    org: Organization,
    data: OrgUpdate,
    *,
    expected_version: int | None = None,
) -> Organization:
    """Change the profile; refused (409) when ``expected_version`` (else ``data.version``) is
    no longer the current one."""
    authorize(actor.user, Action.ORG_UPDATE, org)
    expected = expected_version if expected_version is not None else data.version
    versioning.check(session, org, expected, "机构资料", FIELD_LABELS)
    changes = data.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
    if "name" in changes and repository.name_taken(session, changes["name"], except_id=org.id):
        raise Conflict("同名机构已注册，请核对机构全称", errors={"name": "同名机构已注册"})
    before = audit.snapshot(org, _PROFILE_FIELDS)
    for key, value in changes.items():
        setattr(org, key, value)
    if org.status == OrgStatus.REJECTED:
        org_workflow.run(session, actor, org, "resubmit")
    old, new = audit.diff(before, audit.snapshot(org, _PROFILE_FIELDS))
    if new:
        org.version += 1
    session.flush()
    index_later(session, DOC_TYPE, org.id)
    if new:
        audit.record(
            session,
            actor,
            "org.update",
            org,
            summary=f"修改机构资料 {org.name}",
            before=old | {"version": org.version - 1},
            after=new | {"version": org.version},
        )
    return org


@on("org.resubmit")
def _resubmitted(session: Session, event: WorkflowEvent) -> None:
    _tell_verifiers(session, event.obj, notices.RESUBMITTED)


def _decide(
    session: Session, actor: Actor, org: Organization, action: str, reason: str = ""
) -> Organization:
    authorize(actor.user, Action.ORG_VERIFY, org)
    if action in {"reject", "suspend"} and not reason.strip():
        raise InvalidInput(errors={"reason": "请填写原因，机构将看到这段说明"})
    org_workflow.run(session, actor, org, action, note=reason, reason=reason.strip())
    org.status_reason = reason.strip()
    if action in {"verify", "restore"}:
        org.verified_at = org.verified_at or utcnow()
    session.flush()
    return org


@on("org.verify", "org.reject", "org.suspend", "org.restore")
def _decided(session: Session, event: WorkflowEvent) -> None:
    index_later(session, DOC_TYPE, event.obj.id)
    _tell_members(session, event.obj, event.action, event.details["reason"])


def verify(session: Session, actor: Actor, org: Organization) -> Organization:
    """Approve a pending organisation so its members can publish."""
    return _decide(session, actor, org, "verify")


def reject(session: Session, actor: Actor, org: Organization, reason: str) -> Organization:
    """Return a pending organisation with the reason it must fix."""
    return _decide(session, actor, org, "reject", reason)


def suspend(session: Session, actor: Actor, org: Organization, reason: str) -> Organization:
    return _decide(session, actor, org, "suspend", reason)


def restore(session: Session, actor: Actor, org: Organization) -> Organization:
    return _decide(session, actor, org, "restore")


def set_tag(session: Session, actor: Actor, org: Organization, data: OrgTagIn) -> OrgTag:
    """Add or replace a recognition (高新技术企业 …) with its certificate."""
    authorize(actor.user, Action.ORG_UPDATE, org)
    if data.expires_on and data.certified_on and data.expires_on < data.certified_on:
        raise InvalidInput(errors={"expires_on": "有效期至不能早于认定日期"})
    tag = next((t for t in org.tags if t.kind == data.kind), None)
    before = audit.snapshot(tag) if tag else None
    if tag is None:
        tag = OrgTag(kind=data.kind)
        org.tags.append(tag)
    tag.certificate_no = data.certificate_no.strip()
    tag.certified_on = data.certified_on
    tag.expires_on = data.expires_on
    session.flush()
    index_later(session, DOC_TYPE, org.id)
    audit.record(
        session,
        actor,
        "org.tag_set",
        org,
        summary=f"{org.name} 标记为{tag.label}",
        before=before,
        after=audit.snapshot(tag),
    )
    return tag


def remove_tag(session: Session, actor: Actor, org: Organization, tag_id: int) -> None:
    authorize(actor.user, Action.ORG_UPDATE, org)
    tag = next((t for t in org.tags if t.id == tag_id), None)
    if tag is None:
        raise NotFound("该机构没有这个资质标签")
    before = audit.snapshot(tag)
    org.tags.remove(tag)
    session.flush()
    index_later(session, DOC_TYPE, org.id)
    audit.record(
        session, actor, "org.tag_remove", org, summary=f"{org.name} 移除{tag.label}", before=before
    )


def members(session: Session, actor: Actor, org: Organization) -> list[User]:
    authorize(actor.user, Action.ORG_VIEW_PRIVATE, org)
    return repository.members(session, org.id)


def decide_member(
    session: Session, actor: Actor, org: Organization, user_id: int, action: str
) -> User:
    """Approve or reject a person's request to join ``org``."""
    authorize(actor.user, Action.ORG_MANAGE_MEMBERS, org)
    member = session.get(User, user_id)
    if member is None or member.org_id != org.id:
        raise NotFound("该用户没有申请加入本机构")
    name = f"member_{action}"
    summary = f"{org.name}：{membership_workflow.label(name)} {member.name}"
    membership_workflow.run(session, actor, member, name, summary=summary, org_id=org.id)
    if action == "reject":
        member.org_id = None
        member.org_role = None
    session.flush()
    return member


def join(session: Session, user: User, org: Organization, *, as_admin: bool = False) -> None:
    """Attach a newly registered person to ``org`` (admin of a new one, pending otherwise)."""
    user.org_id = org.id
    user.org_role = OrgRole.ADMIN if as_admin else OrgRole.MEMBER
    user.membership_status = MembershipStatus.ACTIVE if as_admin else MembershipStatus.PENDING
    session.flush()


def key_figures(session: Session) -> dict[str, int]:
    by_status = repository.count_by_status(session)
    return {
        "orgs_verified": by_status.get(OrgStatus.VERIFIED, 0),
        "orgs_pending": by_status.get(OrgStatus.PENDING, 0),
    }


def verified_by_type(session: Session) -> dict[OrgType, int]:
    return repository.count_verified_by_type(session)


def latest(session: Session, limit: int = 6) -> list[Organization]:
    return repository.latest_verified(session, limit)


def active_members(session: Session, org_id: int) -> list[User]:
    """The organisation's active members whose accounts are active, oldest first."""
    return repository.active_members(session, org_id)
