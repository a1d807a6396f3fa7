"""Document vectors for the dense half of hybrid retrieval: a SQLite file beside the index.

One row per document ``(type, id)``: the unit vector (float32 bytes) and a digest of the text
it encodes, so a refresh re-encodes only what changed. The model's name is stored in the file;
opening it with another model empties it (vectors of two models are not comparable) and
``kechuang reindex --vectors`` fills it again.

Search is brute force: every vector of the asked types is held in one ``float32`` matrix in
memory (100,000 × 384 is 150 MB) and scored with one matrix product; the matrix is re-read
only when the file's write generation moved, so a process sees other processes' writes.
Writes are short transactions in WAL mode: a background re-encoding never blocks readers, and
other writers wait at most one batch.

This store serves every engine (embedded, Elasticsearch, OpenSearch): the engines' own vector
fields (``dense_vector`` with ``script_score``, OpenSearch k-NN) are not wired yet.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SCHEMA = """
create table if not exists meta (key text primary key, value text not null);
create table if not exists vector (
    type text not null, id text not null, digest text not null, vec blob not null,
    primary key (type, id)
);
create table if not exists encoding (key text primary key, vec blob not null);
"""


def digest(text: str) -> str:
    """Short stable fingerprint of the text a vector encodes."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class VectorHit:
    type: str
    id: str
    score: float


class VectorIndex:
    """Unit vectors of one model, keyed by document; safe to share between threads."""

    def __init__(self, path: str | Path, *, model: str, dim: int) -> None:
        self.path = str(path)
        self.model = model
        self.dim = dim
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], tuple[int, list[tuple[str, str]], np.ndarray]] = {}
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("pragma journal_mode=wal")
        self._db.executescript(SCHEMA)
        with self._db:
            row = self._db.execute("select value from meta where key = 'model'").fetchone()
            if row is None or row[0] != f"{model}/{dim}":
                self._db.execute("delete from vector")
                self._db.execute("delete from encoding")
                self._db.execute(
                    "insert or replace into meta values ('model', ?)", (f"{model}/{dim}",)
                )
                self._bump()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _bump(self) -> None:
        self._db.execute(
            "insert into meta values ('generation', '1') on conflict(key) do update"
            " set value = cast(value as integer) + 1"
        )

    def generation(self) -> int:
        row = self._db.execute("select value from meta where key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def digests(self, doc_type: str, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Stored text digest of each document of ``doc_type`` (of ``ids`` when given)."""
        with self._lock:
            if ids is None:
                rows = self._db.execute(
                    "select id, digest from vector where type = ?", (doc_type,)
                ).fetchall()
            else:
                rows = []
                for start in range(0, len(ids), 500):
                    chunk = list(ids[start : start + 500])
                    marks = ",".join("?" * len(chunk))
                    rows += self._db.execute(
                        f"select id, digest from vector where type = ? and id in ({marks})",
                        (doc_type, *chunk),
                    ).fetchall()
        return dict(rows)

    def upsert(self, items: Iterable[tuple[str, str, str, np.ndarray]]) -> int:
        """Store ``(type, id, digest, vector)`` rows in one transaction; returns how many."""
        rows = []
        for doc_type, doc_id, text_digest, vec in items:
            vec = np.asarray(vec, dtype=np.float32)
            if vec.shape != (self.dim,):
                raise ValueError(f"vector of {doc_type}:{doc_id} is not of length {self.dim}")
            rows.append((doc_type, doc_id, text_digest, vec.tobytes()))
        if not rows:
            return 0
        with self._lock, self._db:
            self._db.executemany("insert or replace into vector values (?, ?, ?, ?)", rows)
            self._bump()
        return len(rows)

    def delete(self, doc_type: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self._lock, self._db:
            self._db.executemany(
                "delete from vector where type = ? and id = ?", [(doc_type, i) for i in ids]
            )
            self._bump()

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("delete from vector")
            self._db.execute("delete from encoding")
            self._bump()

    def recall(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Encodings kept by :meth:`remember` (``search.dense.MemoEncoder``'s store), by key."""
        rows: list[tuple[str, bytes]] = []
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(
                    f"select key, vec from encoding where key in ({marks})", chunk
                ).fetchall()
        return {key: np.frombuffer(blob, dtype=np.float16).astype(np.float32) for key, blob in rows}

    def remember(self, items: Mapping[str, np.ndarray]) -> None:
        """Keep encodings of texts by content address; they never go stale (see ``memo_key``).

        Kept as float16 (768 bytes for 384 dimensions; cosines move by about 1e-4).
        """
        rows = [(k, np.asarray(v, dtype=np.float16).tobytes()) for k, v in items.items()]
        if not rows:
            return
        with self._lock, self._db:
            self._db.executemany("insert or replace into encoding values (?, ?)", rows)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("select count(*) from vector").fetchone()[0])

    def vectors(self, types: Sequence[str] = ()) -> tuple[list[tuple[str, str]], np.ndarray]:
        """Every stored ``(type, id)`` of ``types`` (all without) and their vectors, one row
        each (read-only: the matrix is the search cache's)."""
        return self._matrix(tuple(sorted(types)))

    def _matrix(self, types: tuple[str, ...]) -> tuple[list[tuple[str, str]], np.ndarray]:
        with self._lock:
            generation = self.generation()
            cached = self._cache.get(types)
            if cached is not None and cached[0] == generation:
                return cached[1], cached[2]
            if types:
                marks = ",".join("?" * len(types))
                rows = self._db.execute(
                    f"select type, id, vec from vector where type in ({marks})", types
                ).fetchall()
            else:
                rows = self._db.execute("select type, id, vec from vector").fetchall()
            keys = [(t, i) for t, i, _ in rows]
            matrix = np.empty((len(rows), self.dim), dtype=np.float32)
            for n, (_, _, blob) in enumerate(rows):
                matrix[n] = np.frombuffer(blob, dtype=np.float32)
            self._cache = {k: v for k, v in self._cache.items() if v[0] == generation}
            self._cache[types] = (generation, keys, matrix)
            return keys, matrix

    def search(
        self, query: np.ndarray, *, types: Sequence[str] = (), limit: int = 100
    ) -> list[VectorHit]:
        """The ``limit`` documents closest to a unit query vector (cosine), closest first."""
        keys, matrix = self._matrix(tuple(sorted(types)))
        if limit <= 0 or not keys:
            return []
        scores = matrix @ np.asarray(query, dtype=np.float32)
        limit = min(limit, len(keys))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [VectorHit(keys[i][0], keys[i][1], float(scores[i])) for i in top]
