"""Awards decided after expert review (policy items 9 first clause, 10, 11, 22).

While a case is 受理 or 办理, staff form its panel (``app/reviews``, subject ``service_case``;
an expert whose organisation is the applicant, or signed a technical contract with it in the
last three years, is excluded with the reason). Each eligible expert scores the application on
the item's weighted criteria (the guide's ``criteria``). 办结（准予） needs every eligible
expert's score and an amount within the item's cap (the guide's ``cap``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.core.money import exact_yuan
from app.core.permissions import Action, authorize, can
from app.models import ReviewMember, ServiceCase, User
from app.models.enums import CaseStatus, PanelMemberStatus
from app.reviews import service as review_service
from app.reviews import tasks
from app.reviews.conflicts import Party, find_conflicts
from app.reviews.criteria import Mark, criteria_from

REVIEW = review_service.register(
    review_service.ReviewKind(subject_type="service_case", label="办件", blind=False)
)
OPEN = {CaseStatus.ACCEPTED, CaseStatus.PROCESSING}


def cap(case: ServiceCase) -> Decimal:
    return Decimal(str(case.item.guide["cap"]))


def on_panel(session: Session, case: ServiceCase, user: User | None) -> bool:
    """Whether ``user`` was proposed for the case's panel (eligible or excluded)."""
    if user is None or case.item.kind != "expert_award":
        return False
    members = review_service.members(session, REVIEW.subject_type, case.id)
    return review_service.seat(members, user) is not None


def eligible_experts(session: Session, case_id: int) -> list[User]:
    """The panel's experts who score (the excluded left out), in the order they were seated."""
    members = review_service.members(session, REVIEW.subject_type, case_id)
    return [m.expert for m in review_service.eligible(members)]


def form_panel(session: Session, actor: Actor, case: ServiceCase, expert_ids: list[int]) -> None:
    """Seat the proposed experts; conflicted ones are kept, excluded, with their reasons."""
    authorize(actor.user, Action.SERVICE_HANDLE)
    lock_row(case)
    if case.status not in OPEN:
        raise Conflict(f"办件当前状态为“{case.status.label}”，受理后、办结前才能组建评审专家组")
    if not expert_ids:
        raise InvalidInput(errors={"expert_ids": "请至少选择一位专家"})
    experts = review_service.known_experts(session, expert_ids, "expert_ids")
    parties = [Party(case.org_id, "申请单位", case.org.name, partners=True)]
    found = find_conflicts(session, parties, list(experts.values()))
    rows = review_service.set_members(
        session, REVIEW.subject_type, case.id, list(experts.values()), found
    )
    seated = review_service.eligible(rows)
    if not seated:
        raise Conflict("所选专家均因利益冲突回避，请另选专家")
    audit.record(
        session,
        actor,
        "service_case.form_panel",
        case,
        summary=f"{case.serial_no} 组建评审专家组：{len(seated)}人参评，"
        f"{len(rows) - len(seated)}人回避",
    )


def scorer(session: Session, case: ServiceCase, user: User | None) -> User:
    """``user``, when they sit on the case's panel and were not excluded."""
    members = review_service.members(session, REVIEW.subject_type, case.id)
    seat = review_service.seat(members, user)
    if user is None or seat is None:
        raise PermissionDenied("您不是本办件的评审专家")
    if seat not in review_service.eligible(members):
        raise PermissionDenied("您因利益冲突回避本办件的评审：" + "；".join(seat.conflicts))
    return user


def score(
    session: Session, actor: Actor, case: ServiceCase, marks: list[tuple[int, str]]
) -> Decimal:
    """An eligible expert's marks on the item's criteria (revisable until 办结); the total."""
    user = scorer(session, case, actor.user)
    lock_row(case)
    if case.status not in OPEN:
        raise Conflict(f"办件当前状态为“{case.status.label}”，不能再评分")
    row, before = review_service.save_score(
        session,
        REVIEW.subject_type,
        case.id,
        case.id,
        user.id,
        criteria_from(case.item.guide["criteria"]),
        [Mark(s, c) for s, c in marks],
    )
    audit.record(
        session,
        actor,
        "service_case.score",
        case,
        summary=f"{case.serial_no} 专家评分：{row.total}",
        before=before,
        after={"total": str(row.total)},
    )
    return row.total


