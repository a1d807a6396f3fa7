"""The novelty check (查新委托): 委托 → 检索 → 初稿 → 审核 → 出具报告.

Every state change goes through ``WORKFLOW.run`` (permission, row lock, state re-checked,
409 on a race, audit ``novelty.<action>``, one outbox event, subscribers). Retrieval runs over
patents and literature, per 查新点 (the point's text, with the commission's project and
technical description as context) and for the whole commission; the 查新员 marks hits
relevant or not and the point re-ranks; the 抵触申请 pass lists filings within 18 months
before the commission date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core import audit
from app.core.audit import Actor
from app.core.clock import local, today
from app.core.db import lock_row, next_counter_value, utcnow
from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from app.core.outbox import enqueue
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.models import (
    Literature,
    NoveltyCommission,
    NoveltyPoint,
    NoveltyReportCounter,
    Patent,
    User,
)
from app.models.enums import NoveltyPurpose, NoveltyStatus, Role
from app.notifications.service import send
from app.patents import access, notices
from app.patents import search as patent_search
from app.patents.retrieval import commission_query, passages

S = NoveltyStatus
WORKFLOW: Workflow[NoveltyStatus] = Workflow(
    "该查新委托",
    "status",
    [
        Transition(
            "search", "开始检索", frozenset({S.COMMISSIONED}), S.SEARCHING, Action.NOVELTY_SEARCH
        ),
        Transition("draft", "完成初稿", frozenset({S.SEARCHING}), S.DRAFTED, Action.NOVELTY_SEARCH),
        Transition(
            "submit", "提交审核", frozenset({S.DRAFTED}), S.IN_REVIEW, Action.NOVELTY_SEARCH
        ),
        Transition(
            "return", "退回修改", frozenset({S.IN_REVIEW}), S.DRAFTED, Action.NOVELTY_REVIEW
        ),
        Transition(
            "issue", "审核通过并出具报告", frozenset({S.IN_REVIEW}), S.ISSUED, Action.NOVELTY_REVIEW
        ),
    ],
    type="novelty",
    summary=lambda c: c.project_name,
)

#: 报告编号: year (4) + region (4, 吉林省长春市 2201) + agency (2) + serial (4) = 14 digits.
REGION = "2201"
AGENCY = "01"
HITS_PER_POINT = 10
CONFLICT_MONTHS = 18


def create(
    session: Session,
    actor: Actor,
    *,
    project_name: str,
    purpose: NoveltyPurpose,
    tech_points: str,
    points: list[str],
    requirements: str = "",
    commission_date: date | None = None,
) -> NoveltyCommission:
    """A requester's 查新委托 with its numbered 查新点."""
    user = actor.user
    if user is None:
        raise NotAuthenticated("请先登录后再提交查新委托")
    texts = [p.strip() for p in points if p.strip()]
    errors: dict[str, str] = {}
    if not project_name.strip():
        errors["project_name"] = "请填写项目名称"
    if not tech_points.strip():
        errors["tech_points"] = "请填写科学技术要点"
    if not texts:
        errors["points"] = "至少填写一个查新点"
    if len(texts) > 20:
        errors["points"] = "查新点最多 20 个"
    if errors:
        raise InvalidInput("查新委托填写有误", errors=errors)
    commission = NoveltyCommission(
        project_name=project_name.strip(),
        purpose=purpose,
        tech_points=tech_points.strip(),
        requirements=requirements.strip(),
        commission_date=commission_date or today(),
        requester_id=user.id,
        requester_org_id=user.active_org_id,
        points=[NoveltyPoint(number=i, text=t) for i, t in enumerate(texts, start=1)],
    )
    session.add(commission)
    audit.record(session, actor, "novelty.create", commission, summary=f"查新委托“{project_name}”")
    session.flush()
    enqueue(session, "novelty_commission.created", {"id": commission.id})
    for searcher in session.scalars(select(User).where(User.role == Role.NOVELTY_SEARCHER)):
        send(
            session,
            searcher,
            notices.COMMISSIONED,
            link=f"/patents/commissions/{commission.id}",
            project=commission.project_name,
            purpose=commission.purpose,
            points=len(commission.points),
        )
    return commission


