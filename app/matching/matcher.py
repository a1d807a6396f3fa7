"""Ranking the other side of the market for one listing.

Candidates come from hybrid retrieval over the listing's whole public text: BM25 (jieba-segmented
text with the domain dictionary and synonyms, on whichever engine is configured) and, when an
encoder is installed, the dense retriever of :mod:`app.search.hybrid`, fused into one text
relevance. The structured fit of :mod:`app.matching.ranker` then re-ranks *within* that text
evidence (it scales the text score by at most ``FIT_SPAN``, so it reorders close candidates but
never lifts an unrelated one over a relevant one), and the relevance feedback people gave on
this listing's matches applies last. Only published listings are ranked, and explanations are built
from what everybody may read (title, keywords, summary and the public facts), so a match
never reveals a section that tiered disclosure keeps back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from app.core import cache
from app.core.regions import REGIONS
from app.listings import service as listing_service
from app.matching import feedback as feedback_rules
from app.matching import ranker, repository
from app.models import Achievement, ExpertProfile, Listing, User
from app.models.enums import ListingKind, ListingStatus, OrgType
from app.search import engine, hybrid
from app.search import service as search_service
from app.taxonomy import service as taxonomy
from search import dense
from search.analysis import normalize

KINDS = ("achievement", "demand", "challenge", "expert", "organization")
SUPPLY_SIDE = ("achievement",)
DEMAND_SIDE = ("demand", "challenge")
#: How many search hits are re-scored (the most the search API pages at once).
CANDIDATES = 100
#: Share of the text score the structured fit can move: a candidate needs at least
#: ``1 - FIT_SPAN`` of another's text relevance to overtake it on field, maturity, price...
FIT_SPAN = 0.2
#: Weight of the dense (meaning) side in the text relevance; BM25 has the rest.
DENSE_WEIGHT = 0.5
#: Matches per ranking that get a "语义相近" reason (ranker.by_meaning decides which pair).
SEMANTIC_REASONS = 3
#: Clauses of each side compared (each costs one short model call).
SEMANTIC_PHRASES = 6
#: How long a ranking is kept at most: what it reads and its stamp does not cover (taxonomy
#: names, organisations' names and types) shows within this time.
RANKING_AGE = 600.0
#: How far below the closest document's cosine similarity a document still counts as close.
DENSE_WINDOW = 0.07


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


def query_text(listing: Listing) -> str:
    """The listing's whole public text (title, keywords, summary, public details), for the
    dense retriever; confidential sections are left out."""
    hidden = set(listing.confidential or [])
    parts = [listing.title, " ".join(listing.keywords or []), listing.summary]
    for name in ("problem", "indicators", "application_scenarios"):
        value = getattr(listing, name, "")
        if value and name not in hidden:
            parts.append(value)
    return "\n".join(p for p in parts if p)


@dataclass
class Candidate:
    listing: Listing
    bm25: float
    #: Cosine similarity to the listing's text (0 when the dense side did not find it).
    dense: float = 0.0
    #: Fused text relevance, 0–1 (1 for the best candidate).
    text: float = 0.0


def candidates(
    session: Session,
    listing: Listing,
    types: Sequence[str],
    *,
    size: int = CANDIDATES,
    use_dense: bool = True,
) -> list[Candidate]:
    """Published counterparts, best text relevance first: BM25 and dense side by side, fused.

    ``use_dense=False`` gives plain BM25 order (the baseline the ranker improves on).
    """
    return candidates_many(session, [(listing, types)], size=size, use_dense=use_dense)[0]


def candidates_many(
    session: Session,
    jobs: Sequence[tuple[Listing, Sequence[str]]],
    *,
    size: int = CANDIDATES,
    use_dense: bool = True,
) -> list[list[Candidate]]:
    """:func:`candidates` of several listings in one pass: their query texts encoded in one
    model call, every candidate loaded in one query."""
    bm25s: list[dict[int, float]] = []
    for listing, types in jobs:
        terms = query_terms(listing)
        bm25: dict[int, float] = {}
        if terms and types:
            found = search_service.search(
                session, " ".join(terms), types=list(types), size=size, highlight=False
            )
            bm25 = {int(item.id): item.score for item in found.items}
        bm25s.append(bm25)
    rankings = (
        hybrid.dense_rankings(
            [query_text(listing) if types else "" for listing, types in jobs],
            types=[types for _, types in jobs],
            limit=size,
        )
        if use_dense
        else [None] * len(jobs)
    )
    texts: list[dict[int, float]] = []
    denses: list[dict[int, float]] = []
    for (listing, _), bm25, ranking in zip(jobs, bm25s, rankings, strict=True):
        dense_scores = {int(doc_id): score for _, doc_id, score in ranking or []}
        bm25.pop(listing.id, None)
        dense_scores.pop(listing.id, None)
        denses.append(dense_scores)
        texts.append(fused_text(bm25, dense_scores))
    wanted = sorted({doc_id for text in texts for doc_id in text})
    loaded = {row.id: row for row in listing_service.by_ids(session, wanted)} if wanted else {}
    out: list[list[Candidate]] = []
    for bm25, dense_scores, text in zip(bm25s, denses, texts, strict=True):
        found_here: list[Candidate] = []
        for doc_id in sorted(text, key=lambda i: -text[i]):
            row = loaded.get(doc_id)
            if row is not None and row.status == ListingStatus.PUBLISHED:
                found_here.append(
                    Candidate(
                        row, bm25.get(doc_id, 0.0), dense_scores.get(doc_id, 0.0), text[doc_id]
                    )
                )
        out.append(found_here)
    return out


def fused_text(bm25: dict[int, float], dense: dict[int, float]) -> dict[int, float]:
    """One text relevance per candidate, 0–1 (1 for the best): a blend of BM25 relative to
    the best and of cosine similarity within DENSE_WINDOW of the closest document.

    A document only the dense side found counts when it is within that window: cosines of
    unrelated texts are not near zero (e5 puts most pairs between 0.75 and 0.85), so the
    window, not the raw cosine, says what is close.
    """
    top_bm25 = max(bm25.values(), default=0.0)
    high = max(dense.values(), default=0.0)
    floor = high - DENSE_WINDOW
    out: dict[int, float] = {}
    for doc_id in dict.fromkeys([*bm25, *dense]):
        lexical = bm25.get(doc_id, 0.0) / top_bm25 if top_bm25 > 0 else 0.0
        meaning = max(0.0, (dense.get(doc_id, floor) - floor) / DENSE_WINDOW) if dense else 0.0
        if doc_id not in bm25 and meaning <= 0.0:
            continue
        weight = DENSE_WEIGHT if dense else 0.0
        out[doc_id] = (1 - weight) * lexical + weight * meaning
    best = max(out.values(), default=0.0)
    return {i: (v / best if best > 0 else 0.0) for i, v in out.items()}


def within_text(text: float, fit: ranker.Fit) -> float:
    """The final score, 0–100: text relevance scaled by the structured fit by at most FIT_SPAN.

    The fit is the weighted mean of the structured parts (missing parts neutral), so a perfect
    fit keeps the text score and the worst one takes FIT_SPAN off it.
    """
    weights = {k: w for k, w in ranker.WEIGHTS.items() if k != "text"}
    mean = sum(w * fit.parts.get(k, ranker.NEUTRAL) for k, w in weights.items()) / sum(
        weights.values()
    )
    return round(100 * text * (1 - FIT_SPAN + FIT_SPAN * mean), 2)


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
        # What a pass reads of each listing again and again (the candidates several demands
        # share, the maturity a demand asks for), computed once per pass.
        self._texts: dict[int, tuple[str, set[str]]] = {}
        self._needed: dict[int, int] = {}

    def public_text(self, listing: Listing) -> tuple[str, set[str]]:
        """The listing's public text and its own keywords, normalised (``ranker``)."""
        found = self._texts.get(listing.id)
        if found is None:
            found = (ranker.public_text(listing), ranker.own_keywords(listing))
            self._texts[listing.id] = found
        return found

    def needed_rank(self, listing: Listing) -> int:
        if listing.id not in self._needed:
            self._needed[listing.id] = ranker.needed_rank(listing)
        return self._needed[listing.id]


