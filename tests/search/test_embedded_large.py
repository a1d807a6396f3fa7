"""The embedded backend on match sets too large to rank and count in full.

The limits are lowered so a few dozen documents take the path that a common word takes at
100,000 documents: estimated total and facets (the page says so), ranking within the
title/keyword tier, newest first through the date index, and "m of n" by clause counting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from search import embedded_query
from search.analysis import Analyzer
from search.base import SearchDocument, SearchPage, SearchQuery
from search.embedded import EmbeddedBackend

START = datetime(2024, 1, 1, 9, 0)


def documents() -> list[SearchDocument]:
    """60 documents on batteries: a third with the word in the title, the rest in the body."""
    out = []
    for i in range(60):
        in_title = i % 3 == 0
        out.append(
            SearchDocument(
                "achievement" if i % 2 else "demand",
                str(i),
                f"动力电池热管理方案{i}号" if in_title else f"整车轻量化设计方案{i}号",
                keywords=["热管理"],
                summary="面向新能源汽车的技术方案。",
                body="方案涉及动力电池的低温加热与散热。"
                if not in_title
                else "方案已完成台架试验。",
                facets={"region": "长春" if i % 4 == 0 else "吉林", "field": "新能源汽车"},
                published_at=START + timedelta(days=i),
            )
        )
    return out


@pytest.fixture
def backend(analyzer: Analyzer) -> Iterator[EmbeddedBackend]:
    backend = EmbeddedBackend(":memory:", analyzer=analyzer)
    backend.ensure_ready()
    backend.index(documents())
    yield backend
    backend.close()


def run(backend: EmbeddedBackend, text: str, **options: object) -> SearchPage:
    return backend.search(SearchQuery(text=text, **options))  # type: ignore[arg-type]


def large(monkeypatch: pytest.MonkeyPatch, *, sample: int = 1000) -> None:
    monkeypatch.setattr(embedded_query, "EXACT_LIMIT", 5)
    monkeypatch.setattr(embedded_query, "SAMPLE_SIZE", sample)


def exact_facets(page: SearchPage) -> dict[str, dict[str, int]]:
    return {name: dict(counts) for name, counts in page.facets.items()}


def test_small_sets_are_exact(backend: EmbeddedBackend) -> None:
    page = run(backend, "电池")
    assert page.total == 60 and not page.approximate


def test_large_set_counts_every_match_and_says_estimated(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = run(backend, "电池", facets=["type", "region"])
    large(monkeypatch)
    page = run(backend, "电池", facets=["type", "region"])
    assert page.approximate
    # A sample of every match (step 1 here) gives the same numbers as counting them all.
    assert page.total == exact.total == 60
    assert exact_facets(page) == exact_facets(exact)


def test_sampled_estimates_are_close(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    large(monkeypatch, sample=20)
    page = run(backend, "电池", facets=["region"], filters={"region": "吉林"})
    assert page.approximate
    assert 30 <= page.total <= 60  # 45 exactly
    counts = dict(page.facets["region"])
    assert 30 <= counts["吉林"] <= 60 and 6 <= counts["长春"] <= 24  # 45 and 15


def test_large_set_ranks_title_matches_first(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = run(backend, "电池", size=10)
    large(monkeypatch)
    page = run(backend, "电池", size=10)
    assert [h.id for h in page.hits] == [h.id for h in exact.hits]
    assert all("电池" in h.title for h in page.hits)
    assert all("<mark>电池</mark>" in h.title_html for h in page.hits)


def test_tier_that_cannot_fill_the_page_ranks_everything(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    large(monkeypatch)
    page = run(backend, "电池", size=30)
    assert len(page.hits) == 30  # 20 title matches, then body matches
    assert all("电池" in h.title for h in page.hits[:20])
    assert not any("电池" in h.title for h in page.hits[20:])
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)


def test_pages_are_disjoint(backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    large(monkeypatch)
    seen: list[str] = []
    for number in (1, 2, 3):
        seen += [h.id for h in run(backend, "电池", size=20, page=number).hits]
    assert sorted(seen, key=int) == [str(i) for i in range(60)]


def test_filters_apply_to_the_ranked_page(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    large(monkeypatch)
    page = run(backend, "电池", types=["demand"], filters={"region": "长春"}, size=50)
    expected = {str(i) for i in range(0, 60, 4)}
    assert {h.id for h in page.hits} == expected and page.total == len(expected)


def test_newest_first(backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    large(monkeypatch)
    page = run(backend, "电池", sort="newest", size=5, types=["achievement"])
    assert [h.id for h in page.hits] == ["59", "57", "55", "53", "51"]
    assert all(h.score > 0 for h in page.hits)


def test_phrases_and_exclusions(backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    large(monkeypatch)
    page = run(backend, '"低温加热" -整车', size=50)
    assert page.total == 0
    page = run(backend, '电池 "台架试验"', size=50)
    assert {h.id for h in page.hits} == {str(i) for i in range(0, 60, 3)}


def test_m_of_n_counting_matches_combinations(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "动力电池 热管理 低温 散热 台架"
    combined = run(backend, text, size=50)
    monkeypatch.setattr(embedded_query, "MAX_COMBINATIONS", 0)
    counted = run(backend, text, size=50)
    assert combined.total == counted.total > 0
    assert [h.id for h in combined.hits] == [h.id for h in counted.hits]


def test_narrow_tier_widens_until_the_page_fills(
    backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = run(backend, "电池", size=10)
    large(monkeypatch)
    # No document has the word in both title and keywords: the title tier answers.
    monkeypatch.setattr(embedded_query, "TIER_LIMIT", 5)
    page = run(backend, "电池", size=10)
    assert [h.id for h in page.hits] == [h.id for h in exact.hits]
