"""Reciprocal rank fusion of several rankings."""

from __future__ import annotations

import pytest

from search.fusion import rrf, rrf_scores


def test_a_document_both_retrievers_rank_well_beats_one_only_one_ranks_first() -> None:
    lexical = ["a", "b", "c", "d"]
    dense = ["e", "c", "b", "f"]
    fused = rrf([lexical, dense])
    # b (2nd + 3rd) and c (3rd + 2nd) agree; a and e are each first in one list only.
    assert fused[:2] == ["b", "c"]
    assert set(fused[2:4]) == {"a", "e"}
    assert set(fused) == {"a", "b", "c", "d", "e", "f"}


def test_scores_are_sums_of_reciprocal_ranks() -> None:
    scores = rrf_scores([["x", "y"], ["y"]], k=60)
    assert scores["x"] == pytest.approx(1 / 61)
    assert scores["y"] == pytest.approx(1 / 62 + 1 / 61)


def test_a_single_ranking_comes_back_unchanged() -> None:
    assert rrf([["q", "w", "e", "r"]]) == ["q", "w", "e", "r"]


def test_ties_keep_the_order_first_met() -> None:
    # Each is first in one list: equal scores, so the first list's head leads.
    assert rrf([["a"], ["b"]]) == ["a", "b"]
    assert rrf([["b"], ["a"]]) == ["b", "a"]


def test_a_repeated_document_counts_once_at_its_best_rank() -> None:
    assert rrf_scores([["a", "b", "a"]])["a"] == pytest.approx(1 / 61)


def test_small_k_lets_a_first_place_outvote_agreement_lower_down() -> None:
    rankings = [["a", "m", "n", "b"], ["z", "y", "x", "b"]]
    assert rrf(rankings, k=60)[0] == "b"
    assert rrf(rankings, k=0)[0] == "a"


def test_empty_input_and_negative_k() -> None:
    assert rrf([]) == []
    assert rrf([[], []]) == []
    with pytest.raises(ValueError):
        rrf([["a"]], k=-1)


def test_ids_of_any_hashable_type() -> None:
    assert rrf([[("paper", "1"), ("paper", "2")], [("paper", "2")]])[0] == ("paper", "2")