def _listing_match(source: Listing, cand: Candidate, shareable: list[str], ctx: _Context) -> Match:
    need, offer = (
        (cand.listing, source) if source.kind == ListingKind.ACHIEVEMENT else (source, cand.listing)
    )
    fit = ranker.structured_fit(
        need, offer, ctx.field_names, ctx.parents, ctx.regions, want=ctx.needed_rank(need)
    )
    text = cand.text
    other_text, other_keywords = ctx.public_text(cand.listing)
    shared = ranker.shared_terms(
        shareable, other_text, keywords=ctx.public_text(source)[1] | other_keywords
    )
    named = [ranker.as_written(term, source, cand.listing) for term in shared]
    reasons = [f"共同关键词：{'、'.join(named)}"] if named else []
    reasons += fit.reasons
    parts = {"text": round(text, 4), **fit.parts}
    return Match(
        kind=cand.listing.kind.value,
        id=cand.listing.id,
        title=cand.listing.title,
        score=within_text(text, fit),
        reasons=reasons,
        url=f"/{cand.listing.kind.value}s/{cand.listing.id}",
        subtitle=cand.listing.org.name,
        parts=parts,
    )


@dataclass
class _ExpertVocabulary:
    profile: ExpertProfile
    words: set[str]


def _expert_vocabularies(session: Session) -> list[_ExpertVocabulary]:
    """The matchable experts with the words of their keywords and introduction (segmented
    once per pass, however many rankings ask)."""
    out = []
    for profile in repository.expert_profiles(session):
        vocabulary = ranker.terms(
            [(" ".join(profile.keywords or []), 3.0), (profile.bio, 1.0)], limit=60
        )
        words = set(vocabulary) | {k.lower() for k in profile.keywords or []}
        out.append(_ExpertVocabulary(profile, words))
    return out


