"""The behaviour every search backend must show, run unchanged against each one."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import doc, fixture_documents

from search.base import NumericRange, SearchBackend, SearchPage, SearchQuery


def ids(page: SearchPage) -> list[str]:
    return [hit.id for hit in page.hits]


def search(backend: SearchBackend, text: str = "", **options: object) -> SearchPage:
    return backend.search(SearchQuery(text=text, **options))  # type: ignore[arg-type]


class TestRanking:
    def test_title_match_beats_body_match(self, backend: SearchBackend) -> None:
        found = ids(search(backend, "激光雷达"))
        assert found.index("lidar") < found.index("agv")

    def test_domain_term_stays_whole(self, backend: SearchBackend) -> None:
        found = ids(search(backend, "激光雷达"))
        assert set(found) == {"lidar", "agv", "segmentation"}
        assert "calib" not in found  # has 激光器 and 毫米波雷达, not 激光雷达

    def test_short_word_finds_longer_compounds(self, backend: SearchBackend) -> None:
        assert "lidar" in ids(search(backend, "智能网联"))

    def test_all_words_required_for_two_words(self, backend: SearchBackend) -> None:
        page = search(backend, "点云 语义分割")
        assert ids(page) == ["segmentation"]
        assert not page.relaxed

    def test_relaxed_when_nothing_has_every_word(self, backend: SearchBackend) -> None:
        page = search(backend, "点云 医学影像")
        assert page.relaxed
        assert {"segmentation", "lidar", "nodule"} <= set(ids(page))

    def test_a_compound_finds_texts_on_its_head_and_its_own_first(
        self, backend: SearchBackend
    ) -> None:
        backend.index(
            [
                doc("achievement", "fuel-cell", "车用燃料电池电堆", summary="膜电极制备工艺"),
                doc("achievement", "h2-cell", "氢燃料电池系统", summary="氢燃料电池发动机控制"),
            ]
        )
        found = ids(search(backend, "氢燃料电池"))
        assert found[:2] == ["h2-cell", "fuel-cell"]

    def test_several_words_find_what_matches_most_of_them(self, backend: SearchBackend) -> None:
        backend.index(
            [
                doc("achievement", "stack", "车用燃料电池电堆", summary="电堆低温冷启动控制"),
                doc("achievement", "vanadium", "全钒液流电池电堆", summary="储能电堆集成"),
            ]
        )
        page = search(backend, "氢燃料电池 电堆 冷启动 寿命")  # no text has all four
        assert ids(page)[0] == "stack"
        assert "vanadium" in ids(page)

    def test_latin_word_matches_as_prefix(self, backend: SearchBackend) -> None:
        backend.index([doc("achievement", "igbt", "IGBTs模块封装工艺")])
        assert ids(search(backend, "IGBT")) == ["igbt"]

    def test_long_query_ranks_fuller_matches_first(self, backend: SearchBackend) -> None:
        found = ids(search(backend, "自动驾驶 点云 语义分割"))  # two of three suffice
        assert found[0] == "segmentation"
        assert "lidar" in found

    def test_no_match(self, backend: SearchBackend) -> None:
        page = search(backend, "量子通信")
        assert page.total == 0
        assert page.hits == []
        assert not page.relaxed

    def test_scores_descend(self, backend: SearchBackend) -> None:
        scores = [hit.score for hit in search(backend, "激光雷达").hits]
        assert scores == sorted(scores, reverse=True)


class TestNormalisation:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("新能源车", "thermal"),  # the document says 新能源汽车
            ("AI", "nodule"),  # 人工智能
            ("LiDAR", "lidar"),  # 激光雷达
            ("CT扫描", "nodule"),  # 计算机断层扫描
        ],
    )
    def test_synonyms_find_each_other(
        self, backend: SearchBackend, query: str, expected: str
    ) -> None:
        assert expected in ids(search(backend, query))

    def test_traditional_query_finds_simplified_document(self, backend: SearchBackend) -> None:
        assert ids(search(backend, "動力電池熱管理")) == ["thermal"]

    def test_simplified_query_finds_traditional_document(self, backend: SearchBackend) -> None:
        assert ids(search(backend, "锂离子电池 负极")) == ["anode"]

    def test_full_width_and_case_fold(self, backend: SearchBackend) -> None:
        assert "lidar" in ids(search(backend, "ＬＩＤＡＲ"))


class TestSyntax:
    def test_phrase_must_be_contiguous(self, backend: SearchBackend) -> None:
        assert set(ids(search(backend, "低温 环境"))) == {"thermal", "storage"}
        assert ids(search(backend, '"低温环境"')) == ["thermal"]

    def test_phrase_with_words(self, backend: SearchBackend) -> None:
        assert ids(search(backend, '新能源汽车 "续航衰减"')) == ["thermal"]

    def test_exclusion(self, backend: SearchBackend) -> None:
        assert "storage" in ids(search(backend, "电池"))
        found = ids(search(backend, "电池 -储能"))
        assert "storage" not in found
        assert {"thermal", "anode"} <= set(found)

    def test_excluded_phrase(self, backend: SearchBackend) -> None:
        found = ids(search(backend, '自动驾驶 -"语义分割"'))
        assert found == ["lidar"]

    def test_exclusion_alone_lists_the_rest(self, backend: SearchBackend) -> None:
        page = search(backend, "-激光")
        assert page.total == len(fixture_documents()) - 4


class TestFilters:
    def test_type_filter(self, backend: SearchBackend) -> None:
        assert set(ids(search(backend, "技术需求", types=["demand"]))) == {"thermal", "corn"}

    def test_facet_filter_or_within_and_across(self, backend: SearchBackend) -> None:
        page = search(backend, filters={"region": ["吉林", "四平"], "maturity": "产业化"})
        assert set(ids(page)) == {"agv", "storage"}

    def test_filter_with_text(self, backend: SearchBackend) -> None:
        assert ids(search(backend, "激光雷达", filters={"region": "吉林"}, sort="newest")) == [
            "segmentation",
            "agv",
        ]

    def test_numeric_range(self, backend: SearchBackend) -> None:
        page = search(backend, ranges={"price": NumericRange(lte=600000)})
        assert ids(page) == ["thermal"]
        page = search(backend, ranges={"price": NumericRange(gte=600000, lte=900000)})
        assert ids(page) == ["lidar"]


class TestFacets:
    def test_counts(self, backend: SearchBackend) -> None:
        page = search(backend, facets=["type", "region"])
        assert dict(page.facets["type"]) == {"achievement": 7, "demand": 2, "challenge": 1}
        assert page.facets["type"][0] == ("achievement", 7)
        assert dict(page.facets["region"]) == {"长春": 5, "吉林": 3, "四平": 2}

    def test_counts_follow_text(self, backend: SearchBackend) -> None:
        page = search(backend, "激光雷达", facets=["region", "field"])
        assert dict(page.facets["region"]) == {"长春": 1, "吉林": 2}
        assert dict(page.facets["field"]) == {"智能网联": 2, "高端装备": 1}

    def test_disjunctive_counts(self, backend: SearchBackend) -> None:
        page = search(backend, filters={"region": "长春"}, facets=["region", "field"])
        assert page.total == 5
        # Other regions stay visible so the user can add them to the selection.
        assert dict(page.facets["region"]) == {"长春": 5, "吉林": 3, "四平": 2}
        assert dict(page.facets["field"]) == {
            "智能网联": 2,
            "新能源汽车": 1,
            "光电信息": 1,
            "医药健康": 1,
        }


class TestHighlight:
    def test_marks_in_title_and_snippet(self, backend: SearchBackend) -> None:
        hit = search(backend, "激光雷达").hits[0]
        assert hit.title == "车载激光雷达点云目标检测系统"
        assert hit.title_html == "车载<mark>激光雷达</mark>点云目标检测系统"
        assert "<mark>激光雷达</mark>" in hit.snippet

    def test_marks_original_traditional_text(self, backend: SearchBackend) -> None:
        hit = search(backend, "锂离子电池").hits[0]
        assert "<mark>鋰離子電池</mark>" in hit.title_html

    def test_synonym_marked(self, backend: SearchBackend) -> None:
        hit = search(backend, "新能源车").hits[0]
        assert "<mark>新能源汽车</mark>" in hit.title_html

    def test_html_escaped(self, backend: SearchBackend) -> None:
        hit = search(backend, "车规级芯片").hits[0]
        assert hit.id == "chip"
        assert "&lt;" in hit.title_html and "&amp;" in hit.title_html
        assert "<车规级>" not in hit.title_html
        assert hit.title_html.replace("<mark>", "").replace("</mark>", "").count("<") == 0

    def test_highlight_off(self, backend: SearchBackend) -> None:
        hit = search(backend, "激光雷达", highlight=False).hits[0]
        assert "<mark>" not in hit.title_html + hit.snippet


class TestPaging:
    def test_pages_are_disjoint_and_complete(self, backend: SearchBackend) -> None:
        seen: list[str] = []
        for page_no in range(1, 5):
            page = search(backend, size=3, page=page_no)
            assert page.total == 10
            seen += ids(page)
        assert len(seen) == 10 == len(set(seen))

    def test_browse_is_newest_first(self, backend: SearchBackend) -> None:
        page = search(backend, size=3)
        assert ids(page) == ["chip", "thermal", "lidar"]
        assert page.hits[0].published_at == datetime(2024, 7, 1, 9, 0)

    def test_sort_newest_with_text(self, backend: SearchBackend) -> None:
        assert ids(search(backend, "激光雷达", sort="newest")) == ["lidar", "segmentation", "agv"]

    def test_page_past_the_end(self, backend: SearchBackend) -> None:
        page = search(backend, "激光雷达", page=5, size=10)
        assert page.total == 3
        assert page.hits == []


class TestWrites:
    def test_reindex_replaces(self, backend: SearchBackend) -> None:
        backend.index([doc("demand", "thermal", "氢燃料电池电堆测试需求", summary="电堆耐久测试")])
        assert "thermal" not in ids(search(backend, "热管理"))
        assert ids(search(backend, "燃料电池电堆")) == ["thermal"]
        assert backend.count() == 10

    def test_delete(self, backend: SearchBackend) -> None:
        assert backend.delete("achievement", ["lidar", "missing"]) == 1
        assert "lidar" not in ids(search(backend, "激光雷达"))
        assert backend.count() == 9
        assert backend.count(types=["achievement"]) == 6

    def test_same_id_different_type(self, backend: SearchBackend) -> None:
        backend.index([doc("org", "lidar", "长春光电研究所")])
        assert backend.count() == 11
        backend.delete("org", ["lidar"])
        assert "lidar" in ids(search(backend, "激光雷达"))

    def test_rebuild_swaps_content(self, backend: SearchBackend) -> None:
        kept = [d for d in fixture_documents() if d.type == "demand"]
        assert backend.rebuild(kept) == 2
        assert backend.count() == 2
        assert ids(search(backend, "激光雷达")) == []
        assert set(ids(search(backend, "需求"))) == {"thermal", "corn"}
        backend.index([doc("achievement", "new", "激光雷达标定方法")])
        assert ids(search(backend, "激光雷达")) == ["new"]


class TestSuggest:
    def test_keyword_prefix(self, backend: SearchBackend) -> None:
        suggestions = backend.suggest("激光")
        assert "激光雷达" in suggestions

    def test_word_inside_title(self, backend: SearchBackend) -> None:
        assert "储能电站安全监测平台" in backend.suggest("安全监测")

    def test_types_and_limit(self, backend: SearchBackend) -> None:
        assert backend.suggest("玉米", types=["achievement"]) == []
        assert len(backend.suggest("自动", limit=1)) == 1

    def test_empty_prefix(self, backend: SearchBackend) -> None:
        assert backend.suggest("  ") == []


class TestMoreLikeThis:
    def test_similar_first_and_not_itself(self, backend: SearchBackend) -> None:
        similar = [hit.id for hit in backend.more_like_this("achievement", "lidar", size=3)]
        assert similar
        assert "lidar" not in similar
        assert similar[0] == "segmentation"

    def test_restricted_by_type(self, backend: SearchBackend) -> None:
        similar = backend.more_like_this("achievement", "lidar", types=["demand"])
        assert all(hit.type == "demand" for hit in similar)

    def test_unknown_document(self, backend: SearchBackend) -> None:
        assert backend.more_like_this("achievement", "missing") == []


class TestOperations:
    def test_health(self, backend: SearchBackend) -> None:
        health = backend.health()
        assert health.ok
        assert health.documents == 10

    def test_ensure_ready_is_idempotent(self, backend: SearchBackend) -> None:
        backend.ensure_ready()
        assert backend.count() == 10

    def test_protocol(self, backend: SearchBackend) -> None:
        assert isinstance(backend, SearchBackend)
