"""Fielded patent search: SQL filters for the structured fields, hybrid retrieval for the text.

The text index (``PatentIndex``) holds the patents' parts and the literature records (keys
``"L<id>"``); it is built from the database and kept per process while the patent and
literature tables stay the same (count and latest change). Vectors are read from
``patent_vector`` / ``literature_vector`` for the loaded encoder; the ``patent.imported`` and
``literature.imported`` outbox messages encode the records that have none yet. Without the
model or stored vectors, search is BM25 alone. Patent search sees the patents only; the
novelty check sees both.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.outbox import handles
from app.models import Literature, LiteratureVector, Patent, PatentClaim, PatentVector
from app.models.enums import PatentLegalStatus
from app.patents.literature import unit_text
from app.patents.retrieval import DENSE_CHARS, PatentIndex, Unit, passages

#: Key prefix of a literature record in the index.
LITERATURE = "L"

FIELDS = {"all": "全部", "title": "标题", "abstract": "摘要", "claims": "权利要求"}

_lock = threading.Lock()
_cache: dict[str, Any] = {}


@dataclass
class PatentFilters:
    q: str = ""
    field: str = "all"
    applicant: str = ""
    inventor: str = ""
    ipc: str = ""
    legal_status: PatentLegalStatus | None = None
    filed_from: date | None = None
    filed_to: date | None = None


@dataclass
class PatentHit:
    patent: Patent
    claim: int  # 0: matched in title/abstract
    snippets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"权利要求{self.claim}" if self.claim else "标题/摘要"


def _encoder() -> Any:
    from search.dense import shared_encoder

    return shared_encoder()


def literature_key(literature_id: int) -> str:
    return f"{LITERATURE}{literature_id}"


def is_literature(key: str) -> bool:
    return key.startswith(LITERATURE)


def _units(session: Session) -> list[Unit]:
    units = [
        Unit(str(pid), 0, f"{title}。{abstract}")
        for pid, title, abstract in session.execute(
            select(Patent.id, Patent.title, Patent.abstract).order_by(Patent.id)
        )
    ]
    units += [
        Unit(str(pid), number, text)
        for pid, number, text in session.execute(
            select(PatentClaim.patent_id, PatentClaim.number, PatentClaim.text).order_by(
                PatentClaim.patent_id, PatentClaim.number
            )
        )
    ]
    units += [
        Unit(literature_key(paper.id), 0, unit_text(paper))
        for paper in session.scalars(select(Literature).order_by(Literature.id))
    ]
    return units


def _stored_vectors(session: Session, units: list[Unit], encoder: Any) -> Any:
    """The stored vectors in unit order, or None when none are stored for this encoder.

    Encoding happens in the outbox handler, never on a search: a part without a vector yet
    (zero row) is found by BM25 alone until the worker has encoded it.
    """
    import numpy as np

    rows = session.execute(
        select(PatentVector.patent_id, PatentVector.claim_number, PatentVector.vector).where(
            PatentVector.model == encoder.name
        )
    )
    stored = {(str(p), c): v for p, c, v in rows}
    stored.update(
        ((literature_key(lid), 0), v)
        for lid, v in session.execute(
            select(LiteratureVector.literature_id, LiteratureVector.vector).where(
                LiteratureVector.model == encoder.name
            )
        )
    )
    if not stored:
        return None
    out = np.zeros((len(units), encoder.dim), dtype=np.float32)
    for i, unit in enumerate(units):
        blob = stored.get((unit.patent_key, unit.claim))
        if blob is not None:
            out[i] = np.frombuffer(blob, dtype=np.float32)
    return out


def index_for(session: Session) -> PatentIndex:
    """The process's index of the patent table, rebuilt when the table changed."""
    signature = (
        *session.execute(select(func.count(Patent.id), func.max(Patent.updated_at))).one(),
        *session.execute(select(func.count(Literature.id), func.max(Literature.updated_at))).one(),
    )
    with _lock:
        cached = _cache.get("index")
        if cached is not None and cached[0] == signature:
            return cached[1]
        units = _units(session)
        encoder = _encoder()
        vectors = _stored_vectors(session, units, encoder) if encoder and units else None
        index = PatentIndex(
            units, encoder=encoder if vectors is not None else None, vectors=vectors
        )
        _cache["index"] = (signature, index)
        return index


