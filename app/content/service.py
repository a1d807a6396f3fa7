"""信息发布's rules: drafting, review, scheduled publishing and expiry, versions, the policy's
clauses, and what the public may read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.content import policy, repository
from app.content.sanitize import clean
from app.content.schemas import ContentCreate, ContentFields
from app.core import attachments, audit, clock, outbox, versioning
from app.core.audit import SYSTEM, Actor
from app.core.db import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.core.indexing import index_later, index_many_later
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.regions import region_name
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.models import (
    Attachment,
    ContentItem,
    ContentVersion,
    Listing,
    PolicyClause,
    TechContract,
    User,
)
from app.models.enums import ContentKind, ContentStatus

S = ContentStatus
ATTACHMENT_OWNER = "content"
SECTIONS: dict[ContentKind, str] = {
    ContentKind.NEWS: "news",
    ContentKind.POLICY: "policies",
    ContentKind.NOTICE: "notices",
    ContentKind.CALL: "calls",
    ContentKind.STORY: "stories",
}
KIND_OF_SECTION = {section: kind for kind, section in SECTIONS.items()}

WRITE, REVIEW = Action.CONTENT_WRITE, Action.CONTENT_REVIEW
lifecycle: Workflow[ContentStatus] = Workflow(
    "该信息",
    "status",
    [
        Transition("submit", "提交审核", frozenset({S.DRAFT, S.RETURNED}), S.IN_REVIEW, WRITE),
        Transition("approve", "审核通过并发布", frozenset({S.IN_REVIEW}), S.PUBLISHED, REVIEW),
        Transition(
            "schedule", "审核通过（定时发布）", frozenset({S.IN_REVIEW}), S.SCHEDULED, REVIEW
        ),
        Transition("return", "退回修改", frozenset({S.IN_REVIEW}), S.RETURNED, REVIEW),
        # the publishing job's, as the system
        Transition("release", "到时发布", frozenset({S.SCHEDULED}), S.PUBLISHED),
        Transition("expire", "到期下线", frozenset({S.PUBLISHED}), S.EXPIRED),
        Transition(
            "withdraw",
            "撤回",
            frozenset({S.SCHEDULED, S.PUBLISHED, S.EXPIRED}),
            S.WITHDRAWN,
            REVIEW,
        ),
        Transition(
            "revise",
            "修改后重新审核",
            frozenset({S.SCHEDULED, S.PUBLISHED, S.EXPIRED, S.WITHDRAWN}),
            S.IN_REVIEW,
            WRITE,
        ),
    ],
    type="content",
    summary=lambda item: item.title,
)
ACTIONS = ("submit", "approve", "schedule", "return", "release", "expire", "withdraw", "revise")

EDITABLE = [
    "title",
    "summary",
    "body_html",
    "issuer",
    "doc_number",
    "region_code",
    "topics",
    "pinned",
    "opens_on",
    "closes_on",
    "listing_id",
    "contract_id",
    "publish_at",
    "expires_at",
]


def url(item: ContentItem) -> str:
    return f"/{SECTIONS[item.kind]}/{item.id}"


def snapshot(item: ContentItem) -> dict[str, Any]:
    return audit.snapshot(item, [*EDITABLE, "status"])


#: Search documents of single clauses ("policy_clause", id "<item id>-<number>").
CLAUSE_TYPE = "policy_clause"


def clause_key(item_id: int, number: int) -> str:
    return f"{item_id}-{number}"


def search_types(kind: ContentKind) -> list[str]:
    """The search document types of a section: a policy's clauses are found with it."""
    return [kind.value, CLAUSE_TYPE] if kind == ContentKind.POLICY else [kind.value]


def _index(session: Session, item: ContentItem) -> None:
    """Queue the item's search document, and for a policy each of its clauses' too."""
    index_later(session, item.kind.value, item.id)
    if item.kind == ContentKind.POLICY:
        keys = [clause_key(i, n) for i, n in repository.clause_numbers(session, [item.id])]
        index_many_later(session, CLAUSE_TYPE, keys)


