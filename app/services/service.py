"""The service hall's use cases: catalogue, applications, staff moves, 好差评, 创新券 orders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import filetype
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.core import attachments, audit
from app.core.audit import Actor
from app.core.clock import local, today
from app.core.config import get_settings
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.core.money import exact_yuan
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can, signed_in
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.models import (
    Attachment,
    Organization,
    ServiceCase,
    ServiceCaseMaterial,
    ServiceItem,
    ServiceRating,
    User,
)
from app.models.enums import (
    CaseStatus,
    FollowUpStatus,
)
from app.notifications import service as notifications
from app.services import awards, eligibility, flow, guide, kinds, notices, policy, rd
from app.services.schemas import (
    CaseCreate,
    CaseMove,
    PanelSet,
    RatingAnswer,
    RatingCreate,
    RdExpenseSet,
    ScoreCreate,
)

F = FollowUpStatus
#: a 差评's follow-up: the bureau answers it once
RATING_FLOW: Workflow[FollowUpStatus] = Workflow(
    "该差评",
    "follow_up",
    [Transition("answer", "答复差评", frozenset({F.OPEN}), F.ANSWERED, Action.SERVICE_HANDLE)],
    type="service_rating",  # audit and event "service_rating.answer"
)
GRADES = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}


# --- catalogue ------------------------------------------------------------------------------


def items(session: Session) -> list[ServiceItem]:
    return list(
        session.scalars(
            select(ServiceItem).where(ServiceItem.active.is_(True)).order_by(ServiceItem.item_no)
        )
    )


def item_by_code(session: Session, code: str) -> ServiceItem:
    found = session.scalars(select(ServiceItem).where(ServiceItem.code == code)).one_or_none()
    if found is None:
        raise NotFound(f"没有编号为 {code} 的事项")
    return found


# --- applications ---------------------------------------------------------------------------


def _query() -> Any:
    return select(ServiceCase).options(joinedload(ServiceCase.item), joinedload(ServiceCase.org))


def hall_staff(user: User | None) -> User:
    """The member of staff who handles the hall's cases (401 without a sign-in, else 403)."""
    staff = signed_in(user)
    authorize(staff, Action.SERVICE_HANDLE)
    return staff


def get_case(session: Session, user: User | None, case_id: int) -> ServiceCase:
    signed_in(user)
    case = session.scalars(_query().where(ServiceCase.id == case_id)).unique().one_or_none()
    if case is None or not _may_see(user, case):
        raise NotFound("办件不存在或无权查看")
    return case


def _may_see(user: User | None, case: ServiceCase) -> bool:
    return can(user, Action.SERVICE_CASE_VIEW, case)


def own(user: User | None, case: ServiceCase) -> None:
    if user is None or user.active_org_id != case.org_id:
        raise PermissionDenied("仅申请单位的成员可以办理本办件")


def applicant_org(session: Session, user: User | None) -> Organization:
    """The verified organisation ``user`` applies for."""
    user = signed_in(user)
    if user.active_org_id is None:
        raise PermissionDenied("请先加入已认证的机构，再以机构名义申请")
    org = session.get(Organization, user.active_org_id)
    if org is None or not org.is_verified:
        raise PermissionDenied("机构通过认证后才能申请办理事项")
    return org


def create(session: Session, actor: Actor, data: CaseCreate) -> ServiceCase:
    """A draft of the enterprise's application for ``data.item``."""
    user = signed_in(actor.user)
    org = applicant_org(session, user)
    item = item_by_code(session, data.item)
    prepared = kinds.prepare(session, actor, org, item, data)
    case = ServiceCase(
        item=item,
        org=org,
        applicant_id=user.id,
        status=CaseStatus.DRAFT,
        year=local(utcnow()).year,
        form={"purpose": data.purpose.strip(), **prepared.form},
        requested_amount=prepared.requested,
        explanation=prepared.explanation,
    )
    session.add(case)
    session.flush()
    audit.record(
        session,
        actor,
        "service_case.create",
        case,
        summary=f"{org.name} 起草「{item.title}」申请",
        after={"status": case.status.value},
    )
    return case


def submit(session: Session, actor: Actor, case_id: int) -> ServiceCase:
    """Hand the case to the window: every material the guide requires must be uploaded.

    Refused with 422 naming each missing material (``materials.<n>``); optional ones (选填)
    do not block. Checked under the case's lock, so an upload replacing a file meanwhile is
    seen."""
    case = get_case(session, actor.user, case_id)
    own(actor.user, case)
    lock_row(case)
    if missing := missing_materials(session, case):
        raise InvalidInput(
            f"还有{len(missing)}项必需材料未上传："
            + "、".join(f"“{name}”" for name in missing.values()),
            errors={f"materials.{n}": f"请上传“{name}”" for n, name in missing.items()},
        )
    flow.move(session, actor, case, "submit")
    return case


