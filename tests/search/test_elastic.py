"""Engine-specific behaviour beyond the shared contract, on Elasticsearch and OpenSearch:
alias swaps and engine errors."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
from conftest import ENGINES, _engine_url, doc, fixture_documents

from search.analysis import Analyzer
from search.base import SearchDocument, SearchQuery, SearchUnavailable
from search.elastic import MAPPING_VERSION, PIPELINE_CHUNK, ElasticsearchBackend
from search.factory import create_backend


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _engine(kind: str, url: str, **options: object) -> ElasticsearchBackend:
    backend = create_backend(kind, url=url, **options)
    assert isinstance(backend, ElasticsearchBackend)
    return backend


@pytest.fixture(params=ENGINES)
def es(request: pytest.FixtureRequest, analyzer: Analyzer) -> Iterator[ElasticsearchBackend]:
    url = _engine_url(request.param)
    backend = _engine(
        request.param, url, index=f"kc-test-es-{uuid.uuid4().hex[:8]}", analyzer=analyzer
    )
    backend.ensure_ready()
    backend.index(fixture_documents())
    try:
        yield backend
    finally:
        backend.drop()
        backend.close()


def ids(backend: ElasticsearchBackend, text: str) -> set[str]:
    return {hit.id for hit in backend.search(SearchQuery(text=text, size=100)).hits}


class TestEngineDown:
    @pytest.fixture(params=ENGINES)
    def down(
        self, request: pytest.FixtureRequest, analyzer: Analyzer
    ) -> Iterator[ElasticsearchBackend]:
        backend = _engine(request.param, _closed_port_url(), index="kc-down", analyzer=analyzer)
        yield backend
        backend.close()

    def test_every_operation_raises(self, down: ElasticsearchBackend) -> None:
        operations = [
            down.ensure_ready,
            lambda: down.search(SearchQuery(text="激光雷达")),
            lambda: down.index([doc("achievement", "x", "激光雷达")]),
            lambda: down.delete("achievement", ["x"]),
            lambda: down.count(),
            lambda: down.suggest("激光"),
            lambda: down.more_like_this("achievement", "x"),
            lambda: down.rebuild([doc("achievement", "x", "激光雷达")]),
        ]
        for operation in operations:
            with pytest.raises(SearchUnavailable):
                operation()

    def test_a_large_write_stops_analysing_at_the_first_failed_chunk(
        self, down: ElasticsearchBackend, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        analysed = 0
        source = down._source

        def counting(document: SearchDocument) -> dict[str, object]:
            nonlocal analysed
            analysed += 1
            return source(document)

        monkeypatch.setattr(down, "_source", counting)
        documents = [
            doc("achievement", str(i), f"激光雷达样机{i}") for i in range(20 * PIPELINE_CHUNK)
        ]
        with pytest.raises(SearchUnavailable):
            down.index(documents)
        # The chunk being sent when the first failure came back, and the next one at most.
        assert analysed <= 2 * PIPELINE_CHUNK

    def test_health_reports_without_raising(self, down: ElasticsearchBackend) -> None:
        health = down.health()
        assert not health.ok
        assert health.backend == down.name
        assert "unreachable" in health.detail


@pytest.mark.elasticsearch
class TestIndexLifecycle:
    def test_missing_index_is_an_error_not_an_empty_page(self, es: ElasticsearchBackend) -> None:
        other = type(es)(index=f"{es.alias}-absent", analyzer=es.analyzer, client=es.client)
        with pytest.raises(SearchUnavailable, match="not found"):
            other.search(SearchQuery(text="激光雷达"))
        with pytest.raises(SearchUnavailable, match="not found"):
            other.index([doc("achievement", "x", "激光雷达")])
        assert not other.health().ok

    def test_one_versioned_index_behind_the_alias(self, es: ElasticsearchBackend) -> None:
        before = set(es.client.indices.get_alias(name=es.alias))
        assert es.rebuild(fixture_documents()) == 10
        after = es.client.indices.get_alias(name=es.alias)
        assert len(after) == 1
        (name,) = after
        assert name.startswith(f"{es.alias}-v{MAPPING_VERSION}-")
        assert name not in before
        assert not es.client.indices.exists(index=next(iter(before)))
        assert not es.client.indices.exists_alias(name=es.next_alias)

    def test_writes_during_rebuild_reach_the_new_index(self, es: ElasticsearchBackend) -> None:
        seen_during: list[set[str]] = []

        def documents() -> Iterator[SearchDocument]:
            for i, document in enumerate(fixture_documents()):
                if i == 3:
                    # Old index still answers while the new one loads.
                    seen_during.append(ids(es, "激光雷达"))
                    es.index([doc("achievement", "late", "激光雷达新品")])
                    es.delete("achievement", ["lidar", "agv"])
                yield document

        es.rebuild(documents())
        assert seen_during == [{"lidar", "agv", "segmentation"}]
        # lidar was yielded before the delete and agv after it: both stay deleted.
        assert ids(es, "激光雷达") == {"segmentation", "late"}
        assert es.count() == 9

    def test_a_write_of_many_chunks_is_searchable_when_it_returns(
        self, es: ElasticsearchBackend
    ) -> None:
        many = [
            doc("demand", f"m{i}", f"{'玉米深加工' if i % 2 else '动力电池'}需求{i}")
            for i in range(2 * PIPELINE_CHUNK + 7)
        ]
        corn = SearchQuery(text="玉米深加工", types=["demand"], size=5)
        before = es.search(corn).total
        assert es.index(many) == len(many)
        assert es.count() == 10 + len(many)
        assert es.search(corn).total == before + PIPELINE_CHUNK + 3
        assert ids(es, f"需求{len(many) - 1}") >= {f"m{len(many) - 1}"}

    def test_failed_rebuild_keeps_the_old_index(self, es: ElasticsearchBackend) -> None:
        def documents() -> Iterator[SearchDocument]:
            yield fixture_documents()[0]
            raise RuntimeError("database went away")

        with pytest.raises(RuntimeError):
            es.rebuild(documents())
        assert es.count() == 10
        assert len(es.client.indices.get(index=f"{es.alias}-v*")) == 1

    def test_mapping_metadata(self, es: ElasticsearchBackend) -> None:
        mapping = es.client.indices.get_mapping(index=es.alias)
        (meta,) = (m["mappings"]["_meta"] for m in mapping.values())
        assert meta["mapping_version"] == MAPPING_VERSION
        assert meta["analyzer_version"] == es.analyzer.version
        health = es.health()
        assert health.ok and health.documents == 10
        assert "reindex advised" not in health.detail
