"""The Chinese analyzer: normalisation, segmentation, dictionary, synonyms, stop words."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from search.analysis import Analyzer, compact, normalize, normalize_aligned


class TestNormalize:
    def test_width_case_and_traditional(self) -> None:
        assert normalize("ＬｉＤＡＲ 雷達 鋰電池 １２３") == "lidar 雷达 锂电池 123"

    def test_aligned_offsets_when_length_changes(self) -> None:
        text, offsets = normalize_aligned("①号电池")
        assert text == "1号电池"
        assert offsets == [0, 1, 2, 3]
        text, offsets = normalize_aligned("㎏级")
        assert text == "kg级"
        assert offsets == [0, 0, 1]

    def test_compact_drops_whitespace(self) -> None:
        assert compact(" 智能　网联 ") == "智能网联"


class TestSegmentation:
    def test_domain_terms_stay_whole_in_queries(self, analyzer: Analyzer) -> None:
        tokens = analyzer.query_tokens("车载激光雷达与毫米波雷达融合")
        assert "激光雷达" in tokens
        assert "毫米波雷达" in tokens

    def test_index_emits_sub_words_and_whole_word(self, analyzer: Analyzer) -> None:
        tokens = analyzer.index_tokens("智能网联汽车")
        assert {"智能", "网联", "汽车", "智能网联", "智能网联汽车"} <= set(tokens)

    def test_stop_words_and_punctuation_dropped(self, analyzer: Analyzer) -> None:
        tokens = analyzer.index_tokens("一种基于石墨烯的、高性能涂层！")
        assert "的" not in tokens and "一种" not in tokens and "、" not in tokens
        assert "石墨烯" in tokens

    def test_traditional_text_segments_like_simplified(self, analyzer: Analyzer) -> None:
        assert analyzer.index_tokens("鋰離子電池") == analyzer.index_tokens("锂离子电池")


class TestQueries:
    def test_synonym_alternatives(self, analyzer: Analyzer) -> None:
        clause = analyzer.analyze_query("新能源车").clauses[0]
        assert ("新能源汽车",) in clause.alternatives
        assert clause.alternatives[0] == ("新能源车",)

    def test_multi_word_synonym_is_one_clause(self, analyzer: Analyzer) -> None:
        query = analyzer.analyze_query("Machine Learning")
        assert len(query.clauses) == 1
        assert query.clauses[0].alternatives == (("machine", "learning"), ("机器学习",))

    def test_phrases_and_exclusions_are_compact(self, analyzer: Analyzer) -> None:
        query = analyzer.analyze_query('"智能 網聯" -氫能')
        assert query.phrases == ("智能网联",)
        assert query.excluded == ("氢能",)
        assert query.is_empty is False

    @pytest.mark.parametrize(("count", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)])
    def test_minimum_should_match(self, analyzer: Analyzer, count: int, needed: int) -> None:
        words = ["石墨烯", "钛合金", "光伏", "玉米", "人参"][:count]
        query = analyzer.analyze_query(" ".join(words))
        assert len(query.clauses) == count
        assert query.minimum_should_match == needed

    def test_duplicate_words_collapse(self, analyzer: Analyzer) -> None:
        assert len(analyzer.analyze_query("石墨烯 石墨烯").clauses) == 1


class TestRuntimeVocabulary:
    def test_add_terms_changes_segmentation(self) -> None:
        analyzer = Analyzer(builtin=False)
        assert "柔性钙钛矿叠层" not in analyzer.query_tokens("柔性钙钛矿叠层电池")
        version = analyzer.version
        assert analyzer.add_terms(["柔性钙钛矿叠层"]) == 1
        assert "柔性钙钛矿叠层" in analyzer.query_tokens("柔性钙钛矿叠层电池")
        assert analyzer.version > version

    def test_add_synonyms_merges_groups(self) -> None:
        analyzer = Analyzer(builtin=False)
        analyzer.add_synonyms(["无人机", "UAV"])
        analyzer.add_synonyms(["uav", "无人飞行器"])
        assert analyzer.synonyms("无人机") == ["uav", "无人飞行器"]
        assert ["uav", "无人机", "无人飞行器"] in analyzer.synonym_groups()

    def test_synonym_group_needs_two_words(self) -> None:
        with pytest.raises(ValueError):
            Analyzer(builtin=False).add_synonyms(["光刻机", "光刻机"])

    def test_load_files(self, tmp_path: Path) -> None:
        terms = tmp_path / "terms.txt"
        terms.write_text("# comment\n黑土地保护性耕作 20\n", encoding="utf-8")
        synonyms = tmp_path / "synonyms.txt"
        synonyms.write_text("保护性耕作，免耕\n", encoding="utf-8")
        stop = tmp_path / "stop.txt"
        stop.write_text("示范\n", encoding="utf-8")
        analyzer = Analyzer(
            builtin=False, dictionary_paths=[terms], synonym_paths=[synonyms], stopword_paths=[stop]
        )
        assert "黑土地保护性耕作" in analyzer.query_tokens("黑土地保护性耕作示范")
        assert "示范" not in analyzer.query_tokens("黑土地保护性耕作示范")
        assert analyzer.synonyms("免耕") == ["保护性耕作"]

    def test_builtin_data_is_substantial(self, analyzer: Analyzer) -> None:
        assert len(analyzer.terms) >= 300
        assert len(analyzer.synonym_groups()) >= 100

    def test_terms_added_to_one_analyzer_leave_another_alone(self) -> None:
        first, second = Analyzer(builtin=False), Analyzer(builtin=False)
        text = "寒地黑土保育固碳技术"
        before = second.query_tokens(text)
        assert "寒地黑土保育固碳" not in before
        first.add_terms(["寒地黑土保育固碳"])
        assert "寒地黑土保育固碳" in first.query_tokens(text)
        assert second.query_tokens(text) == before
        assert Analyzer(builtin=False).query_tokens(text) == before

    def test_thread_safe_lazy_load(self) -> None:
        analyzer = Analyzer()
        results: list[list[str]] = []

        def work() -> None:
            results.append(analyzer.query_tokens("氢燃料电池电堆"))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 8
        assert all(r == results[0] for r in results)


class TestSegmenters:
    SAMPLE = (
        "面向智能网联汽车的多线激光雷达感知算法，实现行人与车辆的实时检测。"
        "利用酶解与发酵工艺，将玉米深加工副产物转化为高附加值功能食品原料。"
        "鋰離子電池矽碳負極材料製備技術，提升能量密度與循環壽命。"
    )

    def test_fast_segmenter_cuts_like_jieba(self, analyzer: Analyzer) -> None:
        pytest.importorskip("jieba_fast")
        plain = Analyzer(segmenter="jieba")
        fast = Analyzer(segmenter="jieba_fast")
        assert fast.segmenter == "jieba_fast"
        assert fast.index_tokens(self.SAMPLE) == plain.index_tokens(self.SAMPLE)
        assert fast.query_tokens(self.SAMPLE) == plain.query_tokens(self.SAMPLE)