def get(session: Session, user: User | None, commission_id: int) -> NoveltyCommission:
    commission = session.scalar(
        select(NoveltyCommission)
        .where(NoveltyCommission.id == commission_id)
        .options(selectinload(NoveltyCommission.points))
    )
    if commission is None:
        raise NotFound("查新委托不存在")
    access.require_view(user, commission)
    return commission


def list_for(session: Session, user: User, pagination: Pagination) -> Paged:
    """The agency sees all commissions; others their own and their organisation's."""
    stmt = select(NoveltyCommission).order_by(NoveltyCommission.id.desc())
    if not access.is_agency(user):
        mine = NoveltyCommission.requester_id == user.id
        if user.active_org_id is not None:
            mine = mine | (NoveltyCommission.requester_org_id == user.active_org_id)
        stmt = stmt.where(mine)
    return paginate(session, stmt, pagination)


def _move(
    session: Session, actor: Actor, commission: NoveltyCommission, action: str, note: str = ""
) -> None:
    WORKFLOW.run(session, actor, commission, action, note=note)


def _context(commission: NoveltyCommission) -> str:
    """What surrounds each point in its query: the project and its technical description."""
    return f"{commission.project_name}。{commission.tech_points}"


def _hit_key(hit: dict[str, Any]) -> str:
    if hit.get("type") == "literature":
        return patent_search.literature_key(int(hit["id"]))
    return str(hit["id"])


def _point_hits(
    session: Session, text: str, feedback: dict[str, bool], context: str = ""
) -> list[dict[str, Any]]:
    """The closest patents and papers for a query, re-ranked by the searcher's marks.

    Marked-relevant documents pull the query their way (their terms and vectors join it,
    Rocchio's idea); marked-irrelevant ones push it away and leave the list.
    """
    index = patent_search.index_for(session)
    hits = index.search(text, context=context, feedback=feedback, limit=HITS_PER_POINT)
    patent_ids = [int(h.patent_key) for h in hits if not patent_search.is_literature(h.patent_key)]
    paper_ids = [int(h.patent_key[1:]) for h in hits if patent_search.is_literature(h.patent_key)]
    patents = {
        str(p.id): p for p in session.scalars(select(Patent).where(Patent.id.in_(patent_ids)))
    }
    papers = {
        patent_search.literature_key(p.id): p
        for p in session.scalars(select(Literature).where(Literature.id.in_(paper_ids)))
    }
    wanted = {t for t in index.analyzer.query_tokens(text) if len(t) > 1}
    out = []
    for h in hits:
        snippets = passages(index.analyzer, text, h.text)
        covered = sorted({t for s in snippets for t in s["terms"]})
        common = {
            "snippets": snippets,
            "covers": covered,
            "missing": sorted(wanted - set(covered)),
            "relevant": feedback.get(h.patent_key),
        }
        if h.patent_key in patents:
            p = patents[h.patent_key]
            out.append(
                {
                    "type": "patent",
                    "id": p.id,
                    "title": p.title,
                    "number": p.publication_no or p.application_no,
                    "application_date": p.application_date.isoformat()
                    if p.application_date
                    else "",
                    "claim": h.claim,
                    "where": f"权利要求{h.claim}" if h.claim else "标题/摘要",
                    **common,
                }
            )
        elif h.patent_key in papers:
            paper = papers[h.patent_key]
            out.append(
                {
                    "type": "literature",
                    "id": paper.id,
                    "title": paper.title,
                    "number": paper.ref_no,
                    "source": "，".join(
                        t for t in (paper.authors, paper.venue, str(paper.year or "")) if t
                    ),
                    "application_date": "",
                    "claim": 0,
                    "where": "文献题名/摘要",
                    **common,
                }
            )
    return out


def _achievement_hits(session: Session, text: str) -> list[dict[str, Any]]:
    from app.search import service as search_service

    try:
        found = search_service.search(session, text, types=["achievement"], size=5, highlight=False)
    except Exception:  # the listing index down must not stop a novelty search
        return []
    return [
        {"type": "achievement", "id": item.id, "title": item.title, "url": item.url}
        for item in found.items
    ]


