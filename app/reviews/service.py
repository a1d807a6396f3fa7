"""Expert review rules over any subject: members and conflicts, blind weighted scores, ranking.

A domain registers its subject type once (``register(ReviewKind(...))``) and then, inside its
own use cases (which authorise the actor, lock the subject's row and hold the lifecycle state),
calls these functions with ``(subject_type, subject_id)``:

* ``set_members`` / ``recheck`` — the panel: every proposed expert kept, excluded ones with the
  reasons ``conflicts.find_conflicts`` wrote;
* ``save_score`` — one expert's marks for one entry on the subject's weighted criteria;
* ``visible_scores`` — blind scoring: before the review closes an expert sees their own rows
  only; staff see all;
* ``missing`` and ``entries`` + ``ranking.rank`` — closing: who still has to score, then the
  ranking with every tie explained;
* ``shown_name`` — applicants' identity hidden from experts where the kind is blind.

Functions flush, never commit; they write no audit rows of their own, because the domain's
audit line names its own subject (“组建某榜单评审专家组”).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from app.core.errors import InvalidInput
from app.models import ReviewMember, ReviewScore, User
from app.models.enums import PanelMemberStatus
from app.reviews import repository
from app.reviews.conflicts import Conflicts
from app.reviews.criteria import Criterion, Mark, scored_items
from app.reviews.ranking import Entry, shown

ELIGIBLE, EXCLUDED = PanelMemberStatus.ELIGIBLE, PanelMemberStatus.EXCLUDED


@dataclass(frozen=True)
class ReviewKind:
    """What a domain tells the review about its subjects."""

    subject_type: str
    #: what the subject is called in messages: 榜单, 申报指南, 事项
    label: str
    #: experts score without seeing who applied (entries shown as 申请 1, 申请 2 …)
    blind: bool = False


_KINDS: dict[str, ReviewKind] = {}


def register(kind: ReviewKind) -> ReviewKind:
    """Declare a subject type; registering the same one twice must describe it the same way."""
    known = _KINDS.setdefault(kind.subject_type, kind)
    if known != kind:
        raise ValueError(f"review subject type {kind.subject_type!r} registered differently")
    return kind


def kind(subject_type: str) -> ReviewKind:
    return _KINDS[subject_type]


def kinds() -> list[ReviewKind]:
    return sorted(_KINDS.values(), key=lambda k: k.subject_type)


# --- the panel ------------------------------------------------------------------------------


def experts(session: Session, ids: Iterable[int] | None = None) -> list[User]:
    """Experts in the register who may be proposed (all, or the given ones)."""
    return repository.experts(session, ids)


def known_experts(session: Session, expert_ids: Sequence[int], field: str) -> dict[int, User]:
    """The proposed experts, in order and once each; unknown ids are refused by number."""
    wanted = list(dict.fromkeys(expert_ids))
    found = {u.id: u for u in repository.experts(session, wanted)}
    unknown = [str(i) for i in wanted if i not in found]
    if unknown:
        raise InvalidInput(errors={field: f"以下用户不是在册专家或已停用：{'、'.join(unknown)}"})
    return {i: found[i] for i in wanted}


def members(session: Session, subject_type: str, subject_id: int) -> list[ReviewMember]:
    return repository.members(session, subject_type, subject_id)


def seat(members: Iterable[ReviewMember], user: User | None) -> ReviewMember | None:
    """The user's place on the panel, eligible or excluded (None when not proposed)."""
    if user is None:
        return None
    return next((m for m in members if m.expert_id == user.id), None)


def eligible(members: Iterable[ReviewMember]) -> list[ReviewMember]:
    return [m for m in members if m.status == ELIGIBLE]


