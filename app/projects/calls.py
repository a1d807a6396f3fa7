"""Calls (申报指南): drafting one with its form, criteria and budget line; publishing; reading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content import service as content_service
from app.core import audit
from app.core.audit import Actor
from app.core.clock import today
from app.core.db import lock_row
from app.core.errors import AppError, Conflict, InvalidInput, NotFound
from app.core.money import exact_yuan
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, signed_in
from app.funding import service as funding_service
from app.models import BudgetLine, Organization, OrgTag, ProjectCall, User
from app.models.enums import CallStatus, ContentKind, OrgTagKind, OrgType
from app.notifications import service as notifications
from app.projects import forms, notices, repository
from app.projects.flows import (
    FUNDING_PROGRAMME,
    C,
    call_flow,
    may_manage,
)
from app.projects.programmes import PROGRAMMES, Programme
from app.projects.schemas import CallCreate, CallRevise
from app.reviews.criteria import check_weights, criteria_from


def programme_of(call: ProjectCall) -> Programme:
    return PROGRAMMES[call.programme]


def clause_url(session: Session, call: ProjectCall) -> str:
    """The policy clause the call's programme carries out, on the policy's page."""
    return clause_url_for(session, programme_of(call).item_no)


def clause_url_for(session: Session, number: int) -> str:
    try:
        return content_service.clause_url(session, number)
    except AppError:  # the policy is not published (yet): the clause's own redirect
        return f"/policies/clauses/{number}"


def guide_url(session: Session, call: ProjectCall) -> str | None:
    if call.content_id is None:
        return None
    try:
        item = content_service.get(session, None, call.content_id)
    except AppError:
        return None
    return content_service.url(item)


def line(session: Session, call: ProjectCall) -> BudgetLine | None:
    return funding_service.line(session, FUNDING_PROGRAMME, call.id, call.year)


def _check(session: Session, actor: Actor, data: CallCreate) -> Programme:
    programme = PROGRAMMES.get(data.programme)
    errors: dict[str, str] = {}
    if programme is None:
        errors["programme"] = "请选择资金项目：" + "、".join(p.name for p in PROGRAMMES.values())
    elif programme.cap is not None and data.max_amount > programme.cap:
        errors["max_amount"] = (
            f"{programme.name}单个项目最高{exact_yuan(programme.cap)}（政策第{programme.item_no}条）"
        )
    if data.max_amount <= 0:
        errors["max_amount"] = "单个项目最高资助应大于 0"
    if data.budget < data.max_amount:
        errors["budget"] = "资金总额不能少于单个项目最高资助"
    if data.closes_on < data.opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期"
    if sum(data.tranche_percents) != 100 or min(data.tranche_percents) < 0:
        errors["tranche_percents"] = "三期拨款比例应为非负整数，合计 100"
    if data.content_id is not None:
        try:
            item = content_service.get(session, actor.user, data.content_id)
        except AppError:
            item = None
        if item is None or item.kind != ContentKind.CALL:
            errors["content_id"] = "请选择信息发布中的一篇申报指南"
    if errors:
        raise InvalidInput(errors=errors)
    assert programme is not None
    check_weights(criteria_from(c.model_dump() for c in data.criteria))
    return programme


def create(session: Session, actor: Actor, data: CallCreate) -> ProjectCall:
    """A draft call and its budget line (programme ``project_call``, item = the call)."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    programme = _check(session, actor, data)
    call = ProjectCall(
        programme=programme.code,
        title=data.title.strip(),
        year=data.year,
        summary=data.summary.strip(),
        eligibility=data.eligibility.strip(),
        org_types=[t.value for t in data.org_types],
        required_tags=[t.value for t in data.required_tags],
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        budget=data.budget,
        max_amount=data.max_amount,
        criteria=[c.model_dump() for c in data.criteria],
        form=forms.check_form(data.form),
        tranche_percents=list(data.tranche_percents),
        status=CallStatus.DRAFT,
        content_id=data.content_id,
        created_by_id=signed_in(actor.user).id,
    )
    session.add(call)
    session.flush()
    audit.record(
        session,
        actor,
        "project_call.create",
        call,
        summary=f"起草申报指南“{call.title}”（{programme.name}，资金{exact_yuan(call.budget)}）",
        after=audit.snapshot(call, ["programme", "title", "budget", "max_amount", "closes_on"]),
    )
    _set_line(session, actor, call, title=f"{call.title}项目经费")
    return call


