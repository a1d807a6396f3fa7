"""Hybrid retrieval over document parts: BM25 on jieba tokens and dense vectors, fused per document.

A patent is indexed as several *units*: unit 0 is its title and abstract, unit *n* its claim
*n* (a literature record has unit 0 only). Each side scores every unit; a document's score on
a side is its best unit there, so a hit names the claim that matched; the two sides are fused
per *document*, not per unit (fusing units let one patent's many claims crowd the dense side
out, the reason the first hybrid ranked below BM25 alone).

Fusion is a weighted sum of the two sides' scores, each divided by its best score of the
query (BM25 and cosine live on unrelated scales; the best document of each side gets 1),
half and half (``DENSE_WEIGHT``; not tuned — the figures of ``scripts/bench_novelty`` are in
app/patents/README.md). Dense cosines of e5 are compressed (0.75–0.9 for anything Chinese),
so the dense side is first spread out by subtracting the query's median cosine.

A query may carry *context* (the commission's project and technical description for one
查新点): its terms count at ``CONTEXT_WEIGHT`` in BM25 and its vector is added to the point's
vector. Relevance feedback moves both sides: the terms and vectors of documents marked
relevant join the query (Rocchio) and lead the list, documents marked irrelevant push the
dense query away and leave the list.

The dense side is used only when vectors are given; without them retrieval is BM25 alone.
This module reads no database: the caller passes units, so the benchmarks and the service
run the same code.
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.analysis import default_analyzer

#: How many documents each side hands to the fusion.
DEPTH = 200
#: Weight of a context term (the commission around a 查新点) against a term of the point.
CONTEXT_WEIGHT = 0.3
#: Share of the dense side in the fused score (BM25 has the rest).
DENSE_WEIGHT = 0.5
#: Rocchio weights of documents marked relevant / irrelevant.
FEEDBACK_RELEVANT = 0.6
FEEDBACK_IRRELEVANT = 0.3
#: Query vectors an index keeps.
QUERY_CACHE = 512
#: Characters of a part that are encoded (e5-small reads 512 tokens at most).
DENSE_CHARS = 480


@dataclass(frozen=True)
class Unit:
    patent_key: str  # the document's key as text
    claim: int  # 0: title + abstract; n: claim n
    text: str


@dataclass
class UnitHit:
    patent_key: str
    claim: int
    score: float
    text: str


class _Bm25:
    """Okapi BM25 over token lists, postings held as numpy arrays (CSR by term)."""

    def __init__(self, token_lists: Sequence[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.n = len(token_lists)
        self.vocab: dict[str, int] = {}
        docs, terms, tfs = array("i"), array("i"), array("f")
        lengths = np.zeros(self.n, dtype=np.float32)
        for i, tokens in enumerate(token_lists):
            lengths[i] = len(tokens)
            for token, tf in Counter(tokens).items():
                terms.append(self.vocab.setdefault(token, len(self.vocab)))
                docs.append(i)
                tfs.append(tf)
        term_of = np.frombuffer(terms, dtype=np.int32)
        order = np.argsort(term_of, kind="stable")
        self.docs = np.frombuffer(docs, dtype=np.int32)[order]
        self.tfs = np.frombuffer(tfs, dtype=np.float32)[order]
        self.offsets = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=len(self.vocab)), out=self.offsets[1:])
        avg = float(lengths.mean()) if self.n else 1.0
        self.norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))

    def scores(self, weights: Mapping[str, float]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for token, weight in weights.items():
            j = self.vocab.get(token)
            if j is None or weight <= 0:
                continue
            start, end = self.offsets[j], self.offsets[j + 1]
            df = int(end - start)
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            docs, tf = self.docs[start:end], self.tfs[start:end]
            out[docs] += weight * idf * tf * (self.k1 + 1) / (tf + self.norm[docs])
        return out


@dataclass
class Feedback:
    """Documents the 查新员 marked for one query: key → relevant (True) or not (False)."""

    marks: Mapping[str, bool]

    @property
    def relevant(self) -> list[str]:
        return [k for k, v in self.marks.items() if v]

    @property
    def irrelevant(self) -> list[str]:
        return [k for k, v in self.marks.items() if v is False]


class PatentIndex:
    """An in-memory index of units; build once per corpus version and query many times.

    Units are regrouped so each document's units are contiguous (``vectors``, when given,
    are rows in the order of ``units`` as passed).
    """

    def __init__(
        self,
        units: Sequence[Unit],
        *,
        encoder: Any = None,
        vectors: Any = None,
        tokens: Sequence[list[str]] | None = None,
    ) -> None:
        """``tokens``: the units' index tokens when the caller has them already (a benchmark
        composing synthetic units from analysed sentences)."""
        first: dict[str, int] = {}
        for unit in units:
            first.setdefault(unit.patent_key, len(first))
        order = sorted(range(len(units)), key=lambda i: (first[units[i].patent_key], i))
        self.units = [units[i] for i in order]
        self.analyzer = default_analyzer()
        if tokens is None:
            self._bm25 = _Bm25([self.analyzer.index_tokens(u.text) for u in self.units])
        else:
            self._bm25 = _Bm25([tokens[i] for i in order])
        self.keys = list(first)
        self._row = {key: row for row, key in enumerate(self.keys)}
        group = np.array([first[u.patent_key] for u in self.units], dtype=np.int64)
        self._group = group
        self._starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
        self.encoder = encoder
        self._queries: dict[str, np.ndarray] = {}
        self._queries_lock = threading.Lock()
        self.vectors = None
        if vectors is not None:
            self.vectors = np.asarray(vectors, dtype=np.float32)[order]
        elif encoder is not None and self.units:
            self.vectors = encoder.encode_documents([u.text[:DENSE_CHARS] for u in self.units])

    @property
    def dense(self) -> bool:
        return self.encoder is not None and self.vectors is not None

    # -- the two sides, per unit -----------------------------------------------------------

    def query_weights(self, text: str, context: str = "") -> dict[str, float]:
        weights: dict[str, float] = {}
        for token in self.analyzer.index_tokens(context) if context else ():
            weights[token] = CONTEXT_WEIGHT
        for token in self.analyzer.index_tokens(text):
            weights[token] = 1.0
        return weights

    def bm25_scores(self, weights: Mapping[str, float]) -> np.ndarray:
        return self._bm25.scores(weights)

    def _encoded(self, text: str) -> np.ndarray:
        """A query's vector; the last few hundred are kept (a point re-ranks many times)."""
        vector = self._queries.get(text)
        if vector is None:
            vector = self.encoder.encode_queries([text[:DENSE_CHARS]])[0]
            with self._queries_lock:
                if len(self._queries) >= QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
                self._queries[text] = vector
        return vector

    def query_vector(self, text: str, context: str = "") -> np.ndarray | None:
        if not self.dense:
            return None
        vector = self._encoded(text)
        if context:
            vector = vector + self._encoded(context)
        return np.asarray(vector / max(float(np.linalg.norm(vector)), 1e-9), dtype=np.float32)

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        assert self.vectors is not None
        return self.vectors @ vector

    # -- per document ----------------------------------------------------------------------

    def _per_document(self, unit_scores: np.ndarray) -> np.ndarray:
        if not len(unit_scores):
            return unit_scores
        return np.maximum.reduceat(unit_scores, self._starts)

    def _unit_rows(self, keys: Sequence[str]) -> np.ndarray:
        """Rows of ``self.units`` belonging to the documents ``keys``."""
        ends = np.r_[self._starts[1:], len(self.units)]
        rows = [self._row[k] for k in keys if k in self._row]
        if not rows:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.arange(self._starts[r], ends[r]) for r in rows])

    def _feedback_vector(self, vector: np.ndarray, feedback: Feedback) -> np.ndarray:
        assert self.vectors is not None
        for keys, weight in (
            (feedback.relevant, FEEDBACK_RELEVANT),
            (feedback.irrelevant, -FEEDBACK_IRRELEVANT),
        ):
            rows = self._unit_rows(keys)
            if len(rows):
                centroid = self.vectors[rows].mean(axis=0)
                vector = vector + weight * centroid / max(float(np.linalg.norm(centroid)), 1e-9)
        return np.asarray(vector / max(float(np.linalg.norm(vector)), 1e-9), dtype=np.float32)

    def _feedback_weights(self, weights: dict[str, float], feedback: Feedback) -> dict[str, float]:
        rows = self._unit_rows(feedback.relevant)
        if not len(rows):
            return weights
        counts: Counter[str] = Counter()
        for row in rows:
            counts.update(set(self.analyzer.index_tokens(self.units[row].text)))
        # The terms most of the relevant parts share join the query at a reduced weight.
        out = dict(weights)
        for token, n in counts.most_common(40):
            share = n / len(rows)
            out[token] = max(out.get(token, 0.0), FEEDBACK_RELEVANT * share)
        return out

    def document_scores(
        self,
        text: str,
        *,
        mode: str = "hybrid",
        context: str = "",
        feedback: Feedback | None = None,
        mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(fused per-document scores, BM25 unit scores, dense unit scores) of a query.

        ``mask`` (one bool per unit) keeps some units only (abstracts, claims).
        """
        n_docs = len(self.keys)
        fused = np.zeros(n_docs, dtype=np.float32)
        bm25_units = dense_units = None
        sides: list[tuple[np.ndarray, float]] = []
        use_dense = mode in ("dense", "hybrid") and self.dense
        if mode in ("bm25", "hybrid") or not use_dense:
            weights = self.query_weights(text, context)
            if feedback is not None:
                weights = self._feedback_weights(weights, feedback)
            bm25_units = self.bm25_scores(weights)
            if mask is not None:
                bm25_units = np.where(mask, bm25_units, 0)
            sides.append((self._per_document(bm25_units), 1.0 - DENSE_WEIGHT if use_dense else 1.0))
        if use_dense:
            vector = self.query_vector(text, context)
            assert vector is not None
            if feedback is not None:
                vector = self._feedback_vector(vector, feedback)
            dense_units = self.dense_scores(vector)
            if mask is not None:
                dense_units = np.where(mask, dense_units, -1)
            per_doc = self._per_document(dense_units)
            # Spread the compressed cosines: the median document counts as nothing.
            spread = np.maximum(per_doc - float(np.median(per_doc)), 0)
            sides.append((spread, DENSE_WEIGHT if mode == "hybrid" else 1.0))
        for scores, weight in sides:
            best = float(scores.max()) if len(scores) else 0.0
            if best > 0:
                fused += weight * scores / best
        return fused, bm25_units, dense_units

    def search(
        self,
        text: str,
        *,
        mode: str = "hybrid",
        allowed: set[str] | None = None,
        units: set[int] | None = None,
        context: str = "",
        feedback: Mapping[str, bool] | None = None,
        limit: int = DEPTH,
    ) -> list[UnitHit]:
        """Documents best first, each with its best-matching unit (``mode``: bm25/dense/hybrid).

        ``units`` keeps units by position in ``self.units``; ``feedback`` re-ranks: documents
        marked relevant come first and pull the query their way, those marked irrelevant
        leave the list and push it away.
        """
        marks = Feedback(feedback) if feedback else None
        mask = None
        if units is not None:
            mask = np.zeros(len(self.units), dtype=bool)
            mask[list(units)] = True
        fused, bm25_units, dense_units = self.document_scores(
            text, mode=mode, context=context, feedback=marks, mask=mask
        )
        if allowed is not None:
            keep = np.array([k in allowed for k in self.keys], dtype=bool)
            fused = np.where(keep, fused, 0)
        if marks is not None:
            # Marked relevant: listed first (fused scores are at most 1); irrelevant: gone.
            for key, relevant in marks.marks.items():
                if key in self._row:
                    fused[self._row[key]] = 1 + fused[self._row[key]] if relevant else 0
        candidates = np.flatnonzero(fused > 0)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-fused[candidates], limit - 1)[:limit]]
        candidates = candidates[np.lexsort((candidates, -fused[candidates]))]
        ends = np.r_[self._starts[1:], len(self.units)]
        hits: list[UnitHit] = []
        for row in candidates:
            start, end = int(self._starts[row]), int(ends[row])
            best = self._best_unit(start, end, bm25_units, dense_units)
            unit = self.units[best]
            hits.append(UnitHit(unit.patent_key, unit.claim, float(fused[row]), unit.text))
        return hits

    @staticmethod
    def _best_unit(
        start: int, end: int, bm25_units: np.ndarray | None, dense_units: np.ndarray | None
    ) -> int:
        """The unit that names the hit: best on BM25 (its terms show), else on dense."""
        for scores in (bm25_units, dense_units):
            if scores is not None and float(scores[start:end].max()) > 0:
                return start + int(np.argmax(scores[start:end]))
        return start


def commission_query(project: str, tech: str, points: Sequence[str]) -> str:
    """The query for a whole commission: project name, technical description and its points."""
    return "。".join(t.strip() for t in (project, tech, *points) if t.strip())


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
