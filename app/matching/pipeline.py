"""The broker pipeline: a supply–demand pair from 推荐 to 签约 (or 关闭 with a reason).

A broker proposes a pair to both parties; each party confirms on its side (双方确认 once both
did); then 洽谈 and 签约. Stages follow what happened: 洽谈 needs both confirmations and opens
(or links) the deal the two organisations negotiate in; 签约 needs a contract they signed.
Other domains move pairs forward with :func:`advance_pipeline` (meeting outcomes, deals,
signed contracts); it never moves a pair back. ``broker_id`` records who introduced the
pair, which later decides the broker reward (policy item 19).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.workflow import Transition, Workflow, WorkflowEvent, on
from app.listings import service as listing_service
from app.matching import matcher, notices, repository
from app.models import Deal, Listing, MatchPipeline, TechContract, User
from app.models.enums import ListingKind, ListingStatus, PipelineStage
from app.notifications import service as notifications
from app.notifications.kinds import Kind

P = PipelineStage
OPEN = frozenset({P.PROPOSED, P.CONFIRMED, P.NEGOTIATING})
ADVANCE = Action.PIPELINE_ADVANCE
CONFIRM = Action.PIPELINE_CONFIRM
workflow: Workflow[PipelineStage] = Workflow(
    "该对接",
    "stage",
    [
        # Both parties' confirmations, recorded one by one (``confirm``), or an event's follow-up.
        Transition("confirm", "双方确认", frozenset({P.PROPOSED}), P.CONFIRMED, CONFIRM),
        Transition("negotiate", "进入洽谈", frozenset({P.CONFIRMED}), P.NEGOTIATING, ADVANCE),
        Transition("sign", "签约", frozenset({P.CONFIRMED, P.NEGOTIATING}), P.SIGNED, ADVANCE),
        Transition("close", "关闭", OPEN, P.CLOSED, ADVANCE),
    ],
    type="match",
)
ORDER = {P.PROPOSED: 0, P.CONFIRMED: 1, P.NEGOTIATING: 2, P.SIGNED: 3}
ACTION_FOR = {P.CONFIRMED: "confirm", P.NEGOTIATING: "negotiate", P.SIGNED: "sign"}
SOURCES = {
    "broker": "技术经纪人推荐",
    "event": "对接活动",
    "contract": "技术合同",
    "followup": "跟进记录",
}


def _sides(demand: Listing, supply: Listing) -> tuple[Listing, Listing]:
    """(demand side, supply side) of two listings given in either order."""
    if demand.kind == ListingKind.ACHIEVEMENT and supply.kind != ListingKind.ACHIEVEMENT:
        return supply, demand
    return demand, supply


def _load_pair(session: Session, a_id: int, b_id: int) -> tuple[Listing, Listing]:
    rows = {row.id: row for row in listing_service.by_ids(session, [a_id, b_id])}
    if a_id not in rows or b_id not in rows:
        raise NotFound("对接的成果或需求不存在")
    demand, supply = _sides(rows[a_id], rows[b_id])
    if supply.kind != ListingKind.ACHIEVEMENT or demand.kind == ListingKind.ACHIEVEMENT:
        raise InvalidInput(errors={"supply_listing_id": "对接需在科技成果与技术需求或榜单之间进行"})
    return demand, supply


def _log(entry: MatchPipeline, actor: Actor, what: str, note: str = "") -> None:
    item: dict[str, Any] = {
        "at": utcnow().isoformat(),
        "by": actor.display,
        "stage": entry.stage.value,
        "what": what,
    }
    if note:
        item["note"] = note
    entry.history = [*(entry.history or []), item]


def _tell_parties(
    session: Session,
    entry: MatchPipeline,
    kind: Kind,
    *,
    skip: User | None = None,
    **fields: Any,
) -> None:
    ids = {entry.demand.owner_id, entry.supply.owner_id}
    if entry.broker_id:
        ids.add(entry.broker_id)
    for user in repository.users(session, sorted(ids)).values():
        if skip is not None and user.id == skip.id:
            continue
        notifications.send(
            session,
            user,
            kind,
            link=f"/matching/pipeline/{entry.id}",
            supply=entry.supply.title,
            demand=entry.demand.title,
            **fields,
        )


def broker_for_pair(session: Session, listing_a_id: int, listing_b_id: int) -> User | None:
    """The broker who introduced two listings to each other (either order), if any."""
    entry = repository.pipeline_for_pair(session, listing_a_id, listing_b_id)
    return entry.broker if entry is not None else None


def get(session: Session, actor: Actor, pipeline_id: int) -> MatchPipeline:
    entry = repository.pipeline(session, pipeline_id)
    if entry is None or not can(actor.user, Action.PIPELINE_VIEW, entry):
        if entry is not None and actor.user is None:
            authorize(None, Action.PIPELINE_VIEW, entry)
        raise NotFound("该对接记录不存在或您无权查看")
    return entry


def may_advance(user: User | None, entry: MatchPipeline) -> bool:
    """Whether ``user`` may move ``entry`` on (its broker, its parties, the platform)."""
    return can(user, Action.PIPELINE_ADVANCE, entry)


def for_listing(session: Session, listing_id: int) -> list[MatchPipeline]:
    return repository.pipelines_of_listing(session, listing_id)


def mine(
    session: Session, actor: Actor, pagination: Pagination, stage: PipelineStage | None = None
) -> Paged:
    """The pipeline entries the actor works on (as broker or as either party)."""
    authorize(actor.user, Action.PIPELINE_LIST)
    assert actor.user is not None
    return paginate(session, repository.pipelines_visible_to(actor.user, stage), pagination)


def propose(
    session: Session,
    actor: Actor,
    *,
    demand_listing_id: int,
    supply_listing_id: int,
    note: str = "",
) -> MatchPipeline:
    """A broker introduces an achievement to a demand or challenge; both parties are told."""
    authorize(actor.user, Action.MATCH_PROPOSE)
    assert actor.user is not None
    demand, supply = _load_pair(session, demand_listing_id, supply_listing_id)
    if ListingStatus.PUBLISHED not in (demand.status,) or supply.status != ListingStatus.PUBLISHED:
        raise Conflict("只能推荐已发布的成果和需求")
    if demand.org_id == supply.org_id:
        raise Conflict("同一机构的成果与需求无需经纪人对接")
    if len(note) > 1000:
        raise InvalidInput(errors={"note": "推荐说明不能超过1000字"})
    existing = repository.pipeline_for_pair(session, demand.id, supply.id)
    if existing is not None:
        who = existing.broker.name if existing.broker else "对接活动"
        raise Conflict(f"这两项已在对接中（{who}，{existing.stage.label}），不能重复推荐")
    match = matcher.score_pair(session, demand, supply)
    entry = MatchPipeline(
        demand_listing_id=demand.id,
        supply_listing_id=supply.id,
        demand_org_id=demand.org_id,
        supply_org_id=supply.org_id,
        broker_id=actor.user.id,
        stage=P.PROPOSED,
        source="broker",
        score=match.score if match else None,
        reasons=match.reasons if match else [],
        note=note.strip(),
    )
    entry.demand, entry.supply, entry.broker = demand, supply, actor.user
    session.add(entry)
    _log(entry, actor, "推荐", note.strip())
    audit.record(
        session,
        actor,
        "match.propose",
        entry,
        summary=f"推荐对接：“{supply.title}” → “{demand.title}”",
        after=audit.snapshot(
            entry, ["demand_listing_id", "supply_listing_id", "broker_id", "stage"]
        ),
    )
    _tell_parties(
        session,
        entry,
        notices.PIPELINE_PROPOSED,
        skip=actor.user,
        broker=actor.user.name,
        demand_kind=demand.kind,
        note=note.strip(),
    )
    return entry


def _party_sides(user: User, entry: MatchPipeline) -> list[str]:
    sides = []
    if user.active_org_id is not None and user.active_org_id == entry.demand_org_id:
        sides.append("demand")
    if user.active_org_id is not None and user.active_org_id == entry.supply_org_id:
        sides.append("supply")
    return sides


def confirm(session: Session, actor: Actor, entry: MatchPipeline) -> MatchPipeline:
    """A party agrees to talk; once both sides did the pair moves to 双方确认."""
    authorize(actor.user, Action.PIPELINE_CONFIRM, entry)
    assert actor.user is not None
    lock_row(entry)  # the two sides confirming at once: the second sees the first's
    if entry.stage != P.PROPOSED:
        raise Conflict(f"该对接当前状态为“{entry.stage.label}”，无需再确认")
    now = utcnow()
    sides = _party_sides(actor.user, entry)
    before = audit.snapshot(entry, ["stage", "demand_confirmed_at", "supply_confirmed_at"])
    for side in sides:
        setattr(entry, f"{side}_confirmed_at", now)
    side_label = "需求方" if sides == ["demand"] else "成果方" if sides == ["supply"] else "双方"
    _log(entry, actor, f"{side_label}确认")
    if entry.demand_confirmed_at and entry.supply_confirmed_at:
        workflow.run(
            session,
            actor,
            entry,
            "confirm",
            summary=f"{side_label}确认对接",
            demand_confirmed_at=entry.demand_confirmed_at,
            supply_confirmed_at=entry.supply_confirmed_at,
        )
        return entry
    # One side of two: recorded, the stage waits for the other.
    _tell_parties(session, entry, notices.PIPELINE_HALF_CONFIRMED, skip=actor.user, side=side_label)
    audit.record(
        session,
        actor,
        "match.confirm",
        entry,
        summary=f"{side_label}确认对接",
        before=before,
        after=audit.snapshot(entry, ["stage", "demand_confirmed_at", "supply_confirmed_at"]),
    )
    return entry


def move(
    session: Session, actor: Actor, entry: MatchPipeline, action: str, *, reason: str = ""
) -> MatchPipeline:
    """进入洽谈, 签约 or 关闭 (with a reason), by the broker or either party."""
    authorize(actor.user, Action.PIPELINE_ADVANCE, entry)
    if action not in ("negotiate", "sign", "close"):
        raise InvalidInput(errors={"action": "不支持的操作"})
    reason = reason.strip()
    if action == "close" and not reason:
        raise InvalidInput(errors={"reason": "关闭对接时请说明原因"})
    if len(reason) > 300:
        raise InvalidInput(errors={"reason": "原因不能超过300字"})
    lock_row(entry)
    note = reason
    if action == "negotiate":
        _check_confirmed(entry, "进入洽谈")
        deal, opened = _deals().open_for_pair(
            session, actor, supply=entry.supply, demand=entry.demand, broker_id=entry.broker_id
        )
        note = f"{'已开启' if opened else '关联已有'}洽谈 /deals/{deal.id}"
    elif action == "sign":
        _check_confirmed(entry, "签约")
        contract = _deals().contract_for_pair(session, supply=entry.supply, demand=entry.demand)
        if contract is None:
            raise Conflict(
                "签约需要双方已签订的技术合同：请在洽谈中录入合同，录入后对接自动进入签约"
            )
        note = f"技术合同“{contract.title}”"
    summary = f"对接{workflow.label(action)}" + (f"：{reason}" if reason else "")
    details = {"close_reason": reason} if reason else {}
    workflow.run(session, actor, entry, action, note=note, summary=summary, **details)
    if action == "close":
        entry.close_reason = reason
    _log(entry, actor, workflow.label(action), note)
    return entry


@on("match.confirm")
def _tell_confirmed(session: Session, event: WorkflowEvent[PipelineStage]) -> None:
    _tell_parties(session, event.obj, notices.PIPELINE_CONFIRMED, skip=event.actor.user)


@on("match.negotiate", "match.sign", "match.close")
def _tell_moved(session: Session, event: WorkflowEvent[PipelineStage]) -> None:
    _tell_parties(
        session,
        event.obj,
        notices.PIPELINE_MOVED,
        skip=event.actor.user,
        stage=event.after,
        step=workflow.label(event.action),
        note=event.note,
    )


def _deals() -> Any:
    # trading imports matching when it loads, so matching reaches trading at call time.
    from app.trading import deals

    return deals


def _check_confirmed(entry: MatchPipeline, what: str) -> None:
    """Refuse a step that needs both parties' confirmation while one is still missing."""
    if entry.stage != P.PROPOSED:
        return
    waiting = [
        label
        for label, at in (
            ("需求方", entry.demand_confirmed_at),
            ("成果方", entry.supply_confirmed_at),
        )
        if at is None
    ]
    raise Conflict(f"供需双方都确认后才能{what}，目前还在等待{'和'.join(waiting)}确认")


