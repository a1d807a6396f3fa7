"""The dashboard's counts, maintained in the transaction of every change that moves them.

Counting 100,000 listings and 20,000 contracts again after each write took seconds, so the
cubes the statistics are sums of live in ``stat_counter`` and are kept current here:

- after every flush, the listings and contracts whose figures the flush may have moved are
  collected (a listing published, edited or deleted; a pipeline, deal or contract that moves
  a listing along the funnel; a contract registered or its registrant's district changed);
- each one's share (the cells it adds one to, and a contract's amounts) is computed again
  from the database and compared with the share stored in ``stat_share``; the difference is
  added to the counters with ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``, so
  concurrent writers add up instead of overwriting each other.

On PostgreSQL each record is first locked for this (an advisory lock on the record, taken in
id order), so two transactions changing one listing at once apply their shares one after
the other, the second computing from what the first committed. On SQLite the flush that
wrote has taken the database's write lock already. ``rebuild`` recounts everything (the
``kechuang statistics rebuild`` command, and ``kechuang migrate`` on a database whose
counters were never built); until a database has been built the figures are counted live.
Core statements that bypass the session's flush (the administrators' bulk import) call
``refresh`` with what they wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Table, delete, event, func, insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction

from app.core.clock import local
from app.models import (
    Achievement,
    ContractParty,
    Deal,
    Listing,
    MatchPipeline,
    StatCounter,
    StatShare,
    TechContract,
)
from app.models.enums import ContractStatus, ListingKind, PipelineStage

LISTING = "listing"
CONTRACT = "contract"
#: Funnel stages a listing reaches, in order (after "published").
STAGES = ("matched", "confirmed", "dealt", "registered")
CONFIRMED = (PipelineStage.CONFIRMED, PipelineStage.NEGOTIATING, PipelineStage.SIGNED)
BUILT = ("built", "", "", "", "")

COUNTER: Table = StatCounter.__table__  # type: ignore[assignment]
SHARE: Table = StatShare.__table__  # type: ignore[assignment]
LISTING_T: Table = Listing.__table__  # type: ignore[assignment]
ACHIEVEMENT_T: Table = Achievement.__table__  # type: ignore[assignment]
KEY = ("metric", "kind", "code", "region", "month")
#: pg_advisory_xact_lock classes: one per kind of record; the whole set for a rebuild.
_LOCK_CLASS = {LISTING: 18001, CONTRACT: 18002}
_REBUILD_LOCK = 18000
#: More records than this in one flush: take the rebuild lock instead of one lock each.
_MANY = 200
BATCH = 2000

Cell = tuple[str, str, str, str, str]
#: a count and two amounts in fen
Value = tuple[int, int, int]
Shares = dict[Cell, Value]

_LISTING_ATTRS = ("kind", "field_code", "region_code", "published_at", "maturity")
_PIPELINE_ATTRS = ("demand_listing_id", "supply_listing_id", "stage")
_CONTRACT_ATTRS = (
    "status",
    "contract_type",
    "tech_field",
    "registered_at",
    "total_amount",
    "tech_amount",
    "registrant_org_id",
    "deal_id",
)
_PARTY_ATTRS = ("contract_id", "org_id", "region_code")
_PENDING = "stat_pending"
ONE: Value = (1, 0, 0)


def _s(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    return "" if value is None else str(value)


def _month(when: Any) -> str:
    return local(when).strftime("%Y-%m") if when is not None else ""


def _fen(amount: Any) -> int:
    return int((Decimal(amount or 0) * 100).to_integral_value())


# -- what each record adds ---------------------------------------------------------------


def listing_shares(conn: Connection, ids: Iterable[int]) -> dict[int, Shares]:
    """Each listing's cells: published by kind/field/district/month, maturity, funnel stages."""
    ids = sorted(set(ids))
    out: dict[int, Shares] = {}
    for first in range(0, len(ids), BATCH):
        chunk = ids[first : first + BATCH]
        stages: dict[int, set[str]] = defaultdict(set)
        for side in (MatchPipeline.demand_listing_id, MatchPipeline.supply_listing_id):
            for listing_id, stage in conn.execute(
                select(side, MatchPipeline.stage).where(side.in_(chunk))
            ):
                stages[listing_id].add("matched")
                if stage in CONFIRMED:
                    stages[listing_id].add("confirmed")
        for (listing_id,) in conn.execute(
            select(Deal.listing_id).where(Deal.listing_id.in_(chunk))
        ):
            stages[listing_id].add("dealt")
        registered = (
            select(Deal.listing_id)
            .join(TechContract, TechContract.deal_id == Deal.id)
            .where(Deal.listing_id.in_(chunk), TechContract.status == ContractStatus.REGISTERED)
        )
        for (listing_id,) in conn.execute(registered):
            stages[listing_id].add("registered")
        rows = conn.execute(
            select(
                LISTING_T.c.id,
                LISTING_T.c.kind,
                LISTING_T.c.field_code,
                LISTING_T.c.region_code,
                LISTING_T.c.published_at,
                ACHIEVEMENT_T.c.maturity,
            )
            .select_from(LISTING_T.outerjoin(ACHIEVEMENT_T, ACHIEVEMENT_T.c.id == LISTING_T.c.id))
            .where(LISTING_T.c.id.in_(chunk), LISTING_T.c.published_at.is_not(None))
        )
        for listing_id, kind_value, field_code, region_code, published_at, maturity in rows:
            kind, region, month = _s(kind_value), _s(region_code), _month(published_at)
            cells: Shares = {
                (LISTING, kind, _s(field_code), region, month): ONE,
                ("listing_rm", kind, "", region, month): ONE,
            }
            if kind == ListingKind.ACHIEVEMENT.value:
                cells[("maturity", _s(maturity), "", region, month)] = ONE
            for reached in stages.get(listing_id, ()):
                cells[("stage", reached, kind, region, month)] = ONE
            out[listing_id] = cells
    return out