def run_search(session: Session, actor: Actor, commission: NoveltyCommission) -> NoveltyCommission:
    """查新员 starts the search: hits per point, for the whole, and the 抵触申请 pass."""
    user = access.require_searcher(actor.user)
    _move(session, actor, commission, "search")
    commission.searcher_id = user.id
    _refresh(session, commission)
    return commission


def _refresh(session: Session, commission: NoveltyCommission) -> None:
    terms: list[str] = []
    index = patent_search.index_for(session)
    context = _context(commission)
    for point in commission.points:
        point.hits = _point_hits(session, point.text, dict(point.feedback or {}), context)
        terms += [t for t in index.analyzer.query_tokens(point.text) if len(t) > 1]
    whole = _point_hits(
        session,
        commission_query(
            commission.project_name, commission.tech_points, [p.text for p in commission.points]
        ),
        {},
    )
    top_patents = [
        h["id"] for p in commission.points for h in p.hits[:3] if h.get("type") != "literature"
    ]
    ipcs = sorted(
        {
            code
            for code in session.scalars(select(Patent.ipc_main).where(Patent.id.in_(top_patents)))
            if code
        }
    )
    commission.strategy = {
        "databases": ["本平台专利数据库", "本平台文献库", "本平台科技成果库"],
        "terms": list(dict.fromkeys(terms))[:40],
        "ipc": [c[:4] for c in ipcs],
        "queries": [p.text for p in commission.points] + [commission.tech_points[:200]],
        "years": _years(session),
        "whole": whole,
        "achievements": _achievement_hits(session, commission.tech_points),
        "mode": "BM25 + 向量检索（加权融合）" if index.dense else "BM25",
    }
    commission.conflicting = _conflicting(session, commission)


def _years(session: Session) -> str:
    from sqlalchemy import func

    low, high = session.execute(
        select(func.min(Patent.application_date), func.max(Patent.application_date))
    ).one()
    return f"{low.year}–{high.year}" if low and high else "不限"


def _conflicting(session: Session, commission: NoveltyCommission) -> list[dict[str, Any]]:
    """Hits filed within 18 months before the commission date (possibly not yet published)."""
    start = months_before(commission.commission_date, CONFLICT_MONTHS)
    out = []
    seen: set[int] = set()
    for point in commission.points:
        for hit in point.hits:
            filed = hit.get("application_date")
            if hit.get("type") == "literature" or not filed or hit["id"] in seen:
                continue
            if start <= date.fromisoformat(filed) < commission.commission_date:
                seen.add(hit["id"])
                out.append({**hit, "point": point.number})
    return out


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def mark(
    session: Session,
    actor: Actor,
    commission: NoveltyCommission,
    point_no: int,
    patent_id: int | None,
    relevant: bool,
    *,
    literature_id: int | None = None,
) -> NoveltyPoint:
    """The 查新员 marks a hit (a patent or a paper) relevant or not; that point re-ranks."""
    access.require_searcher(actor.user)
    # Two marks at once wait for each other and both are kept; a mark after the report was
    # submitted meanwhile sees the new state.
    lock_row(commission)
    if commission.status not in (S.SEARCHING, S.DRAFTED):
        raise Conflict(f"查新委托当前状态为“{commission.status.label}”，不能标注检索结果")
    if (patent_id is None) == (literature_id is None):
        raise InvalidInput("请指明要标注的一件专利或一篇文献")
    point = _point(commission, point_no)
    if literature_id is not None:
        key, what = patent_search.literature_key(literature_id), f"文献{literature_id}"
        known = session.get(Literature, literature_id) is not None
    else:
        key, what = str(patent_id), f"专利{patent_id}"
        known = session.get(Patent, patent_id) is not None
    if not known:
        raise NotFound(f"{what}不存在")
    lock_row(point)
    feedback = dict(point.feedback or {})
    feedback[key] = relevant
    point.feedback = feedback
    point.hits = _point_hits(session, point.text, feedback, _context(commission))
    commission.conflicting = _conflicting(session, commission)
    audit.record(
        session,
        actor,
        "novelty.mark",
        commission,
        summary=f"查新点{point_no}：{what} 标为{'相关' if relevant else '不相关'}",
    )
    return point