def deal_of(session: Session, entry: MatchPipeline) -> Deal | None:
    """The deal the pair negotiates in, if one is running."""
    deal: Deal | None = _deals().deal_for_pair(session, supply=entry.supply, demand=entry.demand)
    return deal


def signing_contract(session: Session, entry: MatchPipeline) -> TechContract | None:
    """The contract that lets the pair be marked 签约, if the two organisations signed one."""
    contract: TechContract | None = _deals().contract_for_pair(
        session, supply=entry.supply, demand=entry.demand
    )
    return contract


def advance_pipeline(
    session: Session,
    *,
    demand_listing_id: int,
    supply_listing_id: int,
    stage: PipelineStage | str,
    actor: Actor,
    note: str = "",
    source: str = "followup",
) -> MatchPipeline:
    """Move a pair forward to ``stage``, creating its entry (without a broker) when new.

    Never moves backward: a pair already at or past ``stage``, or closed, stays as it is.
    Callers (meeting outcomes, contracts) check their own permissions.
    """
    target = PipelineStage(stage)
    if target == P.CLOSED:
        raise InvalidInput(errors={"stage": "关闭对接请使用关闭操作并说明原因"})
    demand, supply = _load_pair(session, demand_listing_id, supply_listing_id)
    entry = repository.pipeline_for_pair(session, demand.id, supply.id)
    if entry is None:
        entry = MatchPipeline(
            demand_listing_id=demand.id,
            supply_listing_id=supply.id,
            demand_org_id=demand.org_id,
            supply_org_id=supply.org_id,
            broker_id=None,
            stage=P.PROPOSED,
            source=source if source in SOURCES else "followup",
            reasons=[],
            note=note.strip(),
        )
        entry.demand, entry.supply, entry.broker = demand, supply, None
        session.add(entry)
        _log(entry, actor, f"由{SOURCES.get(entry.source, '跟进记录')}建立", note.strip())
        audit.record(
            session,
            actor,
            "match.pipeline_created",
            entry,
            summary=f"对接记录建立：“{supply.title}” → “{demand.title}”",
        )
    if entry.stage == P.CLOSED or ORDER[entry.stage] >= ORDER[target]:
        return entry
    before = entry.stage
    # Up to two steps at once, audited once below as "match.advance" (moved, not decided):
    # the engine's one event per step does not fit, so the stage is moved here.
    if entry.stage == P.PROPOSED:
        # Both sides met, opened a deal or signed: that is their confirmation.
        workflow.apply(entry, "confirm")
        now: datetime = utcnow()
        entry.demand_confirmed_at = entry.demand_confirmed_at or now
        entry.supply_confirmed_at = entry.supply_confirmed_at or now
    if target != P.CONFIRMED:
        workflow.apply(entry, ACTION_FOR[target])
    after = entry.stage
    _log(entry, actor, after.label, note.strip())
    audit.record(
        session,
        actor,
        "match.advance",
        entry,
        summary=f"对接推进到“{after.label}”" + (f"：{note.strip()}" if note.strip() else ""),
        before={"stage": before.value},
        after={"stage": after.value},
    )
    _tell_parties(session, entry, notices.PIPELINE_ADVANCED, stage=after, note=note.strip())
    return entry


@dataclass
class Suggestion:
    need: Listing
    match: matcher.Match


SUGGEST_MIN_SCORE = 60.0


def suggestions(
    session: Session, actor: Actor, *, needs: int = 8, per_need: int = 2
) -> list[Suggestion]:
    """New high-scoring pairs in the broker's fields that nobody proposed yet, best first."""
    authorize(actor.user, Action.MATCH_PROPOSE)
    assert actor.user is not None
    profile = repository.expert_profile(session, actor.user.id)
    fields = list(profile.field_codes) if profile and profile.field_codes else []
    recent = repository.recent_needs(session, fields, needs)
    taken = repository.pair_keys(session, [n.id for n in recent])
    out: list[Suggestion] = []
    for need in recent:
        found = matcher.find_matches(session, need, limit=per_need + 3, kinds=["achievement"])
        kept = [m for m in found if m.score >= SUGGEST_MIN_SCORE and (need.id, m.id) not in taken]
        out += [Suggestion(need, m) for m in kept[:per_need]]
    out.sort(key=lambda s: -s.match.score)
    return out
