"""parse_query: words, quoted phrases and exclusions."""

from __future__ import annotations

import pytest

from search.base import ParsedQuery, SearchQuery, parse_query


class TestParseQuery:
    def test_words(self) -> None:
        assert parse_query("  激光雷达   新能源车 ") == ParsedQuery(terms=("激光雷达", "新能源车"))

    def test_phrase_and_exclusion(self) -> None:
        parsed = parse_query('"智能 网联" -氢能 电池')
        assert parsed == ParsedQuery(terms=("电池",), phrases=("智能 网联",), excluded=("氢能",))

    def test_chinese_quotes_and_full_width_minus(self) -> None:
        parsed = parse_query("“光电 信息” －激光 「新材料」")
        assert parsed.phrases == ("光电 信息", "新材料")
        assert parsed.excluded == ("激光",)

    def test_excluded_phrase(self) -> None:
        assert parse_query('-"燃料 电池"').excluded == ("燃料 电池",)

    def test_hyphen_inside_word_is_text(self) -> None:
        assert parse_query("CO-2 -x").terms == ("CO-2",)

    def test_unclosed_quote_runs_to_end(self) -> None:
        assert parse_query('"半导体 激光').phrases == ("半导体 激光",)

    def test_empty(self) -> None:
        assert parse_query("   ").is_empty
        assert parse_query("-氢能").is_empty


class TestSearchQuery:
    def test_types_fold_into_filters(self) -> None:
        query = SearchQuery(types=["demand"], filters={"region": "长春", "field": []})
        assert query.filter_values() == {"region": ["长春"], "type": ["demand"]}

    @pytest.mark.parametrize(
        "options",
        [{"page": 0}, {"size": 0}, {"size": 101}, {"page": 1001, "size": 10}, {"sort": "x"}],
    )
    def test_rejects_bad_paging(self, options: dict[str, object]) -> None:
        with pytest.raises(ValueError):
            SearchQuery(**options)  # type: ignore[arg-type]