def _expert_matches(
    experts: Sequence[_ExpertVocabulary], source: Listing, terms: list[str], ctx: _Context
) -> list[Match]:
    weights = {t: len(terms) - i for i, t in enumerate(terms)}
    scored: list[tuple[float, ExpertProfile, list[str], ranker.Fit]] = []
    for expert in experts:
        profile, vocab = expert.profile, expert.words
        own = {normalize(k) for k in profile.keywords or []}
        hits = [
            t
            for t in terms
            if ranker.telling(t, own)
            and (t in vocab or any(t in k for k in vocab if len(k) > len(t)))
        ]
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
    return find_matches_many(session, [listing], limit=limit, kinds=kinds, viewer=viewer)[0]


def find_matches_many(
    session: Session,
    listings: Sequence[Listing],
    *,
    limit: int = 20,
    kinds: Sequence[str] | None = None,
    viewer: User | None = None,
) -> list[list[Match]]:
    """:func:`find_matches` of several listings (a broker's workbench), the rankings that are
    not kept computed together: one pass for the shared lookups, the query encodings, the
    candidates' rows and the clauses of the semantic reasons."""
    wanted_of = []
    entries = []
    generations: dict[tuple[str, ...], tuple[int, ...]] = {}
    for listing in listings:
        wanted = tuple(kinds) if kinds else default_kinds(listing)
        if viewer is None:
            wanted = tuple(k for k in wanted if k != "expert")
        wanted_of.append(wanted)
        # The ranking depends on the viewer only through the kinds: one per listing and kinds.
        # It is kept while the index of the counterpart types, the listing, its feedback and
        # the experts stay as they were, so writes elsewhere (and their outbox rows) leave it
        # cached.
        types = counterpart_types(listing)
        if types not in generations:
            generations[types] = search_service.index_generations(session, types)
        stamp = (generations[types], repository.ranking_inputs(session, listing.id))
        entries.append((("matches", listing.id, wanted, limit), stamp))

    def compute(missing: list[int]) -> list[list[Match]]:
        return _ranked_many(session, [(listings[i], wanted_of[i]) for i in missing], limit)

    ranked = cache.cached_many_while(session, entries, compute, max_age=RANKING_AGE)
    return [list(r) for r in ranked]


def _ranked_many(
    session: Session, jobs: Sequence[tuple[Listing, tuple[str, ...]]], limit: int
) -> list[list[Match]]:
    ctx = _Context(session)
    typed = [
        (
            listing,
            [t for t in counterpart_types(listing) if t in wanted or "organization" in wanted],
        )
        for listing, wanted in jobs
    ]
    found_all = candidates_many(session, typed)
    experts: list[_ExpertVocabulary] | None = None
    semantic = _SemanticReasons(jobs, found_all)
    out_all: list[list[Match]] = []
    for (listing, wanted), found in zip(jobs, found_all, strict=True):
        terms = query_terms(listing)
        by_id = {c.listing.id: c.listing for c in found}
        shareable = ranker.shareable_terms(listing, terms)
        listing_matches = [_listing_match(listing, c, shareable, ctx) for c in found]
        feedback_rules.apply(session, listing, listing_matches, by_id)
        semantic.explain(listing, listing_matches, {c.listing.id: c for c in found}, wanted)
        out = [m for m in listing_matches if m.kind in wanted]
        if "organization" in wanted:
            out += _organization_matches(session, listing, listing_matches, by_id)
        if "expert" in wanted and listing.kind != ListingKind.ACHIEVEMENT:
            if experts is None:
                experts = _expert_vocabularies(session)
            out += _expert_matches(experts, listing, terms, ctx)
        out_all.append(ranked_apart(out, limit))
    return out_all


