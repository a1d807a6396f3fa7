"""Literature records (论文): imported like patents, retrieved by the novelty check beside them.

A file (CSV, Excel, JSON Lines) is checked row by row with the patent import's readers and
written all or nothing; a row whose 文献编号 (DOI or the agency's own number) is known updates
that paper. Vectors are written by the ``literature.imported`` outbox handler, as for patents.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.errors import NotFound
from app.core.outbox import enqueue
from app.core.pagination import Paged, Pagination, paginate
from app.listings.transfer import RowError
from app.models import Literature
from app.patents import access
from app.patents.records import PatentImportReport, check_file

#: column key → (Chinese header, required)
COLUMNS: dict[str, tuple[str, bool]] = {
    "ref_no": ("文献编号", True),
    "title": ("题名", True),
    "authors": ("作者", False),
    "venue": ("刊名", False),
    "year": ("年份", False),
    "abstract": ("摘要", True),
    "keywords": ("关键词", False),
}
_HEADERS = {header: key for key, (header, _req) in COLUMNS.items()}
_HEADERS.update({key: key for key in COLUMNS})
_HEADERS.update({"DOI": "ref_no", "标题": "title", "期刊": "venue", "来源": "venue"})
_LIMITS = {"ref_no": 64, "title": 300, "authors": 500, "venue": 200, "keywords": 500}
#: Keywords are stored separated by "；".
_SEPARATORS = str.maketrans({";": "；", ",": "；", "，": "；", "、": "；"})


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "；".join(str(v).strip() for v in value if str(v).strip())
    return "" if value is None else str(value).strip()


def _validate(number: int, raw: dict[str, Any], errors: list[RowError]) -> dict[str, Any] | None:
    before = len(errors)
    clean: dict[str, Any] = {key: _text(raw.get(key)) for key in COLUMNS}
    for key, (header, required) in COLUMNS.items():
        if required and not clean[key]:
            errors.append(RowError(number, header, "必填"))
        limit = _LIMITS.get(key)
        if limit and len(clean[key]) > limit:
            errors.append(RowError(number, header, f"不能超过 {limit} 字"))
    year = clean["year"].removesuffix(".0")
    clean["year"] = None
    if year:
        if not year.isdigit() or not 1900 <= int(year) <= 2100:
            errors.append(RowError(number, "年份", "应为四位年份，如 2023"))
        else:
            clean["year"] = int(year)
    clean["keywords"] = "；".join(
        k.strip() for k in clean["keywords"].translate(_SEPARATORS).split("；") if k.strip()
    )
    return clean if len(errors) == before else None


def import_file(
    session: Session, actor: Actor, filename: str, content: bytes
) -> PatentImportReport:
    """Validate every row, then write all of them or none."""
    access.require_records_manager(actor.user)
    report, valid = check_file(filename, content, _HEADERS, _validate, ("ref_no", "文献编号"))
    report.unit = "篇"
    if report.errors:
        return report
    for clean in valid:
        paper = session.scalar(select(Literature).where(Literature.ref_no == clean["ref_no"]))
        report.created += paper is None
        report.updated += paper is not None
        if paper is None:
            paper = Literature(ref_no=clean["ref_no"])
            session.add(paper)
        for key in COLUMNS:
            setattr(paper, key, clean[key])
    session.flush()
    audit.record(session, actor, "literature.import", None, summary=f"导入文献：{report.summary()}")
    enqueue(session, "literature.imported", {"count": len(valid)})
    return report


def get(session: Session, literature_id: int) -> Literature:
    paper = session.get(Literature, literature_id)
    if paper is None:
        raise NotFound("文献不存在")
    return paper


def papers(session: Session, pagination: Pagination, q: str = "") -> Paged:
    """Papers newest first; ``q`` narrows to titles, keywords or authors containing it."""
    stmt = select(Literature).order_by(Literature.year.desc(), Literature.id.desc())
    if q.strip():
        like = q.strip()
        stmt = stmt.where(
            Literature.title.contains(like)
            | Literature.keywords.contains(like)
            | Literature.authors.contains(like)
        )
    return paginate(session, stmt, pagination)


def unit_text(paper: Literature) -> str:
    """What the retrieval indexes of a paper: title, abstract and keywords."""
    keywords = paper.keywords.replace("；", " ")
    return f"{paper.title}。{paper.abstract} {keywords}".strip()