@handles("patent.imported")
@handles("literature.imported")
def encode_new_records(session: Session, _payload: dict[str, Any]) -> None:
    """Store the vectors of every patent part and paper the encoder has not encoded yet."""
    encoder = _encoder()
    if encoder is None:
        return
    done = {
        (str(p), c)
        for p, c in session.execute(
            select(PatentVector.patent_id, PatentVector.claim_number).where(
                PatentVector.model == encoder.name
            )
        )
    }
    done |= {
        (literature_key(lid), 0)
        for lid in session.scalars(
            select(LiteratureVector.literature_id).where(LiteratureVector.model == encoder.name)
        )
    }
    todo = [u for u in _units(session) if (u.patent_key, u.claim) not in done]
    for start in range(0, len(todo), 256):
        batch = todo[start : start + 256]
        vectors = encoder.encode_documents([u.text[:DENSE_CHARS] for u in batch])
        for unit, vector in zip(batch, vectors, strict=True):
            blob = vector.astype("float32").tobytes()
            if is_literature(unit.patent_key):
                session.add(
                    LiteratureVector(
                        literature_id=int(unit.patent_key[1:]), model=encoder.name, vector=blob
                    )
                )
            else:
                session.add(
                    PatentVector(
                        patent_id=int(unit.patent_key),
                        claim_number=unit.claim,
                        model=encoder.name,
                        vector=blob,
                    )
                )


def _allowed(session: Session, f: PatentFilters) -> set[str] | None:
    stmt = select(Patent.id)
    conditions = []
    if f.applicant:
        conditions.append(Patent.applicants.contains(f.applicant.strip()))
    if f.inventor:
        conditions.append(Patent.inventors.contains(f.inventor.strip()))
    if f.ipc:
        conditions.append(Patent.ipc_main.startswith(f.ipc.strip().upper()))
    if f.legal_status is not None:
        conditions.append(Patent.legal_status == f.legal_status)
    if f.filed_from is not None:
        conditions.append(Patent.application_date >= f.filed_from)
    if f.filed_to is not None:
        conditions.append(Patent.application_date <= f.filed_to)
    if f.field == "title" and f.q.strip():
        conditions.append(Patent.title.contains(f.q.strip()))
    if not conditions:
        return None
    return {str(pid) for pid in session.scalars(stmt.where(*conditions))}


def search(session: Session, f: PatentFilters, *, limit: int = 200) -> list[PatentHit]:
    """Patents matching the filters, best first; each hit names the part that matched."""
    allowed = _allowed(session, f)
    if not f.q.strip():
        stmt = select(Patent).order_by(Patent.application_date.desc(), Patent.id.desc())
        if allowed is not None:
            stmt = stmt.where(Patent.id.in_([int(a) for a in allowed] or [0]))
        return [PatentHit(p, 0) for p in session.scalars(stmt.limit(limit))]
    index = index_for(session)
    claims_only = f.field == "claims"
    abstract_only = f.field in ("title", "abstract")
    hits = []
    for hit in _unit_hits(index, f.q, allowed, claims_only, abstract_only):
        hits.append(hit)
        if len(hits) >= limit:
            break
    patents = {
        p.id: p
        for p in session.scalars(
            select(Patent).where(Patent.id.in_([int(h.patent_key) for h in hits]))
        )
    }
    return [
        PatentHit(patents[int(h.patent_key)], h.claim, passages(index.analyzer, f.q, h.text))
        for h in hits
        if int(h.patent_key) in patents
    ]


def _unit_hits(
    index: PatentIndex, q: str, allowed: set[str] | None, claims_only: bool, abstract_only: bool
) -> list[Any]:
    keep = {
        i
        for i, u in enumerate(index.units)
        if not is_literature(u.patent_key)
        and (not (claims_only or abstract_only) or (u.claim > 0) == claims_only)
    }
    return index.search(q, allowed=allowed, units=keep)
