"""The reasons a match gives read as a person would write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.matching import ranker
from app.models import Achievement, Challenge, Demand


@pytest.mark.parametrize(
    "word",
    [
        *("面向", "正在", "稳定", "天气", "分析", "运用", "从而", "人工", "最大"),
        *("依赖", "小于", "缩短", "缺少", "替代", "验证", "中试", "实验室", "低成本"),
    ],
)
def test_common_words_are_never_named_as_shared_keywords(word: str) -> None:
    assert ranker.shared_terms([word, "绝缘子"], f"{word}绝缘子缺陷检测") == ["绝缘子"]


def test_a_listings_own_keyword_is_named_even_if_common() -> None:
    assert ranker.shared_terms(["天气"], "天气雷达", keywords={"天气"}) == ["天气"]


def test_a_term_is_shown_as_the_listing_spells_it() -> None:
    demand = Demand(title="寻求4D打印合作", summary="", keywords=[])
    achievement = Achievement(title="形状记忆材料", summary="用于4D打印", keywords=["4D打印"])
    assert ranker.as_written("4d打印", demand, achievement) == "4D打印"


@pytest.mark.parametrize(
    ("price", "reason"),
    [
        (Decimal(1_000_000), "报价100万元，在预算上限150万元以内"),
        (Decimal(2_000_000), "报价200万元，略高于预算上限150万元"),
        (Decimal(3_200_000), "报价320万元，超出预算上限150万元"),
    ],
)
def test_price_against_budget_says_which_is_which(price: Decimal, reason: str) -> None:
    demand = Demand(title="t", summary="", budget_max=Decimal(1_500_000))
    assert ranker.budget_fit(demand, price)[1] == reason


def test_a_challenge_compares_with_its_reward() -> None:
    challenge = Challenge(title="t", summary="", reward=Decimal(1_500_000))
    assert ranker.budget_fit(challenge, Decimal(3_200_000))[1] == "报价320万元，超出榜单奖金150万元"