class _SemanticReasons:
    """Names the closest pair of phrases for the best matches the dense side found close.

    Encoding the phrases costs model calls, so only the first SEMANTIC_REASONS matches of a
    ranking get one (the ranking is cached until the next write), and the clauses of every
    ranking in a pass are encoded together: the listings' own in one call, the candidates'
    in another (a candidate several demands share is encoded once).
    """

    def __init__(
        self,
        jobs: Sequence[tuple[Listing, tuple[str, ...]]],
        found_all: Sequence[Sequence[Candidate]],
    ) -> None:
        self.encoder = engine.encoder()
        self.asked: dict[int, np.ndarray] = {}
        if self.encoder is None:
            return
        asked = {
            listing.id: dense.phrases(query_text(listing), limit=SEMANTIC_PHRASES)
            for listing, _ in jobs
        }
        flat = [p for ps in asked.values() for p in ps]
        vectors = self.encoder.encode_queries(flat) if flat else None
        at = 0
        for listing_id, ps in asked.items():
            if vectors is not None and ps:
                self.asked[listing_id] = vectors[at : at + len(ps)]
            at += len(ps)
        offered: list[str] = []
        for (_, wanted), found in zip(jobs, found_all, strict=True):
            close = [c for c in found if c.dense > 0.0 and c.listing.kind.value in wanted]
            for cand in close[: 2 * SEMANTIC_REASONS]:
                offered += dense.phrases(ranker_text(cand.listing), limit=SEMANTIC_PHRASES)
        if offered:
            self.encoder.encode_documents(list(dict.fromkeys(offered)))  # kept by the memo

    def explain(
        self,
        source: Listing,
        matches: list[Match],
        found: dict[int, Candidate],
        wanted: tuple[str, ...],
    ) -> None:
        asked_vectors = self.asked.get(source.id)
        if self.encoder is None or asked_vectors is None:
            return
        asked = query_text(source)
        own = "成果" if source.kind == ListingKind.ACHIEVEMENT else "需求"
        done = 0
        for match in sorted(matches, key=lambda m: -m.score):
            if done >= SEMANTIC_REASONS:
                break
            cand = found.get(match.id)
            if match.kind not in wanted or cand is None or cand.dense <= 0.0:
                continue
            pairs = dense.alike_phrases(
                self.encoder,
                asked,
                ranker_text(cand.listing),
                limit=SEMANTIC_PHRASES,
                query_vectors=asked_vectors,
            )
            done += 1
            pair = next((p for p in pairs if ranker.by_meaning(*p)), None)
            if pair is None:
                continue
            asked_clause = ranker.whole_clause(asked, pair[0])
            offered_clause = ranker.whole_clause(ranker_text(cand.listing), pair[1])
            other = "成果" if cand.listing.kind == ListingKind.ACHIEVEMENT else "需求"
            at = 1 if match.reasons and match.reasons[0].startswith("共同关键词") else 0
            match.reasons.insert(
                at, f"{own}所述“{asked_clause}”与{other}的“{offered_clause}”语义相近"
            )


def encode_ahead(session: Session, listings: Sequence[Listing]) -> None:
    """Encode what rankings will ask the model about these listings, once, when they are
    written (the worker runs this after indexing them): the query of their own ranking and
    the clauses a semantic reason compares, on either side. A ranking then only reads them."""
    encoder = engine.encoder()
    if encoder is None:
        return
    asked = [query_text(row) for row in listings if row.status == ListingStatus.PUBLISHED]
    if not asked:
        return
    encoder.encode_queries([text[: dense.DOCUMENT_CHARS] for text in asked if text.strip()])
    clauses = [p for text in asked for p in dense.phrases(text, limit=SEMANTIC_PHRASES)]
    encoder.encode_queries(clauses)
    offered = [
        p
        for row in listings
        if row.status == ListingStatus.PUBLISHED
        for p in dense.phrases(ranker_text(row), limit=SEMANTIC_PHRASES)
    ]
    encoder.encode_documents(offered)


def ranker_text(listing: Listing) -> str:
    """What everybody may read of a candidate: title, then summary."""
    return f"{listing.title}。{listing.summary}"


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