def act(session: Session, actor: Actor, case_id: int, action: str, data: CaseMove) -> ServiceCase:
    """A staff move: 形式审查, 受理 / 不予受理 / 补正材料, 办理, 办结 (准予 / 不予)."""
    authorize(actor.user, Action.SERVICE_HANDLE)
    if action not in flow.STAFF_ACTIONS:
        raise NotFound(f"没有“{action}”这一办理操作")
    reason = data.reason.strip()
    if action in flow.NEEDS_REASON and not reason:
        raise InvalidInput(errors={"reason": f"“{flow.CASE_FLOW.label(action)}”须说明理由"})
    case = get_case(session, actor.user, case_id)
    if action == "grant" and case.item.kind != guide.GENERAL:
        lock_row(case)  # re-check the state under the lock before touching the budget
        flow.check(case, "grant")
        granted = kinds.grant(session, actor, case, data.amount)
        reason = reason or granted
    flow.move(session, actor, case, action, reason)
    return case


def disburse(session: Session, actor: Actor, case_id: int) -> ServiceCase:
    """拨付 a granted subsidy or award (研发投入补助, the expert-reviewed awards)."""
    authorize(actor.user, Action.SERVICE_HANDLE)
    case = get_case(session, actor.user, case_id)
    lock_row(case)
    if case.status != CaseStatus.GRANTED:
        raise Conflict(f"办件当前状态为“{case.status.label}”，准予后才能拨付")
    kinds.disburse(session, actor, case)
    audit.record(
        session,
        actor,
        "service_case.disburse",
        case,
        summary=f"{case.serial_no} 拨付{exact_yuan(case.granted_amount)}给{case.org.name}",
    )
    return case


# --- expert review ------------------------------------------------------------------------


def _award_case(session: Session, user: User | None, case_id: int) -> ServiceCase:
    case = get_case_for_review(session, user, case_id)
    if case.item.kind != guide.AWARD:
        raise NotFound("本事项不经专家评审")
    return case


def get_case_for_review(session: Session, user: User | None, case_id: int) -> ServiceCase:
    """The case as its applicant, staff or one of its panel's experts may see it."""
    signed_in(user)
    case = session.scalars(_query().where(ServiceCase.id == case_id)).unique().one_or_none()
    if case is None or not (_may_see(user, case) or awards.on_panel(session, case, user)):
        raise NotFound("办件不存在或无权查看")
    return case


def form_panel(session: Session, actor: Actor, case_id: int, data: PanelSet) -> ServiceCase:
    authorize(actor.user, Action.SERVICE_HANDLE)  # a staff move, decided before the lookup
    case = _award_case(session, actor.user, case_id)
    awards.form_panel(session, actor, case, data.expert_ids)
    return case


def scored_case(session: Session, user: User | None, case_id: int) -> ServiceCase:
    """The award case, when ``user`` is one of the experts who score it."""
    case = _award_case(session, user, case_id)
    awards.scorer(session, case, user)
    return case


def score(session: Session, actor: Actor, case_id: int, data: ScoreCreate) -> dict[str, Any]:
    case = _award_case(session, actor.user, case_id)
    awards.score(session, actor, case, [(m.score, m.comment) for m in data.items])
    return awards.summary(session, case, actor.user)


# --- 惠企政策精准推送 -------------------------------------------------------------------------


def recommendations(session: Session, user: User) -> dict[str, Any]:
    """For the user's organisation: every item, which it may apply for now, why, how much."""
    if user.active_org_id is None:
        raise PermissionDenied("请先加入机构，再查看可申请的惠企政策")
    org = session.get(Organization, user.active_org_id)
    if org is None:
        raise NotFound("机构不存在")
    year = local(utcnow()).year
    return {
        "org": org,
        "year": year,
        "items": eligibility.for_org(session, org, items(session), year, user),
    }


def record_rd_expense(session: Session, actor: Actor, data: RdExpenseSet) -> Any:
    """The enterprise records its 允许扣除的研发费用合计 of a year (read by 精准推送)."""
    user = signed_in(actor.user)
    if user.active_org_id is None:
        raise PermissionDenied("请先加入机构")
    org = session.get(Organization, user.active_org_id)
    if org is None or not can(user, Action.ORG_PUBLISH, org):
        raise PermissionDenied("仅已认证机构的成员可以填报本机构的研发费用")
    return rd.record_expense(session, actor, org.id, data.year, data.amount, data.surveyed)


def list_cases(
    session: Session,
    user: User,
    pagination: Pagination,
    *,
    status: CaseStatus | None = None,
    mine: bool = False,
) -> Paged:
    query = policy.visible_cases(_query().order_by(ServiceCase.id.desc()), user, mine=mine)
    if status is not None:
        query = query.where(ServiceCase.status == status)
    return paginate(session, query, pagination)