def is_public(item: ContentItem, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return item.status == S.PUBLISHED and (item.expires_at is None or item.expires_at > now)


# --- reading ---------------------------------------------------------------------------


def public_page(
    session: Session,
    kind: ContentKind | None,
    pagination: Pagination,
    *,
    topic: str | None = None,
    region_code: str | None = None,
    year: int | None = None,
) -> Paged:
    """What everybody may read of one kind, pinned first, newest next."""
    stmt = repository.public_list(utcnow(), kind, topic=topic, region_code=region_code, year=year)
    return paginate(session, stmt, pagination)


def latest(session: Session, kind: ContentKind, limit: int = 5) -> list[ContentItem]:
    return list(session.scalars(repository.public_list(utcnow(), kind).limit(limit)))


def all_public(session: Session, limit: int = 5000) -> list[ContentItem]:
    """Everything on view, newest first (the sitemap)."""
    return list(session.scalars(repository.public_list(utcnow(), None).limit(limit)))


def open_calls(session: Session, limit: int = 4) -> list[ContentItem]:
    """申报指南 still taking applications, nearest closing date first."""
    return repository.open_calls(session, utcnow(), clock.today(), limit)


def staff_page(
    session: Session,
    user: User,
    pagination: Pagination,
    *,
    kind: ContentKind | None = None,
    status: ContentStatus | None = None,
) -> Paged:
    """Everything a member of staff may edit or review, drafts included."""
    authorize(user, Action.CONTENT_WRITE)
    region = None if user.is_platform_admin else user.region_code
    return paginate(session, repository.staff_list(kind, status, region), pagination)


def writer(user: User | None) -> User:
    """``user``, when they write 信息发布 at all (the platform's and the districts' staff)."""
    authorize(user, Action.CONTENT_WRITE)
    assert user is not None
    return user


def may_edit(user: User | None, item: ContentItem) -> bool:
    """Whether ``user`` may edit ``item`` (the platform; its district, except policies)."""
    return can(user, Action.CONTENT_WRITE, item)


def may_review(user: User | None, item: ContentItem) -> bool:
    """Whether ``user`` reviews and publishes ``item`` (the bureau)."""
    return can(user, Action.CONTENT_REVIEW, item)


def editable(session: Session, user: User | None, item_id: int) -> ContentItem:
    """An item ``user`` may edit; one they may not see does not exist for them."""
    item = get(session, user, item_id)
    authorize(user, Action.CONTENT_WRITE, item)
    return item


def get(session: Session, user: User | None, item_id: int) -> ContentItem:
    """One item: published ones for everybody, the rest for those who may edit or review it."""
    item = repository.get(session, item_id)
    if item is None:
        raise NotFound("该信息不存在")
    if not is_public(item) and not may_edit(user, item):
        raise NotFound("该信息不存在或尚未发布")
    return item


def get_public(session: Session, kind: ContentKind, item_id: int, user: User | None) -> ContentItem:
    item = get(session, user, item_id)
    if item.kind != kind:
        raise NotFound("该信息不存在")
    return item


def versions(session: Session, user: User, item: ContentItem) -> list[ContentVersion]:
    authorize(user, Action.CONTENT_WRITE, item)
    return repository.versions(session, item.id)


def version_page(session: Session, user: User, item: ContentItem, pagination: Pagination) -> Paged:
    """One page of the item's history, the newest version first."""
    authorize(user, Action.CONTENT_WRITE, item)
    return paginate(session, repository.versions_of(item.id), pagination)


def seed_policy(session: Session) -> ContentItem | None:
    """The published policy document whose clauses the platform cites."""
    item = repository.by_slug(session, policy.SEED_SLUG)
    return item if item is not None and is_public(item) else None


def seed_clause(session: Session, number: int) -> PolicyClause:
    """One clause of the published seed policy."""
    item = seed_policy(session)
    if item is None:
        raise NotFound("政策文件尚未发布")
    found = repository.clause(session, item.id, number)
    if found is None:
        raise NotFound(f"政策文件没有第{number}条")
    return found


def clause_url(session: Session, number: int) -> str:
    """The address of one clause of the seed policy on its page."""
    found = seed_clause(session, number)
    return f"/policies/{found.item_id}#{policy.anchor(number)}"


def files(session: Session, item: ContentItem) -> list[Attachment]:
    return attachments.list_for(session, ATTACHMENT_OWNER, item.id)


def file(session: Session, user: User | None, item_id: int, attachment_id: int) -> Attachment:
    item = get(session, user, item_id)
    return attachments.get(session, ATTACHMENT_OWNER, item.id, attachment_id)


# --- writing ---------------------------------------------------------------------------


def _apply(item: ContentItem, data: ContentFields) -> None:
    values = data.model_dump(exclude_unset=True, exclude={"kind", "version"})
    for name, value in values.items():
        if name == "region_code":
            value = value or None
        elif name == "body_html":
            value = clean(value or "")
        elif name == "topics":
            value = list(dict.fromkeys(t.strip() for t in value or [] if t.strip()))
        elif name in ("title", "summary", "issuer", "doc_number") and value is None:
            continue
        setattr(item, name, value)
    _check(item)


def _check(item: ContentItem) -> None:
    errors: dict[str, str] = {}
    if not (item.title or "").strip():
        errors["title"] = "请填写标题"
    if item.region_code and not region_name(item.region_code):
        errors["region_code"] = "请选择本市的区县"
    if item.opens_on and item.closes_on and item.closes_on < item.opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期"
    if item.publish_at and item.expires_at and item.expires_at <= item.publish_at:
        errors["expires_at"] = "下线时间应晚于发布时间"
    if item.kind != ContentKind.CALL and (item.opens_on or item.closes_on):
        errors["closes_on"] = "申报起止日期只适用于申报指南"
    if item.kind != ContentKind.STORY and (item.listing_id or item.contract_id):
        errors["listing_id"] = "关联成果和合同只适用于成果发布"
    if errors:
        raise InvalidInput(errors=errors)


def _check_links(session: Session, item: ContentItem) -> None:
    """A success story points at a listing and a contract that exist."""
    errors: dict[str, str] = {}
    if item.listing_id is not None and session.get(Listing, item.listing_id) is None:
        errors["listing_id"] = f"没有编号为 {item.listing_id} 的成果或需求"
    if item.contract_id is not None and session.get(TechContract, item.contract_id) is None:
        errors["contract_id"] = f"没有编号为 {item.contract_id} 的技术合同"
    if errors:
        raise InvalidInput(errors=errors)


def _record(session: Session, actor: Actor, item: ContentItem, note: str) -> None:
    session.flush()
    session.add(
        ContentVersion(
            item_id=item.id,
            version=item.version,
            title=item.title,
            summary=item.summary,
            body_html=item.body_html,
            status=item.status.value,
            note=note[:200],
            editor_id=actor.user_id,
        )
    )


def create(session: Session, actor: Actor, data: ContentCreate) -> ContentItem:
    """A new draft, written by a member of staff."""
    item = ContentItem(
        kind=data.kind, title=data.title, topics=[], clauses=[], author_id=actor.user_id
    )
    _apply(item, data)
    _check_links(session, item)
    if item.region_code is None and actor.user is not None and not actor.user.is_platform_admin:
        item.region_code = actor.user.region_code  # a district writes about its district
    authorize(actor.user, Action.CONTENT_WRITE, item)
    session.add(item)
    session.flush()
    _record(session, actor, item, "创建草稿")
    audit.record(
        session,
        actor,
        "content.create",
        item,
        summary=f"创建{item.kind.label}草稿：{item.title}",
        after=snapshot(item),
    )
    return item


def update(session: Session, actor: Actor, item: ContentItem, data: ContentFields) -> ContentItem:
    """Change an item; a scheduled, published or withdrawn one goes back to review."""
    authorize(actor.user, Action.CONTENT_WRITE, item)
    versioning.lock(session, item)
    if data.version is not None and data.version != item.version:
        raise Conflict(f"该信息已被他人修改（当前第 {item.version} 版），请刷新后再改")
    if item.status == S.IN_REVIEW:
        raise Conflict("该信息正在审核中，请等待审核结果或由审核人退回后再修改")
    before = snapshot(item)
    _apply(item, data)
    _check_links(session, item)
    authorize(actor.user, Action.CONTENT_WRITE, item)  # a district cannot move it elsewhere
    old, new = audit.diff(before, snapshot(item))
    if not new:
        return item
    note = "修改内容"
    revised = lifecycle.can(item, "revise")
    if revised:  # its subscriber queues the reindexing
        lifecycle.run(session, actor, item, "revise")
        note = "修改已发布内容，重新提交审核"
    item.version += 1
    _record(session, actor, item, note)
    audit.record(
        session,
        actor,
        "content.update",
        item,
        summary=f"{note}：{item.title}",
        before=old,
        after=new,
    )
    if not revised:
        _index(session, item)
    return item


def _transition(
    session: Session, actor: Actor, item: ContentItem, action: str, note: str = ""
) -> ContentItem:
    lifecycle.run(session, actor, item, action, note=note)
    item.version += 1
    _record(session, actor, item, note or lifecycle.label(action))
    return item


@on(*(f"content.{action}" for action in ACTIONS))
def _reindex(session: Session, event: WorkflowEvent[ContentStatus]) -> None:
    _index(session, event.obj)


def submit(session: Session, actor: Actor, item: ContentItem) -> ContentItem:
    """Send a draft to the bureau's review."""
    authorize(actor.user, Action.CONTENT_WRITE, item)
    if not item.summary.strip() and not item.body_html.strip():
        raise InvalidInput("还没有内容，不能提交审核", errors={"body_html": "请填写正文或摘要"})
    return _transition(session, actor, item, "submit")


def approve(session: Session, actor: Actor, item: ContentItem, note: str = "") -> ContentItem:
    """Approve: published now, or at ``publish_at`` when that lies ahead."""
    authorize(actor.user, Action.CONTENT_REVIEW, item)
    if actor.user is not None and item.author_id == actor.user.id:
        raise PermissionDenied("不能审核自己撰写的信息，请由另一位管理员审核")
    now = utcnow()
    action = "schedule" if item.publish_at is not None and item.publish_at > now else "approve"
    _transition(session, actor, item, action, note)
    item.reviewer_id = actor.user_id
    item.review_note = note
    if action == "approve":
        item.published_at = now
    return item


def return_for_changes(session: Session, actor: Actor, item: ContentItem, note: str) -> ContentItem:
    authorize(actor.user, Action.CONTENT_REVIEW, item)
    if not note.strip():
        raise InvalidInput(errors={"note": "请写明退回原因"})
    _transition(session, actor, item, "return", note)
    item.review_note = note
    return item


def withdraw(session: Session, actor: Actor, item: ContentItem, note: str = "") -> ContentItem:
    """Take an item off view (the reviewer's decision)."""
    authorize(actor.user, Action.CONTENT_REVIEW, item)
    return _transition(session, actor, item, "withdraw", note)


def attach(
    session: Session, actor: Actor, item: ContentItem, *, filename: str, data: bytes, cover: bool
) -> Attachment:
    """Add a file (a document, or an image for the body or the cover)."""
    authorize(actor.user, Action.CONTENT_WRITE, item)
    category = "image" if cover else "document"
    row = attachments.store(
        session,
        actor,
        owner_type=ATTACHMENT_OWNER,
        owner_id=item.id,
        category=category,
        filename=filename,
        data=data,
    )
    if cover:
        item.cover_attachment_id = row.id
    return row


@outbox.every(60, "content.publish_and_expire")
def publish_and_expire(session: Session, now: datetime | None = None) -> int:
    """Publish approved items whose time has come and take expired ones off; returns how many."""
    now = now or utcnow()
    moved = 0
    for item in repository.due_to_release(session, now):
        if item.status == S.SCHEDULED:
            _transition(session, SYSTEM, item, "release")
            item.published_at = item.publish_at or now
            moved += 1
    for item in repository.due_to_expire(session, now):
        if item.status == S.PUBLISHED:
            _transition(session, SYSTEM, item, "expire")
            moved += 1
    return moved


# --- the policy document -----------------------------------------------------------------


def load_seed_policy(session: Session, actor: Actor = SYSTEM) -> ContentItem:
    """Publish the bureau's policy from the copy in the package, once; returns it."""
    existing = repository.by_slug(session, policy.SEED_SLUG)
    if existing is not None:
        return existing
    parsed = policy.parse(policy.seed_text())
    now = utcnow()
    item = ContentItem(
        kind=ContentKind.POLICY,
        status=S.PUBLISHED,
        slug=policy.SEED_SLUG,
        title=parsed.title,
        summary=parsed.preamble,
        body_html="",
        issuer="长春市科学技术局",
        doc_number="征求意见稿",
        topics=["科技成果转化", "政策奖补"],
        pinned=True,
        published_at=now,
        author_id=actor.user_id,
        clauses=[
            PolicyClause(number=c.number, chapter=c.chapter, heading=c.heading, text=c.text)
            for c in parsed.clauses
        ],
    )
    session.add(item)
    session.flush()
    _record(session, actor, item, "发布政策文件")
    audit.record(
        session,
        actor,
        "content.publish_policy",
        item,
        summary=f"发布政策文件：{item.title}（{len(parsed.clauses)} 条）",
    )
    _index(session, item)
    return item
