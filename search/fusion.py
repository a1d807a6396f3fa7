"""Reciprocal rank fusion: merge rankings from different retrievers without comparing scores.

BM25 scores and cosine similarities live on unrelated scales, so hybrid retrieval fuses the
*ranks* instead (Cormack, Clarke and Büttcher, SIGIR 2009): a document at 1-based rank ``r`` in
a ranking earns ``1 / (k + r)``, and its fused score is the sum over the rankings that hold it.
``k`` (60 in the paper) damps the head so one retriever's first place cannot outvote broad
agreement further down.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

#: The constant of the original paper; larger values flatten the head of each ranking.
DEFAULT_K = 60


def rrf_scores(rankings: Iterable[Sequence[K]], k: int = DEFAULT_K) -> dict[K, float]:
    """Fused score of every document present in at least one ranking.

    A ranking lists documents best first; a document repeated in one ranking counts at its
    best rank only.
    """
    if k < 0:
        raise ValueError("rrf k must not be negative")
    scores: dict[K, float] = {}
    for ranking in rankings:
        seen: set[K] = set()
        for rank, doc in enumerate(ranking, start=1):
            if doc in seen:
                continue
            seen.add(doc)
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return scores


def rrf(rankings: Iterable[Sequence[K]], k: int = DEFAULT_K) -> list[K]:
    """Documents of all rankings, best fused score first.

    Ties (equal fused score) keep the order in which the documents were first met, reading
    the rankings in turn and each from its head, so the result is deterministic.
    """
    rankings = list(rankings)
    scores = rrf_scores(rankings, k)
    first_met = {doc: i for i, doc in enumerate(scores)}
    return sorted(scores, key=lambda doc: (-scores[doc], first_met[doc]))