def progress(session: Session, user: User | None, case_id: int) -> dict[str, Any]:
    """The case with every step taken (department, deadline, actual time) and what is due now."""
    case = (
        session.scalars(
            _query().options(selectinload(ServiceCase.steps)).where(ServiceCase.id == case_id)
        )
        .unique()
        .one_or_none()
    )
    if case is None or not (_may_see(user, case) or awards.on_panel(session, case, user)):
        raise NotFound("办件不存在或无权查看")
    rows = []
    for n, step in enumerate(case.steps):
        done = case.steps[n + 1].at if n + 1 < len(case.steps) else None
        waiting = guide.step_for(case.item, step.status)
        rows.append(
            {
                "label": step.label,
                "status": step.status,
                "at": step.at,
                "department": step.department,
                "waiting": waiting["name"] if waiting else "",
                "due_on": step.due_on,
                "finished_at": done,
                "overdue": step.due_on is not None
                and (local(done).date() if done else today()) > step.due_on,
            }
        )
    review = awards.summary(session, case, user) if case.item.kind == guide.AWARD else None
    return {
        "case": case,
        "steps": rows,
        "materials": materials(session, case),
        "slots": material_slots(session, case),
        "review": review,
    }


def case_view(session: Session, user: User, case_id: int) -> dict[str, Any]:
    """The case page: its progress, and what the reader may do on it (staff moves, submit)."""
    found = progress(session, user, case_id)
    case = found["case"]
    staff = can(user, Action.SERVICE_HANDLE)
    return {
        **found,
        "staff": staff,
        "actions": [
            (t.action, t.label)
            for t in flow.CASE_FLOW.allowed(case)
            if staff and t.action in flow.STAFF_ACTIONS
        ],
        "owner": user.active_org_id == case.org_id,
        "can_submit": flow.CASE_FLOW.can(case, "submit"),
        "finished": case.status in flow.FINISHED,
        "grades": GRADES,
        "missing": missing_materials(session, case),
    }


def desk(
    session: Session, user: User, pagination: Pagination, status: CaseStatus | None
) -> dict[str, Any]:
    """The bureau's desk: the cases (of one status) and the 差评 still to answer."""
    authorize(user, Action.SERVICE_HANDLE)
    return {
        "page": list_cases(session, user, pagination, status=status),
        "follow": follow_ups(session, user, pagination),
    }


# --- materials ----------------------------------------------------------------------------

MATERIALS = "service_case"
EDITABLE = {CaseStatus.DRAFT, CaseStatus.CORRECTION}


def add_material(
    session: Session,
    actor: Actor,
    case_id: int,
    filename: str,
    data: bytes,
    material_no: int | None = None,
) -> Attachment:
    """A required material (PDF, Office or image, checked by content), while draft or 补正.

    With ``material_no`` the file fills that material of the item's guide, in one of the types
    the guide names for it; a file already there is replaced."""
    case = get_case(session, actor.user, case_id)
    own(actor.user, case)
    lock_row(case)
    if case.status not in EDITABLE:
        raise Conflict(f"办件当前状态为“{case.status.label}”，不能再上传材料")
    slot = None
    if material_no is not None:
        required = case.item.guide.get("materials") or []
        if not 0 <= material_no < len(required):
            raise InvalidInput(errors={"material_no": "本事项的办事指南中没有这项材料"})
        _check_material_type(required[material_no], filename, data)
        slot = session.scalars(
            select(ServiceCaseMaterial).where(
                ServiceCaseMaterial.case_id == case.id,
                ServiceCaseMaterial.material_no == material_no,
            )
        ).one_or_none()
    if slot is not None:
        old = session.get(Attachment, slot.attachment_id)
        session.delete(slot)
        session.flush()
        if old is not None:
            attachments.remove(session, actor, old)
    row = attachments.store(
        session,
        actor,
        owner_type=MATERIALS,
        owner_id=case.id,
        category="document",
        filename=filename,
        data=data,
    )
    if material_no is not None:
        session.add(
            ServiceCaseMaterial(case_id=case.id, material_no=material_no, attachment_id=row.id)
        )
        session.flush()
    return row


def _check_material_type(required: dict[str, Any], filename: str, data: bytes) -> None:
    """The guide names each material's types (``PDF、JPG、PNG``); the content must be one."""
    allowed = [t.strip().upper() for t in str(required.get("types", "")).split("、") if t.strip()]
    guessed = filetype.guess(data) if data else None
    found = attachments.CATEGORIES["document"].mime_types.get(guessed.mime if guessed else "")
    if allowed and found not in allowed:
        raise InvalidInput(
            errors={
                "file": f"“{required['name']}”只接受 {'、'.join(allowed)} 格式，"
                f"“{filename}”的内容是{found or '其他格式'}"
            }
        )


