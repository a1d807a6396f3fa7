"""Character-bigram BM25 in memory: the analyser-free baseline the measuring scripts compare to.

Every whitespace-separated run of the NFKC-normalised, lower-cased text is cut into
overlapping character bigrams (a one-character run stays whole); Okapi BM25 (k1 1.2, b 0.75)
ranks the documents. No dictionary, no synonyms, no stop words: whatever a backend adds must
beat this.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each whitespace-separated run."""
    out: list[str] = []
    for run in unicodedata.normalize("NFKC", text).lower().split():
        out += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
    return out


class BigramBM25:
    """An in-memory index of ``(id, text)`` pairs."""

    def __init__(self, docs: Sequence[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids = [doc_id for doc_id, _ in docs]
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        for i, (_, text) in enumerate(docs):
            grams = bigrams(text)
            self.lengths.append(len(grams))
            for gram, tf in Counter(grams).items():
                self.postings[gram].append((i, tf))
        self.avg = sum(self.lengths) / max(1, len(self.lengths))

    def search(self, text: str, limit: int = 10) -> list[str]:
        """Ids of the ``limit`` best documents for a query, best first."""
        n = len(self.ids)
        scores: dict[int, float] = defaultdict(float)
        for gram in set(bigrams(text)):
            posting = self.postings.get(gram, [])
            if not posting:
                continue
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for i, tf in posting:
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
                scores[i] += idf * tf * (self.k1 + 1) / norm
        best = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
        return [self.ids[i] for i in best]
