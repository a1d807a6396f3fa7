"""Vectors a measuring script already has, handed to an engine backend's encoder.

A backend given ``dense.MemoEncoder(encoder, KnownVectors(...))`` takes each document's vector
from here when the script computed it earlier in the run (or read it from its cache), so an
engine's index holds exactly the vectors the brute-force rows rank: what differs between the
rows is the engine's search, not the encoding. Texts not known are encoded and kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from search import dense


class KnownVectors:
    """An :class:`search.dense.EncodingStore` in memory, filled with document vectors."""

    def __init__(self, model: str, documents: Iterable[tuple[str, np.ndarray]] = ()) -> None:
        self.model = model
        self.items: dict[str, np.ndarray] = {}
        for text, vector in documents:
            self.items[dense.memo_key(model, text, query=False)] = vector

    def recall(self, keys: Sequence[str]) -> Mapping[str, np.ndarray]:
        return {k: self.items[k] for k in keys if k in self.items}

    def remember(self, items: Mapping[str, np.ndarray]) -> None:
        self.items.update(items)


def memo_encoder(
    encoder: dense.Encoder, documents: Iterable[tuple[str, np.ndarray]]
) -> dense.MemoEncoder:
    """``encoder`` answering the given ``(text, vector)`` documents without the model."""
    return dense.MemoEncoder(encoder, KnownVectors(encoder.name, documents), max_entries=1)