def material_slots(session: Session, case: ServiceCase) -> list[dict[str, Any]]:
    """Each required material of the guide with the file uploaded for it (or None)."""
    links = {
        link.material_no: link.attachment_id
        for link in session.scalars(
            select(ServiceCaseMaterial).where(ServiceCaseMaterial.case_id == case.id)
        )
    }
    files = {a.id: a for a in materials(session, case)}
    return [
        {
            "no": n,
            "name": m["name"],
            "types": m["types"],
            "optional": bool(m.get("optional")),
            "file": files.get(links.get(n, -1)),
        }
        for n, m in enumerate(case.item.guide.get("materials") or [])
    ]


def missing_materials(session: Session, case: ServiceCase) -> dict[int, str]:
    """The required (not 选填) materials of the guide with no file yet, by their number."""
    return {
        s["no"]: s["name"]
        for s in material_slots(session, case)
        if s["file"] is None and not s["optional"]
    }


def materials(session: Session, case: ServiceCase) -> list[Attachment]:
    return attachments.list_for(session, MATERIALS, case.id)


def material(session: Session, user: User | None, case_id: int, attachment_id: int) -> Attachment:
    case = get_case(session, user, case_id)
    return attachments.get(session, MATERIALS, case.id, attachment_id)


# --- 好差评 ---------------------------------------------------------------------------------


def rate(session: Session, actor: Actor, case_id: int, data: RatingCreate) -> ServiceRating:
    case = get_case(session, actor.user, case_id)
    own(actor.user, case)
    if case.status not in flow.FINISHED:
        raise Conflict("办件办结后才能评价")
    lock_row(case)  # two clicks on 提交评价 leave one rating
    if session.scalars(select(ServiceRating).where(ServiceRating.case_id == case.id)).first():
        raise Conflict("本办件已评价过")
    due = today() + timedelta(days=get_settings().service_follow_up_days)
    rating = ServiceRating(
        case_id=case.id,
        grade=data.grade,
        comment=data.comment.strip(),
        rated_by_id=actor.user_id,
        follow_up_due=due if data.grade <= 2 else None,
        follow_up=F.OPEN if data.grade <= 2 else F.NONE,
    )
    session.add(rating)
    session.flush()
    audit.record(
        session,
        actor,
        "service_case.rate",
        case,
        summary=f"{case.serial_no} 评价：{GRADES[data.grade]}",
        after={"grade": data.grade},
    )
    return rating


def follow_ups(session: Session, user: User, pagination: Pagination) -> Paged:
    """差评 still to be answered, oldest due first: the bureau's list."""
    authorize(user, Action.SERVICE_HANDLE)
    query = (
        select(ServiceRating)
        .options(joinedload(ServiceRating.case).joinedload(ServiceCase.item))
        .where(ServiceRating.follow_up == F.OPEN)
        .order_by(ServiceRating.follow_up_due, ServiceRating.id)
    )
    return paginate(session, query, pagination)


def rd_rates_desk(session: Session, user: User, pagination: Pagination) -> Paged:
    """The versions of the 研发投入补助 rates, in order, for the bureau's page."""
    authorize(user, Action.SERVICE_HANDLE)
    return rd.rates_page(session, pagination)


def answer(session: Session, actor: Actor, rating_id: int, data: RatingAnswer) -> ServiceRating:
    """The bureau's answer to a 差评 (once: ``RATING_FLOW``); the rater is told."""
    authorize(actor.user, Action.SERVICE_HANDLE)
    rating = session.get(ServiceRating, rating_id)
    if rating is None or rating.follow_up == F.NONE:
        raise NotFound("没有这条待整改的差评")
    lock_row(rating)  # a second answer waits here, then reads the first
    if rating.follow_up == F.ANSWERED:
        raise Conflict("这条差评已答复")
    text = data.answer.strip()
    RATING_FLOW.run(session, actor, rating, "answer", summary="答复差评", answer=text)
    rating.answer, rating.answered_at = text, utcnow()
    return rating


@on("service_rating.answer")
def _tell_rater(session: Session, event: WorkflowEvent[FollowUpStatus]) -> None:
    rating: ServiceRating = event.obj
    rater = session.get(User, rating.rated_by_id) if rating.rated_by_id else None
    case = session.get(ServiceCase, rating.case_id)
    if rater is None or case is None:
        return
    notifications.send(
        session,
        rater,
        notices.ANSWERED,
        link=f"/services/cases/{case.id}",
        serial_no=case.serial_no or "",
        answer=event.details.get("answer", rating.answer),
    )