def _point(commission: NoveltyCommission, number: int) -> NoveltyPoint:
    for point in commission.points:
        if point.number == number:
            return point
    raise NotFound(f"查新点{number}不存在")


def suggested_conclusion(point: NoveltyPoint) -> str:
    """A first wording for the 查新员 to edit, from how much of the point the hits cover."""
    close = [h for h in point.hits[:5] if h.get("relevant") is not False]
    if not close:
        return f"查新点{point.number}：在所检索范围内，未见相同或类似技术特征的文献报道。"
    best = close[0]
    covered = "、".join(best["covers"][:6]) or "部分技术特征"
    missing = "、".join(best["missing"][:6])
    text = f"查新点{point.number}：文献《{best['title']}》（{best['number']}，{best['where']}）公开了{covered}"
    if missing:
        return text + f"；但未见{missing}等技术特征的报道，该查新点在所检索范围内具有新颖性。"
    return text + "，与该查新点的技术特征基本相同，该查新点不具有新颖性。"


def save_draft(
    session: Session,
    actor: Actor,
    commission: NoveltyCommission,
    conclusions: dict[int, str],
    overall: str,
    *,
    finish: bool = False,
) -> NoveltyCommission:
    """The 查新员 edits each point's conclusion and the overall one; ``finish`` moves to 初稿."""
    access.require_searcher(actor.user)
    if commission.status not in (S.SEARCHING, S.DRAFTED):
        raise InvalidInput(f"查新委托当前状态为“{commission.status.label}”，不能修改结论")
    for point in commission.points:
        text = conclusions.get(point.number)
        point.conclusion = (
            text if text is not None else point.conclusion
        ).strip() or suggested_conclusion(point)
    commission.overall_conclusion = overall.strip() or "；".join(
        re.sub(r"^查新点\d+：", f"查新点{p.number}：", p.conclusion) for p in commission.points
    )
    if finish and commission.status == S.SEARCHING:
        _move(session, actor, commission, "draft")
    else:
        audit.record(session, actor, "novelty.edit", commission, summary="修改查新结论")
    return commission


def submit(session: Session, actor: Actor, commission: NoveltyCommission) -> NoveltyCommission:
    _move(session, actor, commission, "submit")
    return commission


@on("novelty.submit")
def _tell_reviewers(session: Session, event: WorkflowEvent[NoveltyStatus]) -> None:
    commission = event.obj
    for reviewer in session.scalars(select(User).where(User.role == Role.NOVELTY_REVIEWER)):
        send(
            session,
            reviewer,
            notices.FOR_REVIEW,
            link=f"/patents/commissions/{commission.id}",
            project=commission.project_name,
        )


def send_back(
    session: Session, actor: Actor, commission: NoveltyCommission, note: str
) -> NoveltyCommission:
    _move(session, actor, commission, "return", note.strip())
    commission.review_note = note.strip()
    return commission


def issue(session: Session, actor: Actor, commission: NoveltyCommission) -> NoveltyCommission:
    """审核员 approves: the report gets the next gapless 14-digit number of the year."""
    user = access.require_reviewer(actor.user)
    _move(session, actor, commission, "issue")
    now = utcnow()
    year = local(now).year
    commission.report_no = report_number(year, _next_serial(session, year))
    commission.reviewer_id = user.id
    commission.issued_at = now
    audit.record(
        session, actor, "novelty.number", commission, summary=f"报告编号 {commission.report_no}"
    )
    requester = session.get(User, commission.requester_id) if commission.requester_id else None
    if requester is not None:
        send(
            session,
            requester,
            notices.ISSUED,
            link=f"/patents/commissions/{commission.id}/report",
            project=commission.project_name,
            report_no=commission.report_no,
        )
    return commission


def report_number(year: int, serial: int) -> str:
    return f"{year:04d}{REGION}{AGENCY}{serial:04d}"


def _next_serial(session: Session, year: int) -> int:
    """The next serial of the year, counted in this transaction (a rollback gives it back)."""
    return next_counter_value(
        session, NoveltyReportCounter, year=year, region=REGION, agency=AGENCY
    )
