"""Highlighting in the original text."""

from __future__ import annotations

from search.highlight import find_spans, highlight, snippet


def test_marks_original_characters_for_normalised_terms() -> None:
    assert highlight("車載雷達系統", ["雷达"]) == "車載<mark>雷達</mark>系統"


def test_escapes_everything_else() -> None:
    assert (
        highlight("<b>雷达</b> & 激光", ["雷达"])
        == "&lt;b&gt;<mark>雷达</mark>&lt;/b&gt; &amp; 激光"
    )


def test_overlapping_terms_merge() -> None:
    assert highlight("激光雷达", ["激光", "激光雷达", "雷达"]) == "<mark>激光雷达</mark>"


def test_ascii_terms_match_whole_words_only() -> None:
    assert find_spans("maintain AI systems", ["ai"]) == [(9, 11)]


def test_full_width_text() -> None:
    assert highlight("ＬｉＤＡＲ传感器", ["lidar"]) == "<mark>ＬｉＤＡＲ</mark>传感器"


def test_snippet_window_around_matches() -> None:
    text = "前言" * 100 + "核心是激光雷达点云算法" + "结尾" * 100
    html, found = snippet(text, ["激光雷达"], length=40)
    assert found == 1
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>激光雷达</mark>" in html


def test_snippet_without_match_is_the_start() -> None:
    html, found = snippet("短文本<摘要>", ["不存在"], length=40)
    assert (html, found) == ("短文本&lt;摘要&gt;", 0)
