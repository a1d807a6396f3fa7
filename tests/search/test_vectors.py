"""The vector store beside the index: nearest documents, types apart, model changes, other writers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search.vectors import VectorIndex, digest


def unit(*values: float) -> np.ndarray:
    vec = np.array(values, dtype=np.float32)
    return vec / np.linalg.norm(vec)


def test_nearest_documents_of_the_asked_types_come_first(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path / "v.db", model="m", dim=3)
    index.upsert(
        [
            ("achievement", "1", digest("a"), unit(1, 0, 0)),
            ("achievement", "2", digest("b"), unit(1, 1, 0)),
            ("demand", "3", digest("c"), unit(1, 0, 0.1)),
        ]
    )
    hits = index.search(unit(1, 0.2, 0), types=["achievement"], limit=5)
    assert [(h.type, h.id) for h in hits] == [("achievement", "1"), ("achievement", "2")]
    assert hits[0].score > hits[1].score
    assert [h.id for h in index.search(unit(1, 0, 0.1), limit=1)] == ["3"]


def test_a_deleted_or_replaced_document_is_seen_at_once(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path / "v.db", model="m", dim=2)
    index.upsert([("achievement", "1", "x", unit(1, 0)), ("achievement", "2", "y", unit(0, 1))])
    assert index.search(unit(1, 0), limit=1)[0].id == "1"
    index.upsert([("achievement", "1", "z", unit(0, 1))])
    index.delete("achievement", ["2"])
    assert [h.id for h in index.search(unit(1, 0), limit=5)] == ["1"]
    assert index.digests("achievement") == {"1": "z"}


def test_another_process_writes_are_read_and_another_model_starts_empty(tmp_path: Path) -> None:
    reader = VectorIndex(tmp_path / "v.db", model="m", dim=2)
    writer = VectorIndex(tmp_path / "v.db", model="m", dim=2)
    assert reader.search(unit(1, 0), limit=5) == []
    writer.upsert([("achievement", "7", "d", unit(1, 0))])
    assert [h.id for h in reader.search(unit(1, 0), limit=5)] == ["7"]
    reader.close()
    writer.close()
    other = VectorIndex(tmp_path / "v.db", model="another", dim=2)
    assert other.count() == 0, "vectors of another model are not comparable"
