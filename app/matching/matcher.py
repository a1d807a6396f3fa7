"""Ranking the other side of the market for one listing.

Candidates come from the search backend (BM25 over jieba-segmented text with the domain
dictionary and synonyms, on whichever engine is configured); each is re-scored with the
structured fit of :mod:`app.matching.ranker` and with the relevance feedback people gave on
this listing's matches. Only published listings are ranked, and explanations are built
from what everybody may read (title, keywords, summary and the public facts), so a match
never reveals a section that tiered disclosure keeps back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core import cache
from app.core.regions import REGIONS
from app.listings import service as listing_service
from app.matching import feedback as feedback_rules
from app.matching import ranker, repository
from app.models import Achievement, ExpertProfile, Listing, User
from app.models.enums import ListingKind, ListingStatus, OrgType
from app.search import service as search_service
from app.taxonomy import service as taxonomy

KINDS = ("achievement", "demand", "challenge", "expert", "organization")
SUPPLY_SIDE = ("achievement",)
DEMAND_SIDE = ("demand", "challenge")
#: How many search hits are re-scored (the most the search API pages at once).
CANDIDATES = 100


@dataclass
class Match:
    """One ranked counterpart of a listing, with the reasons shown next to it."""

    kind: str
    id: int
    title: str
    score: float
    reasons: list[str] = field(default_factory=list)
    url: str = ""
    subtitle: str = ""
    #: The score's parts (text relevance and each structured fit), 0–1.
    parts: dict[str, float] = field(default_factory=dict)


def default_kinds(listing: Listing) -> tuple[str, ...]:
    if listing.kind == ListingKind.ACHIEVEMENT:
        return ("demand", "challenge", "organization")
    return ("achievement", "expert", "organization")


def counterpart_types(listing: Listing) -> tuple[str, ...]:
    return DEMAND_SIDE if listing.kind == ListingKind.ACHIEVEMENT else SUPPLY_SIDE


def query_terms(listing: Listing) -> list[str]:
    """The words candidates are searched with: title and keywords count most.

    Sections the owner keeps confidential are left out, so the ranking reveals nothing of them.
    """
    hidden = set(listing.confidential or [])
    texts: list[tuple[str, float]] = [
        (listing.title, 3.0),
        (" ".join(listing.keywords or []), 3.0),
        (listing.summary, 1.0),
    ]
    for name, weight in (("problem", 1.0), ("indicators", 0.5), ("application_scenarios", 0.5)):
        value = getattr(listing, name, "")
        if value and name not in hidden:
            texts.append((value, weight))
    return ranker.terms(texts)


@dataclass
class Candidate:
    listing: Listing
    bm25: float


def candidates(
    session: Session, listing: Listing, types: Sequence[str], *, size: int = CANDIDATES
) -> list[Candidate]:
    """Published counterparts in plain BM25 order (the baseline the ranker improves on)."""
    terms = query_terms(listing)
    if not terms or not types:
        return []
    found = search_service.search(
        session, " ".join(terms), types=list(types), size=size, highlight=False
    )
    ids = [int(item.id) for item in found.items if int(item.id) != listing.id]
    loaded = {row.id: row for row in listing_service.by_ids(session, ids)}
    out: list[Candidate] = []
    for item in found.items:
        row = loaded.get(int(item.id))
        if row is not None and row.status == ListingStatus.PUBLISHED and row.id != listing.id:
            out.append(Candidate(row, item.score))
    return out


class _Context:
    """Lookups one ranking needs, read once."""

    def __init__(self, session: Session) -> None:
        terms = taxonomy.terms(session, "field", include_inactive=True)
        self.field_names = {t.code: t.name for t in terms}
        by_code = {t.code: t for t in terms}
        self.parents: dict[str, str] = {}
        for t in terms:
            top = t
            while top.parent_code and top.parent_code in by_code:
                top = by_code[top.parent_code]
            self.parents[t.code] = top.code
        self.regions = dict(REGIONS)


def _listing_match(
    source: Listing, cand: Candidate, top_bm25: float, shareable: list[str], ctx: _Context
) -> Match:
    need, offer = (
        (cand.listing, source) if source.kind == ListingKind.ACHIEVEMENT else (source, cand.listing)
    )
    fit = ranker.structured_fit(need, offer, ctx.field_names, ctx.parents, ctx.regions)
    text = cand.bm25 / top_bm25 if top_bm25 > 0 else 0.0
    shared = ranker.shared_terms(
        shareable,
        ranker.public_text(cand.listing),
        keywords=ranker.own_keywords(source, cand.listing),
    )
    named = [ranker.as_written(term, source, cand.listing) for term in shared]
    reasons = [f"共同关键词：{'、'.join(named)}"] if named else []
    reasons += fit.reasons
    parts = {"text": round(text, 4), **fit.parts}
    return Match(
        kind=cand.listing.kind.value,
        id=cand.listing.id,
        title=cand.listing.title,
        score=ranker.combine(text, fit),
        reasons=reasons,
        url=f"/{cand.listing.kind.value}s/{cand.listing.id}",
        subtitle=cand.listing.org.name,
        parts=parts,
    )


def _expert_matches(
    session: Session, source: Listing, terms: list[str], ctx: _Context
) -> list[Match]:
    weights = {t: len(terms) - i for i, t in enumerate(terms)}
    scored: list[tuple[float, ExpertProfile, list[str], ranker.Fit]] = []
    for profile in repository.expert_profiles(session):
        vocabulary = ranker.terms(
            [(" ".join(profile.keywords or []), 3.0), (profile.bio, 1.0)], limit=60
        )
        vocab = set(vocabulary) | {k.lower() for k in profile.keywords or []}
        hits = [t for t in terms if t in vocab or any(t in k for k in vocab if len(k) > len(t))]
        fit = ranker.Fit()
        best_field = (0.0, "")
        for code in profile.field_codes or []:
            value = ranker.field_fit(source, code, ctx.field_names, ctx.parents)
            if value[0] > best_field[0]:
                best_field = value
        fit.add("field", *best_field)
        if not hits and best_field[0] < 1.0:
            continue
        text = sum(weights[t] for t in hits) / max(1, sum(sorted(weights.values())[-5:]))
        scored.append((min(1.0, text), profile, hits, fit))
    out = []
    for text, profile, hits, fit in scored:
        reasons = [f"研究方向相符：{'、'.join(hits[:5])}"] if hits else []
        reasons += fit.reasons
        if profile.title or profile.institution:
            reasons.append(f"{profile.institution}{profile.title}".strip())
        out.append(
            Match(
                kind="expert",
                id=profile.user_id,
                title=profile.user.name,
                score=round(
                    100
                    * (ranker.WEIGHTS["text"] * text + ranker.WEIGHTS["field"] * fit.parts["field"])
                    / (ranker.WEIGHTS["text"] + ranker.WEIGHTS["field"])
                    * 0.9,
                    2,
                ),
                reasons=reasons,
                url=f"/experts/{profile.user_id}",
                subtitle=" · ".join(x for x in (profile.institution, profile.title) if x),
                parts={"text": round(text, 4), **fit.parts},
            )
        )
    return out


def _organization_matches(
    session: Session, source: Listing, listing_matches: Iterable[Match], by_id: dict[int, Listing]
) -> list[Match]:
    """Organisations behind the best listing matches (enterprises, for an achievement)."""
    groups: dict[int, list[Match]] = defaultdict(list)
    for match in listing_matches:
        row = by_id[match.id]
        if row.org_id == source.org_id:
            continue
        if source.kind == ListingKind.ACHIEVEMENT and row.org.org_type != OrgType.ENTERPRISE:
            continue
        groups[row.org_id].append(match)
    out = []
    for org_id, matches in groups.items():
        matches.sort(key=lambda m: -m.score)
        org = by_id[matches[0].id].org
        label = "技术需求或榜单" if source.kind == ListingKind.ACHIEVEMENT else "科技成果"
        titles = "、".join(f"《{m.title}》" for m in matches[:2])
        reasons = [f"有{len(matches)}项相关{label}：{titles}"]
        reasons += [r for r in matches[0].reasons if r.startswith(("共同关键词", "领域"))][:2]
        bonus = 2.0 * min(len(matches) - 1, 3)
        out.append(
            Match(
                kind="organization",
                id=org_id,
                title=org.name,
                score=round(min(100.0, matches[0].score + bonus), 2),
                reasons=reasons,
                url=f"/orgs/{org_id}",
                subtitle=org.org_type.label,
                parts=dict(matches[0].parts),
            )
        )
    return out


def find_matches(
    session: Session,
    listing: Listing,
    *,
    limit: int = 20,
    kinds: Sequence[str] | None = None,
    viewer: User | None = None,
) -> list[Match]:
    """The best counterparts of ``listing``, best first, each with Chinese reasons.

    Demands and challenges get achievements, experts and organisations; achievements get
    demands, challenges and enterprises. Experts are shown to signed-in people only.
    """
    wanted = tuple(kinds) if kinds else default_kinds(listing)
    if viewer is None:
        wanted = tuple(k for k in wanted if k != "expert")
    # The ranking depends on the viewer only through the kinds: one per listing and kinds.
    key = ("matches", listing.id, wanted, limit)
    return list(cache.cached(session, key, lambda: _ranked(session, listing, wanted, limit)))


def _ranked(session: Session, listing: Listing, wanted: tuple[str, ...], limit: int) -> list[Match]:
    types = [t for t in counterpart_types(listing) if t in wanted or "organization" in wanted]
    ctx = _Context(session)
    terms = query_terms(listing)
    found = candidates(session, listing, types)
    top = max((c.bm25 for c in found), default=0.0)
    by_id = {c.listing.id: c.listing for c in found}
    shareable = ranker.shareable_terms(listing, terms)
    listing_matches = [_listing_match(listing, c, top, shareable, ctx) for c in found]
    feedback_rules.apply(session, listing, listing_matches, by_id)
    out = [m for m in listing_matches if m.kind in wanted]
    if "organization" in wanted:
        out += _organization_matches(session, listing, listing_matches, by_id)
    if "expert" in wanted and listing.kind != ListingKind.ACHIEVEMENT:
        out += _expert_matches(session, listing, terms, ctx)
    return ranked_apart(out, limit)


def ranked_apart(matches: list[Match], limit: int) -> list[Match]:
    """Each kind ranked in its own list of at most ``limit``, the lists in ``KINDS`` order.

    Scores of different kinds say different things (an organisation's is its best listing's,
    an expert's comes from a profile), so one list would let an organisation active in every
    field push out the achievement that answers the demand.
    """
    by_kind: dict[str, list[Match]] = {}
    for match in sorted(matches, key=lambda m: (-m.score, m.id)):
        by_kind.setdefault(match.kind, []).append(match)
    return [m for kind in KINDS for m in by_kind.get(kind, [])[:limit]]


def score_pair(session: Session, demand: Listing, supply: Listing) -> Match | None:
    """The match between two given listings, if the search finds them related at all."""
    for match in find_matches(session, demand, limit=CANDIDATES, kinds=[supply.kind.value]):
        if match.id == supply.id:
            return match
    return None


def is_achievement(listing: Listing) -> bool:
    return isinstance(listing, Achievement)
