"""Domain terms and synonyms that administrators add at run time, on top of the shipped files.

Rows live in ``search_term``; every process applies new rows to its analyzer on start-up and
then at most every ``SYNC_SECONDS`` when it searches or indexes, so a web server, a worker
and other web servers all pick up an addition. Terms change segmentation, so documents
indexed earlier only match the new term after a rebuild, which the admin page offers.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.outbox import enqueue
from app.core.permissions import Action, authorize
from app.models import SearchTerm
from search.analysis import default_analyzer, normalize

TERM = "term"
SYNONYM = "synonym"
REBUILD_TOPIC = "search.rebuild"
SYNC_SECONDS = 30.0

_lock = threading.Lock()
_applied: set[tuple[str, str]] = set()
_checked_at = 0.0


def _words(text: str) -> list[str]:
    separators = "，,、;；|\n\t"
    for sep in separators:
        text = text.replace(sep, " ")
    return [w for w in (normalize(part) for part in text.split()) if w]


def sync(session: Session, *, force: bool = False) -> int:
    """Apply entries not yet applied to this process's analyzer; returns how many."""
    global _checked_at
    now = time.monotonic()
    if not force and now - _checked_at < SYNC_SECONDS:
        return 0
    with _lock:
        _checked_at = now
        rows = session.execute(select(SearchTerm.kind, SearchTerm.value).order_by(SearchTerm.id))
        new = [(kind, value) for kind, value in rows if (kind, value) not in _applied]
        analyzer = default_analyzer()
        for kind, value in new:
            if kind == TERM:
                analyzer.add_terms([value])
            else:
                analyzer.add_synonyms(value.split("|"))
            _applied.add((kind, value))
        return len(new)


def list_terms(session: Session, actor: Actor) -> list[SearchTerm]:
    authorize(actor.user, Action.SEARCH_MANAGE)
    return list(session.scalars(select(SearchTerm).order_by(SearchTerm.id.desc())))


def add_terms(session: Session, actor: Actor, text: str) -> list[SearchTerm]:
    """Add domain terms (separated by spaces, commas or new lines) so they segment whole."""
    authorize(actor.user, Action.SEARCH_MANAGE)
    words = list(dict.fromkeys(_words(text)))
    if not words:
        raise InvalidInput(errors={"terms": "请至少填写一个术语"})
    too_long = [w for w in words if len(w) > 40]
    if too_long:
        raise InvalidInput(errors={"terms": f"术语过长（最多40个字）：{too_long[0]}"})
    existing = set(
        session.scalars(
            select(SearchTerm.value).where(SearchTerm.kind == TERM, SearchTerm.value.in_(words))
        )
    )
    known = default_analyzer().terms
    new = [w for w in words if w not in existing and w not in known]
    if not new:
        raise Conflict("这些术语已在词典中", errors={"terms": "这些术语已在词典中"})
    rows = [SearchTerm(kind=TERM, value=w, created_by_id=actor.user_id) for w in new]
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        actor,
        "search.terms_add",
        rows[0],
        summary=f"添加搜索术语：{'、'.join(new)}",
        after={"terms": new},
    )
    return rows


def add_synonyms(session: Session, actor: Actor, text: str) -> SearchTerm:
    """Add one synonym group: words that should find each other."""
    authorize(actor.user, Action.SEARCH_MANAGE)
    words = sorted(set(_words(text)))
    if len(words) < 2:
        raise InvalidInput(errors={"synonyms": "同义词组至少需要两个不同的词"})
    value = "|".join(words)
    if len(value) > 500:
        raise InvalidInput(errors={"synonyms": "同义词组过长"})
    if session.scalar(
        select(SearchTerm.id).where(SearchTerm.kind == SYNONYM, SearchTerm.value == value)
    ):
        raise Conflict("该同义词组已存在", errors={"synonyms": "该同义词组已存在"})
    row = SearchTerm(kind=SYNONYM, value=value, created_by_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "search.synonyms_add",
        row,
        summary=f"添加同义词组：{' = '.join(words)}",
        after={"synonyms": words},
    )
    return row


def remove(session: Session, actor: Actor, term_id: int) -> None:
    """Delete an added entry; it leaves the analyzer when the processes restart."""
    authorize(actor.user, Action.SEARCH_MANAGE)
    row = session.get(SearchTerm, term_id)
    if row is None:
        raise NotFound("该词条不存在")
    before = audit.snapshot(row, ["kind", "value"])
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor,
        "search.vocabulary_remove",
        row,
        summary=f"删除搜索词条：{row.value}",
        before=before,
    )


def schedule_rebuild(session: Session, actor: Actor) -> None:
    """Queue a full index rebuild (run by the worker; searches keep answering meanwhile)."""
    authorize(actor.user, Action.SEARCH_MANAGE)
    enqueue(session, REBUILD_TOPIC, {"requested_by": actor.display})
    audit.record(session, actor, "search.rebuild_requested", actor.user, summary="申请重建搜索索引")


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SearchTerm)) or 0
