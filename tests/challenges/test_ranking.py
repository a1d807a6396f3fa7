from __future__ import annotations

from decimal import Decimal

from app.challenges.service import split_reward
from app.reviews.ranking import Entry, rank, weighted_total

CRITERIA = [("技术先进性", 60), ("产业化能力", 40)]


class TestWeightedTotal:
    def test_exact(self) -> None:
        assert weighted_total([85, 77], [60, 40]) == Decimal("81.80")


class TestRank:
    def test_higher_mean_first(self) -> None:
        ranked = rank(
            [Entry(1, "甲", [[60, 60]]), Entry(2, "乙", [[90, 80]])],
            CRITERIA,
        )
        assert [(e.key, e.rank) for e in ranked] == [(2, 1), (1, 2)]
        assert ranked[0].note == "1 位专家加权总分的平均值为 86.00 分，排名第 1 名（共 2 个申请）"

    def test_equal_means_broken_by_the_heaviest_criterion(self) -> None:
        ranked = rank(
            [Entry(1, "甲", [[70, 85]]), Entry(2, "乙", [[80, 70]])],
            CRITERIA,
        )
        assert [e.key for e in ranked] == [2, 1]
        assert "“技术先进性”（权重 60%）的平均分 70.00 低于对方的 80.00" in ranked[1].note
        assert "较高排在前面" in ranked[0].note

    def test_identical_scores_share_the_rank(self) -> None:
        ranked = rank(
            [
                Entry(1, "甲", [[70, 85]]),
                Entry(2, "乙", [[70, 85]]),
                Entry(3, "丙", [[10, 10]]),
            ],
            CRITERIA,
        )
        assert [e.rank for e in ranked] == [1, 1, 3]
        assert "并列第 1 名" in ranked[0].note and "并列第 1 名" in ranked[1].note
        assert "排名第 3 名" in ranked[2].note

    def test_means_equal_only_after_rounding(self) -> None:
        # Weights 33/67: 70.2233… and 70.2200 are both shown as 70.22.
        ranked = rank(
            [
                Entry(1, "甲", [[70, 71], [70, 70], [70, 70]]),
                Entry(2, "乙", [[72, 70], [70, 70], [70, 70]]),
            ],
            [("工艺", 33), ("成本", 67)],
        )
        assert [e.key for e in ranked] == [1, 2]
        assert "保留两位小数后与“甲”同为 70.22 分，按未经舍入的精确平均分排在其后" in ranked[1].note


class TestSplitReward:
    def test_thirty_thirty_forty(self) -> None:
        assert split_reward(Decimal("800000.00"), [30, 30, 40]) == [
            Decimal("240000.00"),
            Decimal("240000.00"),
            Decimal("320000.00"),
        ]

    def test_cents_add_up_exactly(self) -> None:
        parts = split_reward(Decimal("100000.01"), [33, 33, 34])
        assert parts == [Decimal("33000.00"), Decimal("33000.00"), Decimal("34000.01")]
        assert sum(parts) == Decimal("100000.01")
