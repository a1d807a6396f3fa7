"""Generic review rules, used the way a programme call's applications would use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from app.core.errors import InvalidInput
from app.models.enums import PanelMemberStatus
from app.reviews import service
from app.reviews.conflicts import Party, find_conflicts
from app.reviews.criteria import Criterion, Mark, check_weights, criteria_from
from app.reviews.ranking import rank
from tests.factories.accounts import make_org
from tests.factories.challenges import make_expert

CALL = service.register(service.ReviewKind(subject_type="test_call", label="申报指南", blind=True))
CRITERIA = [Criterion("创新性", 50), Criterion("可行性", 30), Criterion("经费合理性", 20)]


class TestRegister:
    def test_a_kind_is_registered_once_and_described_once(self) -> None:
        assert service.kind("test_call") is CALL
        assert service.register(CALL) is CALL
        with pytest.raises(ValueError):
            service.register(service.ReviewKind("test_call", "另一种说法"))


class TestCriteria:
    def test_weights_must_add_up_to_a_hundred(self) -> None:
        check_weights(CRITERIA)
        with pytest.raises(InvalidInput) as refused:
            check_weights([Criterion("创新性", 50), Criterion("可行性", 40)])
        assert refused.value.errors["criteria"] == "各项评价指标的权重之和应为 100%"
        with pytest.raises(InvalidInput):
            check_weights([Criterion("创新性", 50), Criterion("创新性", 50)])

    def test_criteria_come_from_data(self) -> None:
        assert criteria_from([{"name": "创新性", "weight": "50"}]) == [Criterion("创新性", 50)]


def _panel(session: Session) -> tuple[list[int], list[int]]:
    """Two applicants of call 1 and three experts, one from an applicant's organisation."""
    first = make_org(session, name="长春光华微电子设备工程中心")
    second = make_org(session, name="吉林省农业机械研究院")
    experts = [
        make_expert(session, name="评审专家甲"),
        make_expert(session, name="评审专家乙"),
        make_expert(session, org=second, name="农机院专家"),
    ]
    parties = [
        Party(first.id, "申报单位", first.name, partners=True),
        Party(second.id, "申报单位", second.name, partners=True),
    ]
    found = find_conflicts(session, parties, experts)
    service.set_members(session, "test_call", 1, experts, found)
    return [first.id, second.id], [e.id for e in experts]


class TestMembers:
    def test_a_conflicted_expert_stays_on_the_panel_excluded_with_the_reason(
        self, session: Session
    ) -> None:
        _apps, experts = _panel(session)
        members = service.members(session, "test_call", 1)
        assert [m.expert_id for m in members] == experts
        assert [m.status for m in members] == [
            PanelMemberStatus.ELIGIBLE,
            PanelMemberStatus.ELIGIBLE,
            PanelMemberStatus.EXCLUDED,
        ]
        assert members[2].conflicts == ["所在机构“吉林省农业机械研究院”是申报单位"]
        assert service.members(session, "test_call", 2) == []

    def test_a_recheck_says_what_changed(self, session: Session) -> None:
        _panel(session)
        members = service.members(session, "test_call", 1)
        changes = service.recheck(members, {})
        assert changes == ["农机院专家：回避 → 参加评审"]
        assert all(m.status == PanelMemberStatus.ELIGIBLE for m in members)


class TestBlindScoring:
    def test_experts_see_only_their_own_scores_until_the_review_closes(
        self, session: Session
    ) -> None:
        apps, experts = _panel(session)
        for expert, marks in zip(experts[:2], ([90, 80, 70], [60, 70, 80]), strict=True):
            for entry in apps:
                service.save_score(
                    session,
                    "test_call",
                    1,
                    entry,
                    expert,
                    CRITERIA,
                    [Mark(m, "意见明确") for m in marks],
                )
        rows = service.scores(session, "test_call", apps)
        assert len(rows) == 4
        mine = service.visible_scores(rows, experts[0], closed=False, staff=False)
        assert {r.expert_id for r in mine} == {experts[0]}
        assert len(service.visible_scores(rows, experts[0], closed=True, staff=False)) == 4
        assert len(service.visible_scores(rows, experts[2], closed=False, staff=True)) == 4

    def test_a_revised_score_replaces_the_first_and_reports_it(self, session: Session) -> None:
        apps, experts = _panel(session)
        first, before = service.save_score(
            session, "test_call", 1, apps[0], experts[0], CRITERIA, [Mark(80, "好")] * 3
        )
        assert before is None and first.total == Decimal("80.00")
        again, before = service.save_score(
            session, "test_call", 1, apps[0], experts[0], CRITERIA, [Mark(90, "更好")] * 3
        )
        assert again.id == first.id and before == {"total": "80.00"}
        assert again.total == Decimal("90.00")

    def test_marks_must_match_the_criteria(self, session: Session) -> None:
        apps, experts = _panel(session)
        with pytest.raises(InvalidInput) as refused:
            service.save_score(
                session, "test_call", 1, apps[0], experts[0], CRITERIA, [Mark(80, "好")]
            )
        assert (
            refused.value.errors["items"] == "应为 3 项评分，依次对应：创新性、可行性、经费合理性"
        )

    def test_applicants_are_numbered_for_experts_on_a_blind_review(self) -> None:
        assert service.shown_name(CALL, "吉林省农业机械研究院", 2, staff=False) == "申请 2"
        assert service.shown_name(CALL, "吉林省农业机械研究院", 2, staff=True) == (
            "吉林省农业机械研究院"
        )


class TestClosing:
    def test_who_still_has_to_score_then_the_ranking(self, session: Session) -> None:
        apps, experts = _panel(session)
        named = [(apps[0], "甲申请"), (apps[1], "乙申请")]
        service.save_score(
            session, "test_call", 1, apps[0], experts[0], CRITERIA, [Mark(90, "好")] * 3
        )
        members = service.members(session, "test_call", 1)
        rows = service.scores(session, "test_call", apps)
        assert service.missing(members, named, rows) == [
            "评审专家甲尚未评：乙申请",
            "评审专家乙尚未评：甲申请、乙申请",
        ]
        for expert in experts[:2]:
            for entry, score in ((apps[0], 70), (apps[1], 85)):
                service.save_score(
                    session, "test_call", 1, entry, expert, CRITERIA, [Mark(score, "可")] * 3
                )
        rows = service.scores(session, "test_call", apps)
        assert service.missing(members, named, rows) == []
        eligible = {m.expert_id for m in service.eligible(members)}
        ranked = rank(
            service.entries(rows, eligible, named), [(c.name, c.weight) for c in CRITERIA]
        )
        assert [(e.name, e.rank) for e in ranked] == [("乙申请", 1), ("甲申请", 2)]
        assert "2 位专家加权总分的平均值为 85.00 分" in ranked[0].note
