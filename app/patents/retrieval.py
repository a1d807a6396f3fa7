"""Hybrid retrieval over patent parts: BM25 on jieba tokens, dense vectors, fused by RRF.

A patent is indexed as several *units*: unit 0 is its title and abstract, unit *n* its claim
*n*. A query ranks units; a patent's rank is its best unit, so a hit names the claim that
matched. The dense side is used only when ``search.dense.load_encoder()`` finds the model;
without it retrieval is BM25 alone. This module reads no database: the caller passes units,
so the benchmark and the service use the same code.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from search.analysis import default_analyzer
from search.fusion import rrf

# How many units each side ranks before fusion.
DEPTH = 200


@dataclass(frozen=True)
class Unit:
    patent_key: str  # the patent's id as text
    claim: int  # 0: title + abstract; n: claim n
    text: str


@dataclass
class UnitHit:
    patent_key: str
    claim: int
    score: float
    text: str


@dataclass
class _Postings:
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    lengths: list[int] = field(default_factory=list)


class PatentIndex:
    """An in-memory index of units; build once per corpus version and query many times."""

    def __init__(self, units: Sequence[Unit], *, encoder: Any = None, vectors: Any = None) -> None:
        self.units = list(units)
        self.analyzer = default_analyzer()
        self._bm25 = _Postings()
        for i, unit in enumerate(self.units):
            tokens = self.analyzer.index_tokens(unit.text)
            self._bm25.lengths.append(len(tokens))
            for token, tf in Counter(tokens).items():
                self._bm25.postings[token].append((i, tf))
        self._avg = sum(self._bm25.lengths) / max(1, len(self.units))
        self.encoder = encoder
        self.vectors = vectors
        if encoder is not None and vectors is None and self.units:
            self.vectors = encoder.encode_documents([u.text for u in self.units])

    @property
    def dense(self) -> bool:
        return self.encoder is not None and self.vectors is not None

    def bm25(self, text: str, limit: int = DEPTH, k1: float = 1.2, b: float = 0.75) -> list[int]:
        n = len(self.units)
        scores: dict[int, float] = defaultdict(float)
        for token in set(self.analyzer.index_tokens(text)):
            posting = self._bm25.postings.get(token)
            if not posting:
                continue
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for i, tf in posting:
                norm = tf + k1 * (1 - b + b * self._bm25.lengths[i] / self._avg)
                scores[i] += idf * tf * (k1 + 1) / norm
        return sorted(scores, key=lambda i: (-scores[i], i))[:limit]

    def dense_rank(self, text: str, limit: int = DEPTH) -> list[int]:
        if not self.dense or not self.units:
            return []
        import numpy as np

        query = self.encoder.encode_queries([text])[0]
        scores = self.vectors @ query
        limit = min(limit, len(self.units))
        top = np.argpartition(-scores, limit - 1)[:limit]
        return [int(i) for i in top[np.argsort(-scores[top], kind="stable")]]

    def search(
        self,
        text: str,
        *,
        mode: str = "hybrid",
        allowed: set[str] | None = None,
        units: set[int] | None = None,
    ) -> list[UnitHit]:
        """Patents best first, each with its best-matching unit (``mode``: bm25/dense/hybrid)."""
        rankings: list[list[int]] = []
        if mode in ("bm25", "hybrid"):
            rankings.append(self.bm25(text))
        if mode in ("dense", "hybrid") and self.dense:
            rankings.append(self.dense_rank(text))
        fused = rrf(rankings)
        hits: list[UnitHit] = []
        seen: set[str] = set()
        n = len(fused)
        for rank, i in enumerate(fused):
            if units is not None and i not in units:
                continue
            unit = self.units[i]
            if unit.patent_key in seen or (allowed is not None and unit.patent_key not in allowed):
                continue
            seen.add(unit.patent_key)
            hits.append(UnitHit(unit.patent_key, unit.claim, float(n - rank), unit.text))
        return hits


_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def passages(analyzer: Any, query: str, text: str, limit: int = 2) -> list[dict[str, Any]]:
    """The sentences of ``text`` sharing most terms with ``query``, with the terms they share."""
    wanted = {t for t in analyzer.query_tokens(query) if len(t) > 1}
    scored: list[tuple[int, int, str, list[str]]] = []
    for pos, match in enumerate(_SENTENCE.finditer(text)):
        sentence = match.group().strip()
        if not sentence:
            continue
        shared = sorted(wanted & set(analyzer.index_tokens(sentence)))
        if shared:
            scored.append((-len(shared), pos, sentence[:240], shared))
    scored.sort()
    return [{"text": s, "terms": terms} for _n, _p, s, terms in scored[:limit]]


def split_claims(text: str) -> list[tuple[int, str]]:
    """Numbered claims of a 权利要求书 text: ``1.一种…2.根据权利要求1…`` → [(1, …), (2, …)]."""
    parts = re.split(r"(?:(?<=^)|(?<=[。；;\s]))\s*(\d{1,3})\s*[\.．、]\s*(?=\D)", text.strip())
    claims: list[tuple[int, str]] = []
    expected = 1
    head = parts[0].strip()
    for i in range(1, len(parts) - 1, 2):
        number = int(parts[i])
        body = parts[i + 1].strip()
        if number == expected:
            claims.append((number, body))
            expected += 1
        elif claims:
            # "…10.5%…" inside a claim: glue it back.
            n, prev = claims[-1]
            claims[-1] = (n, f"{prev}{parts[i]}.{body}")
    if not claims and (head or text.strip()):
        return [(1, text.strip())]
    return claims


def is_dependent(claim_text: str) -> bool:
    return bool(re.search(r"(根据|如)权利要求\s*\d", claim_text[:40]))