def _set_line(session: Session, actor: Actor, call: ProjectCall, **named: str) -> BudgetLine:
    """The call's budget line holds the call's budget (made on the first call)."""
    return funding_service.set_line(
        session,
        actor,
        programme=FUNDING_PROGRAMME,
        item_no=call.id,
        year=call.year,
        total=call.budget,
        **named,
    )


def publish(session: Session, actor: Actor, call: ProjectCall) -> ProjectCall:
    """Open the call for applications."""
    call_flow.run(session, actor, call, "publish")
    return call


#: what a correction may change, with the labels the audit and the notification use
REVISABLE = {
    "title": "指南名称",
    "summary": "支持方向与申报要求",
    "eligibility": "申报条件",
    "opens_on": "申报开始日期",
    "closes_on": "申报截止日期",
    "budget": "资金总额",
    "criteria": "评价指标与权重",
}
#: fixed once the call is published: applicants drafted against them
FIXED = {
    "programme": "资金项目",
    "year": "年度",
    "max_amount": "单个项目最高资助",
    "form": "申报书字段",
    "tranche_percents": "三期拨款比例",
}


def revisable(session: Session, user: User | None, call_id: int) -> ProjectCall:
    """The call for the staff's correction form (404 for others' eyes on drafts, 403 else)."""
    authorize(user, Action.PROJECT_MANAGE)
    call = repository.call(session, call_id)
    if call is None:
        raise NotFound("该申报指南不存在")
    return call


def revise(session: Session, actor: Actor, call: ProjectCall, data: CallRevise) -> ProjectCall:
    """Correct a published call: dates, texts, the budget upward, the criteria while no
    application is submitted. Audited field by field (before → after); every applicant
    with a draft under the call is told what changed."""
    authorize(actor.user, Action.PROJECT_MANAGE)
    lock_row(call)  # two corrections at once apply one after the other
    if call.status != C.OPEN:
        raise Conflict(f"该申报指南当前为“{call.status.label}”，只能在申报中更正")
    given = data.model_dump(exclude_unset=True, exclude_none=True)
    fixed = [label for key, label in FIXED.items() if key in given]
    if fixed:
        raise InvalidInput(
            errors={"form": f"申报指南发布后不能修改{'、'.join(fixed)}；如需调整，请另行发布指南"}
        )
    new: dict[str, Any] = {}
    for key in ("title", "summary", "eligibility"):
        if key in given:
            new[key] = str(given[key]).strip()
    for key in ("opens_on", "closes_on"):
        if key in given:
            new[key] = given[key]
    errors: dict[str, str] = {}
    opens, closes = new.get("opens_on", call.opens_on), new.get("closes_on", call.closes_on)
    if closes < opens:
        errors["closes_on"] = "截止日期不能早于开始日期"
    elif "closes_on" in new and closes < today():
        errors["closes_on"] = "截止日期不能早于今天"
    if data.budget is not None:
        if data.budget < call.budget:
            errors["budget"] = f"资金总额只能调增，当前为{exact_yuan(call.budget)}"
        new["budget"] = data.budget
    if data.criteria is not None:
        criteria = [c.model_dump() for c in data.criteria]
        check_weights(criteria_from(criteria))
        if criteria != call.criteria:
            if submitted := repository.submitted_count(session, call.id):
                raise Conflict(f"已有 {submitted} 份申报书提交，评价指标和权重不能再修改")
            new["criteria"] = criteria
    if errors:
        raise InvalidInput(errors=errors)
    before = audit.snapshot(call, list(new))
    changed = {k: v for k, v in new.items() if before[k] != audit._plain(v)}
    if not changed:
        raise InvalidInput(errors={"form": "没有需要更正的内容"})
    for key, value in changed.items():
        setattr(call, key, value)
    if "budget" in changed:
        _set_line(
            session, actor, call, summary=f"“{call.title}”资金总额调增至{exact_yuan(call.budget)}"
        )
    labels = "、".join(REVISABLE[k] for k in changed)
    old, after = audit.diff(before, audit.snapshot(call, list(changed)))
    audit.record(
        session,
        actor,
        "project_call.revise",
        call,
        summary=f"更正申报指南“{call.title}”：{labels}",
        before=old,
        after=after,
    )
    for author in repository.draft_authors(session, call.id):
        notifications.send(
            session,
            author,
            notices.CALL_REVISED,
            link=f"/projects/calls/{call.id}",
            call=call.title,
            changes=labels,
            closes=f"{call.closes_on:%Y年%m月%d日}",
        )
    session.flush()
    return call