def contract_shares(conn: Connection, ids: Iterable[int]) -> dict[int, Shares]:
    """Each registered contract's cell (type, field, registrant's district, month) and amounts."""
    ids = sorted(set(ids))
    out: dict[int, Shares] = {}
    for first in range(0, len(ids), BATCH):
        chunk = ids[first : first + BATCH]
        registrant = (
            select(
                ContractParty.contract_id, func.min(ContractParty.region_code).label("region_code")
            )
            .join(TechContract, TechContract.id == ContractParty.contract_id)
            .where(
                ContractParty.org_id == TechContract.registrant_org_id,
                ContractParty.contract_id.in_(chunk),
            )
            .group_by(ContractParty.contract_id)
            .subquery()
        )
        rows = conn.execute(
            select(
                TechContract.id,
                TechContract.contract_type,
                TechContract.tech_field,
                registrant.c.region_code,
                TechContract.registered_at,
                TechContract.total_amount,
                TechContract.tech_amount,
            )
            .outerjoin(registrant, registrant.c.contract_id == TechContract.id)
            .where(TechContract.id.in_(chunk), TechContract.status == ContractStatus.REGISTERED)
        )
        for contract_id, kind, field_code, region_code, registered_at, total, tech in rows:
            region, month = _s(region_code), _month(registered_at)
            value = (1, _fen(total), _fen(tech))
            out[contract_id] = {
                ("contract_t", _s(kind), "", region, month): value,
                ("contract_f", "", _s(field_code), region, month): value,
                ("contract_rm", "", "", region, month): value,
            }
    return out


_SHARES = {LISTING: listing_shares, CONTRACT: contract_shares}


# -- applying changes ----------------------------------------------------------------------


def is_built(conn: Connection) -> bool:
    found = conn.execute(
        select(COUNTER.c.n).where(*(COUNTER.c[k] == v for k, v in zip(KEY, BUILT, strict=True)))
    ).first()
    return found is not None


def _lock(conn: Connection, records: dict[str, set[int]]) -> None:
    if conn.dialect.name != "postgresql":
        return  # the flush that wrote holds SQLite's one write lock already
    if sum(len(ids) for ids in records.values()) > _MANY:
        conn.execute(select(func.pg_advisory_xact_lock(_REBUILD_LOCK)))
        return
    conn.execute(select(func.pg_advisory_xact_lock_shared(_REBUILD_LOCK)))
    for source in sorted(records):
        for record_id in sorted(records[source]):
            conn.execute(select(func.pg_advisory_xact_lock(_LOCK_CLASS[source], record_id)))


def _decode(cells: list[list[Any]]) -> Shares:
    return {
        (str(c[0]), str(c[1]), str(c[2]), str(c[3]), str(c[4])): (int(c[5]), int(c[6]), int(c[7]))
        for c in cells
    }


def _encode(shares: Shares) -> list[list[Any]]:
    return [[*cell, n, a, t] for cell, (n, a, t) in sorted(shares.items())]


def _add(total: dict[Cell, list[Any]], shares: Shares, sign: int) -> None:
    for cell, (n, amount, tech) in shares.items():
        acc = total.setdefault(cell, [0, 0, 0])
        acc[0] += sign * n
        acc[1] += sign * amount
        acc[2] += sign * tech


def _upsert(conn: Connection, delta: dict[Cell, list[Any]]) -> None:
    rows = [
        {**dict(zip(KEY, cell, strict=True)), "n": n, "amount_fen": a, "tech_amount_fen": t}
        for cell, (n, a, t) in sorted(delta.items())
        if n or a or t
    ]
    if not rows:
        return
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for first in range(0, len(rows), 500):
        stmt = make(COUNTER).values(rows[first : first + 500])
        stmt = stmt.on_conflict_do_update(
            index_elements=list(KEY),
            set_={
                "n": COUNTER.c.n + stmt.excluded.n,
                "amount_fen": COUNTER.c.amount_fen + stmt.excluded.amount_fen,
                "tech_amount_fen": COUNTER.c.tech_amount_fen + stmt.excluded.tech_amount_fen,
            },
        )
        conn.execute(stmt)