def set_members(
    session: Session,
    subject_type: str,
    subject_id: int,
    experts: Sequence[User],
    found: Conflicts,
) -> list[ReviewMember]:
    """Replace the panel with ``experts``; each one conflicted is kept, excluded, with reasons."""
    for old in repository.members(session, subject_type, subject_id):
        session.delete(old)
    session.flush()
    rows = []
    for expert in experts:
        reasons = found.get(expert.id, [])
        row = ReviewMember(
            subject_type=subject_type,
            subject_id=subject_id,
            expert_id=expert.id,
            expert=expert,
            status=EXCLUDED if reasons else ELIGIBLE,
            conflicts=reasons,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def recheck(members: Iterable[ReviewMember], found: Conflicts) -> list[str]:
    """Apply conflicts found again (the final applicants); returns what changed, in words."""
    changes = []
    for member in members:
        reasons = found.get(member.expert_id, [])
        status = EXCLUDED if reasons else ELIGIBLE
        if status != member.status:
            changes.append(f"{member.expert.name}：{member.status.label} → {status.label}")
        member.status, member.conflicts = status, reasons
    return changes


# --- scores ---------------------------------------------------------------------------------


def scores(session: Session, subject_type: str, entry_ids: Iterable[int]) -> list[ReviewScore]:
    return repository.scores(session, subject_type, entry_ids)


def save_score(
    session: Session,
    subject_type: str,
    subject_id: int,
    entry_id: int,
    expert_id: int,
    criteria: Sequence[Criterion],
    marks: Sequence[Mark],
) -> tuple[ReviewScore, dict[str, Any] | None]:
    """Create or revise one expert's scores for one entry; returns the row and what it was."""
    items, total = scored_items(criteria, marks)
    row = repository.score(session, subject_type, entry_id, expert_id)
    before = {"total": str(row.total)} if row else None
    if row is None:
        row = ReviewScore(
            subject_type=subject_type,
            subject_id=subject_id,
            entry_id=entry_id,
            expert_id=expert_id,
            items=items,
            total=total,
        )
        session.add(row)
    else:
        row.items, row.total = items, total
    session.flush()
    return row, before


def visible_scores(
    rows: Iterable[ReviewScore], viewer_id: int, *, closed: bool, staff: bool
) -> list[ReviewScore]:
    """Blind scoring: until the review closes an expert sees only their own scores."""
    rows = list(rows)
    if staff or closed:
        return rows
    return [r for r in rows if r.expert_id == viewer_id]


def missing(
    members: Iterable[ReviewMember],
    entries: Sequence[tuple[int, str]],
    rows: Iterable[ReviewScore],
) -> list[str]:
    """For each eligible expert who has not scored every entry: who, and which are left."""
    done = {(r.entry_id, r.expert_id) for r in rows}
    out = []
    for member in eligible(members):
        todo = [name for entry_id, name in entries if (entry_id, member.expert_id) not in done]
        if todo:
            out.append(f"{member.expert.name}尚未评：{'、'.join(todo)}")
    return out


def entries(
    rows: Iterable[ReviewScore], eligible_ids: set[int], named: Sequence[tuple[int, str]]
) -> list[Entry]:
    """The ranking's input: each entry with its eligible experts' scores, criterion by criterion."""
    by_entry: dict[int, list[list[int]]] = defaultdict(list)
    for row in rows:
        if row.expert_id in eligible_ids:
            by_entry[row.entry_id].append([int(i["score"]) for i in row.items])
    return [Entry(key=key, name=name, expert_scores=by_entry[key]) for key, name in named]


def shown_name(review: ReviewKind, name: str, position: int, *, staff: bool) -> str:
    """An applicant's name as an expert may see it: hidden behind a number on a blind review."""
    if review.blind and not staff:
        return f"申请 {position}"
    return name


def criterion_means(rows: Iterable[ReviewScore], count: int) -> list[Decimal]:
    """Mean score per criterion over ``rows`` (one entry's scores), to two decimals."""
    rows = list(rows)
    if not rows:
        return [Decimal(0)] * count
    return [
        shown(Fraction(sum(int(r.items[i]["score"]) for r in rows), len(rows)))
        for i in range(count)
    ]
