"""The scheduler core on plain data: rules hold on random instances, the better solver wins."""

from __future__ import annotations

import random

import pytest

from app.events.scheduler import (
    Candidate,
    Problem,
    cp_sat,
    greedy,
    lp_bound,
    schedule,
    violations,
)


def random_problem(
    seed: int, people: int = 30, requests: int = 80, slots: int = 6, tables: int = 5
) -> Problem:
    rng = random.Random(seed)
    pairs: set[tuple[int, int]] = set()
    candidates = []
    while len(candidates) < requests:
        a, b = rng.sample(range(people), 2)
        if (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        fixed = rng.randrange(slots) if rng.random() < 0.05 else None
        candidates.append(Candidate(len(candidates) + 1, a, b, rng.randint(1, 300), fixed))
    unavailable = {p: frozenset(rng.sample(range(slots), rng.randint(0, 2))) for p in range(people)}
    return Problem(
        slots=list(range(slots)),
        tables=list(range(100, 100 + tables)),
        candidates=candidates,
        unavailable=unavailable,
    )


class TestRules:
    @pytest.mark.parametrize("seed", range(12))
    def test_no_double_booking_availability_or_fixed_slot_broken(self, seed: int) -> None:
        problem = random_problem(seed)
        for result in (
            greedy(problem),
            cp_sat(problem, time_limit=2),
            schedule(problem, time_limit=2),
        ):
            assert violations(problem, result) == []
            assert result.objective <= result.upper_bound
            placed = {p.candidate_id for p in result.placements}
            assert placed.isdisjoint(result.standby)
            assert placed | set(result.standby) == {c.id for c in problem.candidates}

    def test_violations_sees_a_double_booked_person(self) -> None:
        problem = Problem(
            slots=[1],
            tables=[1, 2],
            candidates=[Candidate(1, 10, 11, 5), Candidate(2, 10, 12, 5)],
        )
        result = greedy(problem)
        assert len(result.placements) == 1
        from app.events.scheduler import Placement

        result.placements.append(Placement(2, 1, 2))
        assert "person 10 double-booked in slot 1" in violations(problem, result)

    def test_unavailable_person_is_not_placed(self) -> None:
        problem = Problem(
            slots=[1, 2],
            tables=[1],
            candidates=[Candidate(1, 10, 11, 5)],
            unavailable={10: frozenset({1, 2})},
        )
        assert greedy(problem).placements == []
        assert schedule(problem, time_limit=1).standby == [1]

    def test_fixed_slot_meeting_takes_its_slot_first(self) -> None:
        # One table: the chiefs' meeting has slot 2 fixed, a higher-priority pair wants slot 2 too.
        problem = Problem(
            slots=[1, 2],
            tables=[7],
            candidates=[
                Candidate(1, 1, 2, 1005, fixed_slot=2),
                Candidate(2, 3, 4, 50),
                Candidate(3, 5, 6, 40),
            ],
            unavailable={3: frozenset({1}), 5: frozenset({1})},
        )
        result = schedule(problem, time_limit=1)
        assert {(p.candidate_id, p.slot) for p in result.placements} == {(1, 2)}
        assert result.standby == [2, 3]


class TestQuality:
    def test_cp_sat_never_worse_than_greedy_and_reaches_the_lp_bound_when_optimal(self) -> None:
        problem = random_problem(3, people=40, requests=140, slots=6, tables=8)
        base = greedy(problem)
        exact = cp_sat(problem, time_limit=5, hint=base)
        assert exact.objective >= base.objective
        bound = lp_bound(problem)
        assert exact.objective <= bound
        if exact.optimal:
            assert exact.upper_bound == exact.objective

    def test_schedule_keeps_the_better_result(self) -> None:
        problem = random_problem(5)
        result = schedule(problem, time_limit=2)
        assert result.objective >= greedy(problem).objective


class TestReschedule:
    def test_locked_meetings_stay_and_freed_places_fill_from_standby(self) -> None:
        problem = random_problem(11, people=20, requests=60, slots=4, tables=3)
        first = schedule(problem, time_limit=2)
        assert first.standby, "the instance should leave a standby list"
        cancelled = first.placements[0]
        kept = first.placements[1:]
        cands = {c.id: c for c in problem.candidates}
        remaining = [c for c in problem.candidates if c.id != cancelled.candidate_id]
        again = Problem(
            slots=problem.slots,
            tables=problem.tables,
            candidates=remaining,
            unavailable=problem.unavailable,
            locked=[(cands[p.candidate_id], p.slot, p.table) for p in kept],
        )
        second = schedule(again, time_limit=2)
        assert violations(again, second) == []
        for placement in kept:
            assert placement in second.placements
        new = [p for p in second.placements if p not in kept]
        assert all(p.candidate_id in first.standby for p in new)
        assert second.objective >= first.objective - cands[cancelled.candidate_id].priority