def refresh(
    conn: Connection, *, listings: Iterable[int] = (), contracts: Iterable[int] = ()
) -> None:
    """Bring the counters up to date with these records as the transaction now sees them."""
    records = {LISTING: set(listings), CONTRACT: set(contracts)}
    records = {k: v for k, v in records.items() if v}
    if not records or not is_built(conn):
        return
    _lock(conn, records)
    delta: dict[Cell, list[Any]] = {}
    for source, ids in records.items():
        stored = {
            row.source_id: _decode(row.cells)
            for row in conn.execute(
                select(SHARE.c.source_id, SHARE.c.cells).where(
                    SHARE.c.source == source, SHARE.c.source_id.in_(ids)
                )
            )
        }
        now = _SHARES[source](conn, ids)
        changed = [i for i in ids if stored.get(i, {}) != now.get(i, {})]
        if not changed:
            continue
        for record_id in changed:
            _add(delta, stored.get(record_id, {}), -1)
            _add(delta, now.get(record_id, {}), +1)
        conn.execute(delete(SHARE).where(SHARE.c.source == source, SHARE.c.source_id.in_(changed)))
        rows = [
            {"source": source, "source_id": i, "cells": _encode(now[i])}
            for i in changed
            if i in now
        ]
        if rows:
            conn.execute(insert(SHARE), rows)
    _upsert(conn, delta)


def rebuild(conn: Connection) -> tuple[int, int]:
    """Count every figure again from the records; returns (listings, contracts) counted."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_REBUILD_LOCK)))
    conn.execute(delete(SHARE))
    conn.execute(delete(COUNTER))
    total: dict[Cell, list[Any]] = {}
    counted = []
    for source, table, column in (
        (LISTING, LISTING_T, LISTING_T.c.published_at),
        (CONTRACT, TechContract.__table__, TechContract.__table__.c.registered_at),
    ):
        stmt = select(table.c.id).order_by(table.c.id)
        if source == LISTING:
            stmt = stmt.where(column.is_not(None))
        else:
            stmt = stmt.where(TechContract.__table__.c.status == ContractStatus.REGISTERED)
        ids = list(conn.scalars(stmt))
        shares = _SHARES[source](conn, ids)
        for first in range(0, len(ids), BATCH):
            rows = [
                {"source": source, "source_id": i, "cells": _encode(shares[i])}
                for i in ids[first : first + BATCH]
                if i in shares
            ]
            if rows:
                conn.execute(insert(SHARE), rows)
        for cells in shares.values():
            _add(total, cells, +1)
        counted.append(len(shares))
    total[BUILT] = [1, 0, 0]
    _upsert(conn, total)
    return counted[0], counted[1]


# -- what a flush may have moved -----------------------------------------------------------


def _changed(obj: Any, attrs: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(a in state.attrs and state.attrs[a].history.has_changes() for a in attrs)


def _values(obj: Any, attr: str) -> set[int]:
    """The attribute's value now and before the flush (a row may have moved between records)."""
    history = inspect(obj).attrs[attr].history
    found = {v for v in chain(history.added, history.unchanged, history.deleted) if v is not None}
    current = getattr(obj, attr, None)
    if current is not None:
        found.add(current)
    return found


def _collect(session: Session, _flush_context: UOWTransaction) -> None:
    pending = session.info.setdefault(_PENDING, {LISTING: set(), CONTRACT: set(), "deal": set()})
    fresh = set(session.new) | set(session.deleted)
    for obj in chain(session.new, session.dirty, session.deleted):
        new = obj in fresh
        if isinstance(obj, Listing):
            if new or _changed(obj, _LISTING_ATTRS):
                pending[LISTING].add(obj.id)
        elif isinstance(obj, MatchPipeline):
            if new or _changed(obj, _PIPELINE_ATTRS):
                pending[LISTING] |= _values(obj, "demand_listing_id")
                pending[LISTING] |= _values(obj, "supply_listing_id")
        elif isinstance(obj, Deal):
            if new or _changed(obj, ("listing_id",)):
                pending[LISTING] |= _values(obj, "listing_id")
        elif isinstance(obj, TechContract):
            if new or _changed(obj, _CONTRACT_ATTRS):
                pending[CONTRACT].add(obj.id)
                pending["deal"] |= _values(obj, "deal_id")
        elif isinstance(obj, ContractParty) and (new or _changed(obj, _PARTY_ATTRS)):
            pending[CONTRACT] |= _values(obj, "contract_id")


def _apply(session: Session, _flush_context: UOWTransaction) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not any(pending.values()):
        return
    conn = session.connection()
    listings = set(pending[LISTING])
    if pending["deal"]:
        listings.update(
            conn.scalars(select(Deal.listing_id).where(Deal.id.in_(sorted(pending["deal"]))))
        )
    refresh(conn, listings=listings, contracts=pending[CONTRACT])


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


event.listen(Session, "after_flush", _collect)
event.listen(Session, "after_flush_postexec", _apply)
event.listen(Session, "after_soft_rollback", _forget)
