"""Managed lists (technical fields, industries, return and close reasons) kept in the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import cache
from app.core.errors import NotFound
from app.models import TaxonomyTerm

SCHEMES = {
    "fields": "field",
    "industries": "industry",
    "return-reasons": "return_reason",
    "close-reasons": "close_reason",
    "match-feedback-reasons": "match_feedback_reason",
}


@dataclass(frozen=True)
class Term:
    """A term as pages and rules read it (a copy: many requests share it, see app.core.cache)."""

    code: str
    name: str
    parent_code: str | None
    active: bool


def terms(session: Session, scheme: str, *, include_inactive: bool = False) -> list[Term]:
    """The terms of ``scheme`` in order, read once while the data stays the same."""
    key = ("taxonomy", scheme, include_inactive)
    return cache.cached(session, key, lambda: _read_terms(session, scheme, include_inactive))


def _read_terms(session: Session, scheme: str, include_inactive: bool) -> list[Term]:
    # Outside a request (no cache) list pages still ask per item: keep them for the session.
    memo: dict[tuple[str, bool], list[Term]] = session.info.setdefault("taxonomy", {})
    key = (scheme, include_inactive)
    if key not in memo:
        stmt = select(TaxonomyTerm).where(TaxonomyTerm.scheme == scheme).order_by(TaxonomyTerm.sort)
        if not include_inactive:
            stmt = stmt.where(TaxonomyTerm.active.is_(True))
        memo[key] = [Term(t.code, t.name, t.parent_code, t.active) for t in session.scalars(stmt)]
    return memo[key]


def names(session: Session, scheme: str) -> dict[str, str]:
    """code → name of the active terms of ``scheme`` (shared: read it, never change it)."""
    return cache.cached(
        session,
        ("taxonomy-names", scheme),
        lambda: {t.code: t.name for t in terms(session, scheme)},
    )


def choices(session: Session, scheme: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a select box; sub-terms are indented under their parent."""
    return [(t.code, ("　" if t.parent_code else "") + t.name) for t in terms(session, scheme)]


def top_level_name(session: Session, scheme: str, code: str | None) -> str:
    """The name of ``code``'s top-level ancestor (the facet value), or empty."""
    if not code:
        return ""
    by_code = {t.code: t for t in terms(session, scheme, include_inactive=True)}
    term = by_code.get(code)
    while term is not None and term.parent_code:
        term = by_code.get(term.parent_code)
    return term.name if term else ""


def scheme_for(slug: str) -> str:
    if slug not in SCHEMES:
        raise NotFound(f"没有名为 {slug} 的分类表；可用：{'、'.join(SCHEMES)}")
    return SCHEMES[slug]