def summary(session: Session, case: ServiceCase, viewer: User | None) -> dict[str, Any]:
    """The panel, the scores the viewer may see, the mean total and who still has to score."""
    members = review_service.members(session, REVIEW.subject_type, case.id)
    rows = review_service.scores(session, REVIEW.subject_type, [case.id])
    staff = viewer is not None and can(viewer, Action.SERVICE_HANDLE)
    closed = case.status not in OPEN
    eligible = {m.expert_id for m in review_service.eligible(members)}
    counted = [r for r in rows if r.expert_id in eligible]
    mean = (
        (sum((r.total for r in counted), Decimal(0)) / len(counted)).quantize(Decimal("0.01"))
        if counted
        else None
    )
    seat = review_service.seat(members, viewer)
    return {
        "members": members if staff or closed else [],
        "scores": review_service.visible_scores(
            rows, viewer.id if viewer else 0, closed=closed, staff=staff
        ),
        "mean": mean if staff or closed else None,
        "missing": review_service.missing(members, [(case.id, "本申请")], rows),
        "criteria": case.item.guide.get("criteria", []),
        "may_score": seat is not None and seat.expert_id in eligible and case.status in OPEN,
        "cap": cap(case),
    }


def decide(session: Session, case: ServiceCase, amount: Decimal | None) -> Decimal:
    """Before 办结（准予）: the review is complete and the amount within the item's cap."""
    members = review_service.members(session, REVIEW.subject_type, case.id)
    if not review_service.eligible(members):
        raise Conflict("本事项须经专家评审，请先组建评审专家组")
    rows = review_service.scores(session, REVIEW.subject_type, [case.id])
    if missing := review_service.missing(members, [(case.id, "本申请")], rows):
        raise Conflict("还有专家未完成评分：" + "；".join(missing))
    limit = cap(case)
    if amount is None or amount <= 0:
        raise InvalidInput(errors={"amount": "请填写核定的奖励金额（元），应大于 0"})
    if amount > limit:
        raise InvalidInput(
            errors={
                "amount": f"核定金额不能超过本事项上限{exact_yuan(limit)}（政策第{case.item.item_no}条）"
            }
        )
    return amount


@tasks.describes(REVIEW.subject_type)
def _tasks(session: Session, expert: User, members: list[ReviewMember]) -> list[tasks.ReviewTask]:
    """The award cases the expert sits on: scored or waiting, by the due date of the case's
    current step."""
    out = []
    for member in members:
        case = session.scalars(
            select(ServiceCase)
            .options(joinedload(ServiceCase.item), selectinload(ServiceCase.steps))
            .where(ServiceCase.id == member.subject_id)
        ).one_or_none()
        if case is None:
            continue
        scored = any(
            r.expert_id == expert.id
            for r in review_service.scores(session, REVIEW.subject_type, [case.id])
        )
        excluded = member.status == PanelMemberStatus.EXCLUDED
        open_ = case.status in OPEN
        if excluded:
            label = "已回避：" + "；".join(member.conflicts)
        elif open_:
            label = "已评分，办结前可修改" if scored else "待评分"
        else:
            label = f"评审结束（{case.status.label}）"
        due = case.steps[-1].due_on if case.steps and open_ else None
        out.append(
            tasks.ReviewTask(
                subject_type=REVIEW.subject_type,
                subject_id=case.id,
                kind_label="奖补事项评审",
                title=f"{case.serial_no or ''} {case.item.title}".strip(),
                pending=open_ and not excluded and not scored,
                status_label=label,
                deadline=due,
                url=f"/services/cases/{case.id}",
                scored=int(scored),
                of=1,
            )
        )
    return out
