"""The resource directories: entries kept by their organisation, published after review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.clock import local_date
from app.core.db import lock_row, utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.indexing import index_later
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.workflow import Permission, Transition, Workflow
from app.models import Resource, User
from app.models.enums import PilotService, ResourceKind, ResourceStatus, VoucherCategory
from app.resources import repository
from app.resources.schemas import ResourceCreate, ResourceReview

S = ResourceStatus
#: The review flow of a directory entry (here and the expert directory, ``review_flow``).
RESOURCE_TRANSITIONS: list[Transition[ResourceStatus]] = [
    Transition(
        "submit",
        "提交审核",
        frozenset({S.DRAFT, S.REJECTED, S.WITHDRAWN}),
        S.PENDING,
        Action.RESOURCE_EDIT,
    ),
    Transition("approve", "审核通过", frozenset({S.PENDING}), S.PUBLISHED, Action.RESOURCE_REVIEW),
    Transition("reject", "退回修改", frozenset({S.PENDING}), S.REJECTED, Action.RESOURCE_REVIEW),
    Transition(
        "withdraw",
        "撤回",
        frozenset({S.PENDING, S.PUBLISHED}),
        S.WITHDRAWN,
        Action.RESOURCE_EDIT,
    ),
    # A change to a published entry is reviewed again before the directory shows it.
    Transition(
        "revise", "修改", frozenset({S.PENDING, S.PUBLISHED}), S.PENDING, Action.RESOURCE_EDIT
    ),
]
RESOURCE_FLOW: Workflow[ResourceStatus] = Workflow(
    "资源",
    "status",
    RESOURCE_TRANSITIONS,
    type="resource",  # events "resource.approve" …: notices and reindexing, app/resources/notices.py
    summary=lambda r: r.name,
)


def review_flow(
    name: str, type: str, edit: Permission, summary: Callable[[Any], str]
) -> Workflow[ResourceStatus]:
    """The same review flow for another directory's entries, kept by whoever ``edit`` allows
    (the review itself stays ``RESOURCE_REVIEW``: the platform or the entry's district)."""
    return Workflow(
        name,
        "status",
        [
            replace(t, permission=edit) if t.permission == Action.RESOURCE_EDIT else t
            for t in RESOURCE_TRANSITIONS
        ],
        type=type,
        summary=summary,
    )


_FIELDS = list(ResourceCreate.model_fields)


def create(session: Session, actor: Actor, data: ResourceCreate) -> Resource:
    """A draft entry of the user's organisation."""
    user = actor.user
    draft = Resource(
        org_id=user.active_org_id if user else None,
        owner_id=user.id if user else None,
        status=ResourceStatus.DRAFT,
        **data.model_dump(),
    )
    authorize(user, Action.RESOURCE_EDIT, draft)
    session.add(draft)
    audit.record(
        session,
        actor,
        "resource.create",
        draft,
        summary=f"{data.kind.label}：{data.name}",
        after=audit.snapshot(draft, _FIELDS),
    )
    return draft


def may_edit(user: User | None, resource: Resource) -> bool:
    """Whether ``user`` keeps ``resource`` (its registrant, its organisation's administrator)."""
    return can(user, Action.RESOURCE_EDIT, resource)


def get(session: Session, user: User | None, resource_id: int) -> Resource:
    """A published entry for anyone; others for their organisation and the reviewers."""
    resource = repository.get(session, resource_id)
    if resource is None or not (
        resource.is_published or can(user, Action.RESOURCE_VIEW_UNPUBLISHED, resource)
    ):
        raise NotFound("没有找到该资源")
    return resource


def update(session: Session, actor: Actor, resource_id: int, data: ResourceCreate) -> Resource:
    """Change an entry; a published one goes back to review."""
    resource = get(session, actor.user, resource_id)
    authorize(actor.user, Action.RESOURCE_EDIT, resource)
    before = audit.snapshot(resource, _FIELDS)
    if resource.kind != data.kind:
        raise InvalidInput(errors={"kind": "资源类别不能修改，请新建一条"})
    if RESOURCE_FLOW.can(resource, "revise"):
        RESOURCE_FLOW.run(session, actor, resource, "revise")
    else:
        lock_row(resource)
    for name, value in data.model_dump().items():
        setattr(resource, name, value)
    changed_before, changed_after = audit.diff(before, audit.snapshot(resource, _FIELDS))
    audit.record(
        session,
        actor,
        "resource.update",
        resource,
        summary=resource.name,
        before=changed_before,
        after=changed_after,
    )
    index_later(session, "resource", resource.id)
    return resource


def _move(
    session: Session, actor: Actor, resource_id: int, action: str, note: str = ""
) -> Resource:
    resource = get(session, actor.user, resource_id)
    if action in ("approve", "reject"):
        resource.review_note = note
        resource.reviewed_by_id = actor.user_id
    if action == "approve":
        resource.published_at = utcnow()
    # Permission, lock, state, audit, the event "resource.<action>" and its subscribers.
    RESOURCE_FLOW.run(session, actor, resource, action, note=note)
    return resource


def submit(session: Session, actor: Actor, resource_id: int) -> Resource:
    """Send a draft (or a returned entry) to review."""
    return _move(session, actor, resource_id, "submit")


def approve(session: Session, actor: Actor, resource_id: int, data: ResourceReview) -> Resource:
    """Publish an entry after review."""
    return _move(session, actor, resource_id, "approve", data.note)


def reject(session: Session, actor: Actor, resource_id: int, data: ResourceReview) -> Resource:
    """Return an entry to its organisation with the reason."""
    return _move(session, actor, resource_id, "reject", data.note)


def withdraw(session: Session, actor: Actor, resource_id: int) -> Resource:
    """Take an entry off the directory (or out of review)."""
    return _move(session, actor, resource_id, "withdraw")


def directory(
    session: Session,
    pagination: Pagination,
    *,
    kind: ResourceKind | None = None,
    region_code: str | None = None,
    service: str | None = None,
    field_code: str | None = None,
    filed: bool | None = None,
    q: str | None = None,
) -> Paged:
    """Published entries, filtered and paginated."""
    stmt = repository.directory_statement(
        kind=kind,
        region_code=region_code,
        service=service,
        field_code=field_code,
        filed=filed,
        q=q,
    )
    return paginate(session, stmt, pagination)


def published_of_org(
    session: Session, org_id: int, kind: ResourceKind, *, service: str | None = None
) -> list[Resource]:
    """The organisation's published entries of one directory (the service hall's facts)."""
    stmt = repository.directory_statement(kind=kind, org_id=org_id, service=service)
    return list(session.scalars(stmt))


def review_queue(session: Session, user: User, pagination: Pagination) -> Paged:
    """Entries waiting for review that this member of staff reviews."""
    authorize(user, Action.ADMIN_ACCESS)
    region = None if user.is_platform_admin else user.region_code
    stmt = repository.directory_statement(
        statuses=(ResourceStatus.PENDING,), region_of_staff=region
    )
    return paginate(session, stmt, pagination)


def of_org(session: Session, user: User, pagination: Pagination) -> Paged:
    """Every entry of the user's organisation, whatever its state."""
    if user.active_org_id is None:
        return Paged(items=[], total=0, page=pagination.page, size=pagination.size)
    stmt = repository.directory_statement(statuses=tuple(ResourceStatus), org_id=user.active_org_id)
    return paginate(session, stmt, pagination)


# --- open data ----------------------------------------------------------------------------

#: The public catalogue's columns: key, CSV header, meaning (the data dictionary page).
DICTIONARY: list[tuple[str, str, str]] = [
    ("id", "编号", "资源编号，页面地址为 /resources/{id}"),
    ("kind", "类别代码", "资源类别代码（见代码表）"),
    ("kind_label", "类别", "资源类别名称"),
    ("name", "名称", "资源名称"),
    ("org_name", "所属机构", "登记并维护该资源的机构"),
    ("region_code", "区县代码", "所在区县的行政区划代码"),
    ("region_name", "区县", "所在区县名称"),
    ("address", "地址", "所在地址"),
    ("level", "级别", "认定级别，如国家级、省级、市级"),
    ("services", "服务类别", "中试服务或创新券服务类别，多个以“、”分隔"),
    ("filing_no", "市级备案号", "技术转移机构的市级备案编号；空表示未备案"),
    ("accepts_vouchers", "接受创新券", "是否接受创新券支付：是/否"),
    ("model_no", "型号", "大型仪器的型号"),
    ("maker", "生产厂家", "大型仪器的生产厂家"),
    ("fee_per_hour", "收费标准（元/机时）", "大型仪器每机时收费，空表示面议"),
    ("booking_access", "开放范围", "大型仪器可预约的范围"),
    ("availability", "开放时间", "大型仪器的开放时间"),
    ("contact_phone", "联系电话", "对外服务电话"),
    ("published_at", "发布日期", "审核通过发布的日期（北京时间）"),
]


def _service_label(code: str) -> str:
    member = PilotService.from_code(code) or VoucherCategory.from_code(code)
    return member.label if member else code


def service_labels(codes: list[str]) -> list[str]:
    """The Chinese names of an entry's 中试 or 创新券 service codes."""
    return [_service_label(c) for c in codes]


def catalogue_rows(session: Session) -> list[list[object]]:
    """Every published entry as the open-data CSV's rows, in the dictionary's column order."""
    rows: list[list[object]] = []
    for r in session.scalars(repository.directory_statement()):
        values = {
            "kind_label": r.kind.label,
            "services": "、".join(_service_label(s) for s in r.services),
            "accepts_vouchers": "是" if r.accepts_vouchers else "否",
            "booking_access": r.booking_access.label if r.kind == ResourceKind.INSTRUMENT else "",
            "published_at": local_date(r.published_at) if r.published_at else "",
        }
        rows.append([values[k] if k in values else getattr(r, k) for k, _l, _m in DICTIONARY])
    return rows