def page(
    session: Session, user: User | None, pagination: Pagination, *, programme: str | None = None
) -> Paged:
    """Published calls, latest deadline first; staff see drafts too."""
    stmt = repository.calls_stmt(programme=programme, drafts=may_manage(user))
    return paginate(session, stmt, pagination)


def for_guide(session: Session, content_id: int) -> list[ProjectCall]:
    """The published calls a 申报指南 of 信息发布 stands for (the guide links them)."""
    return repository.calls_for_content(session, content_id)


def accepting(call: ProjectCall, on: date | None = None) -> bool:
    day = on or today()
    return call.status == C.OPEN and call.opens_on <= day <= call.closes_on


def check_accepting(call: ProjectCall) -> None:
    if call.status != C.OPEN:
        raise Conflict(f"该申报指南当前为“{call.status.label}”，不接受申报")
    day = today()
    if day < call.opens_on:
        raise Conflict(f"申报将于 {call.opens_on:%Y年%m月%d日} 开始")
    if day > call.closes_on:
        raise Conflict(f"申报已于 {call.closes_on:%Y年%m月%d日} 截止，不能再提交或修改")


def eligibility_problem(session: Session, call: ProjectCall, org: Organization) -> str | None:
    """Why ``org`` may not apply under ``call`` (None when it may)."""
    if call.org_types and org.org_type.value not in call.org_types:
        allowed = "、".join(OrgType(t).label for t in call.org_types)
        return f"本指南仅限{allowed}申报，“{org.name}”为{org.org_type.label}"
    if call.required_tags:
        held = {
            tag.kind.value
            for tag in session.scalars(select(OrgTag).where(OrgTag.org_id == org.id))
            if tag.expires_on is None or tag.expires_on >= today()
        }
        lacking = [OrgTagKind(t).label for t in call.required_tags if t not in held]
        if lacking:
            return f"申报单位须为{'、'.join(lacking)}（认定在有效期内）"
    return None


def committed(session: Session, call: ProjectCall) -> Decimal:
    found = line(session, call)
    return found.committed if found is not None else Decimal("0.00")


def check_may_draft(user: User | None) -> None:
    authorize(user, Action.PROJECT_MANAGE)


def from_page_form(values: dict[str, str], org_types: list[Any], tags: list[Any]) -> dict[str, Any]:
    """What the staff's call form sends, as ``CallCreate`` takes it (criteria and fields are
    typed one a line, see ``forms.criteria_lines`` and ``forms.field_lines``)."""
    percents = [p.strip() for p in values.get("tranche_percents", "").replace("，", ",").split(",")]
    if not all(p.isdigit() for p in percents):
        raise InvalidInput(
            errors={"tranche_percents": "三期拨款比例应为三个整数，用逗号分隔，如 40,30,30"}
        )
    data: dict[str, Any] = {
        k: values.get(k, "")
        for k in ("programme", "title", "year", "summary", "eligibility", "opens_on", "closes_on")
    }
    data.update(
        budget=values.get("budget", ""),
        max_amount=values.get("max_amount", ""),
        org_types=[t for t in org_types if isinstance(t, str) and t],
        required_tags=[t for t in tags if isinstance(t, str) and t],
        criteria=forms.criteria_lines(values.get("criteria_text", "")),
        form=forms.field_lines(values.get("form_text", "")),
        tranche_percents=[int(p) for p in percents],
        content_id=values.get("content_id") or None,
    )
    return data
