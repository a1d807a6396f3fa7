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


@pytest.mark.parametrize("figure", ["50", "0.5", "98%", "1,000"])
def test_figures_are_never_named_as_shared_keywords(figure: str) -> None:
    assert ranker.shared_terms([figure, "800V"], f"{figure} 800V碳化硅") == ["800V"]


@pytest.mark.parametrize(
    ("asked", "offered", "similarity", "named"),
    [
        ("巡检无人机拍的瓷瓶照片太多", "对无人机航拍的绝缘子图像自动", 0.90, True),
        ("800V碳化硅电驱控制器", "800V碳化硅电驱控制器", 0.96, False),  # the same words
        ("预测性维护", "设备预测性维护", 0.93, False),
        ("现有技术中", "要求在公司现有雷达硬件上完成", 0.90, False),  # generic words only
        ("低成本", "晶圆级微透镜阵列低成本制造工", 0.90, False),
        ("碳化硅", "针对低温环境下PTC加热能耗", 0.875, False),  # not alike enough
    ],
)
def test_a_semantic_reason_names_clauses_that_meet_in_meaning_only(
    asked: str, offered: str, similarity: float, named: bool
) -> None:
    assert ranker.by_meaning(asked, offered, similarity) is named


def test_a_semantic_reason_shows_the_whole_clause() -> None:
    text = "求小型化推扫式高光谱成像仪技术，用于农业遥感"
    assert ranker.whole_clause(text, text[:14]) == "求小型化推扫式高光谱成像仪技术"


def test_a_maturity_stage_is_not_named_even_as_a_keyword() -> None:
    assert ranker.shared_terms(["中试放大", "绝缘子"], "中试放大绝缘子", keywords={"中试放大"}) == [
        "绝缘子"
    ]
