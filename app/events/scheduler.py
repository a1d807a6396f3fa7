"""The 1:1 meeting scheduler: a pure function over plain data.

A meeting needs two people, one time slot and one table. Tables are interchangeable, so a
schedule is feasible when no person meets twice in a slot, no slot holds more meetings than
it has free tables, every meeting sits in a slot both people are available for, and a
meeting with a fixed slot (the three-chiefs meetings) sits in that slot or not at all.
The objective is the total priority of the scheduled meetings.

Two solvers: ``greedy`` (highest priority first, earliest slot that fits) and ``cp_sat``
(OR-Tools CP-SAT, seeded with the greedy schedule and stopped at a time limit). ``schedule``
runs both and keeps the better one; CP-SAT also proves an upper bound on the optimum.
Meetings already placed (``locked``) keep their slot and table: rescheduling after a
cancellation only fills the freed places from the standby list.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Candidate:
    """A meeting that may be scheduled: two people and its priority (a positive integer)."""

    id: int
    a: int
    b: int
    priority: int
    fixed_slot: int | None = None


@dataclass(frozen=True)
class Placement:
    candidate_id: int
    slot: int
    table: int


@dataclass(frozen=True)
class Problem:
    slots: Sequence[int]
    tables: Sequence[int]
    candidates: Sequence[Candidate]
    # person → the slots that person cannot attend
    unavailable: dict[int, frozenset[int]] = field(default_factory=dict)
    # meetings that stay where they are (the candidates they belong to are not re-placed)
    locked: Sequence[tuple[Candidate, int, int]] = ()


@dataclass
class Schedule:
    placements: list[Placement]
    standby: list[int]  # unplaced candidate ids, highest priority first
    objective: int  # total priority of the placements, locked ones included
    upper_bound: int  # no schedule of this problem scores more
    bound_kind: str  # which bound ``upper_bound`` is
    solver: str
    seconds: float
    optimal: bool = False

    @property
    def ratio(self) -> float:
        return self.objective / self.upper_bound if self.upper_bound else 1.0


class _Space:
    """What is free once the locked meetings are placed."""

    def __init__(self, problem: Problem) -> None:
        self.slots = list(problem.slots)
        self.slot_set = set(self.slots)
        self.busy: dict[int, set[int]] = defaultdict(set)  # person → slots taken
        self.free_tables: dict[int, list[int]] = {s: list(problem.tables) for s in self.slots}
        self.locked_value = 0
        for cand, slot, table in problem.locked:
            self.busy[cand.a].add(slot)
            self.busy[cand.b].add(slot)
            if table in self.free_tables.get(slot, []):
                self.free_tables[slot].remove(table)
            self.locked_value += cand.priority
        locked_ids = {c.id for c, _s, _t in problem.locked}
        self.unavailable = problem.unavailable
        self.candidates = [
            c
            for c in problem.candidates
            if c.id not in locked_ids and c.a != c.b and c.priority > 0
        ]

    def allowed(self, cand: Candidate) -> list[int]:
        """The slots ``cand`` could take, ignoring the other new meetings."""
        if cand.fixed_slot is not None:
            options: Iterable[int] = [cand.fixed_slot] if cand.fixed_slot in self.slot_set else []
        else:
            options = self.slots
        blocked_a = self.unavailable.get(cand.a, frozenset()) | self.busy.get(cand.a, set())
        blocked_b = self.unavailable.get(cand.b, frozenset()) | self.busy.get(cand.b, set())
        return [
            s for s in options if s not in blocked_a and s not in blocked_b and self.free_tables[s]
        ]


def _finish(
    space: _Space,
    problem: Problem,
    chosen: dict[int, int],
    *,
    solver: str,
    started: float,
    upper_bound: int | None = None,
    bound_kind: str = "",
    optimal: bool = False,
) -> Schedule:
    """Turn candidate → slot into placements with tables, and list the standby."""
    free = {s: list(t) for s, t in space.free_tables.items()}
    by_id = {c.id: c for c in space.candidates}
    placements = [Placement(c.id, s, t) for c, s, t in problem.locked]
    for cand_id, slot in sorted(chosen.items(), key=lambda kv: (kv[1], -by_id[kv[0]].priority)):
        placements.append(Placement(cand_id, slot, free[slot].pop(0)))
    objective = space.locked_value + sum(by_id[c].priority for c in chosen)
    standby = [
        c.id
        for c in sorted(space.candidates, key=lambda c: (-c.priority, c.id))
        if c.id not in chosen
    ]
    if upper_bound is None:
        upper_bound, bound_kind = simple_bound(space)
    return Schedule(
        placements=placements,
        standby=standby,
        objective=objective,
        upper_bound=max(upper_bound, objective),
        bound_kind=bound_kind,
        solver=solver,
        seconds=time.perf_counter() - started,
        optimal=optimal,
    )


def simple_bound(space: _Space) -> tuple[int, str]:
    """Locked value plus, for the new meetings, the smaller of two relaxations.

    Capacity: the best ``free tables`` meetings overall. Per person: each person's meetings
    fill at most that person's free slots, and each meeting is counted by both its people,
    so half the sum over people of their best ``free slots`` priorities.
    """
    placeable = [c for c in space.candidates if space.allowed(c)]
    capacity = sum(len(t) for t in space.free_tables.values())
    by_priority = sorted((c.priority for c in placeable), reverse=True)
    capacity_bound = sum(by_priority[:capacity])
    per_person: dict[int, list[int]] = defaultdict(list)
    for c in placeable:
        per_person[c.a].append(c.priority)
        per_person[c.b].append(c.priority)
    person_bound = 0
    for person, values in per_person.items():
        free_slots = sum(
            1
            for s in space.slots
            if s not in space.unavailable.get(person, frozenset())
            and s not in space.busy.get(person, set())
        )
        person_bound += sum(sorted(values, reverse=True)[:free_slots])
    bound = min(capacity_bound, person_bound // 2 + person_bound % 2)
    return space.locked_value + bound, "容量与个人时段松弛上界"


def greedy(problem: Problem) -> Schedule:
    """Highest priority first, each into the earliest slot both people and a table have free."""
    started = time.perf_counter()
    space = _Space(problem)
    tables_left = {s: len(t) for s, t in space.free_tables.items()}
    busy: dict[int, set[int]] = defaultdict(set)
    chosen: dict[int, int] = {}
    # Fixed-slot meetings first: they have one place only.
    order = sorted(space.candidates, key=lambda c: (c.fixed_slot is None, -c.priority, c.id))
    for cand in order:
        options = space.allowed(cand)
        # Prefer the slot with most tables left: it keeps the others open for later pairs.
        best = None
        for slot in options:
            if tables_left[slot] <= 0 or slot in busy[cand.a] or slot in busy[cand.b]:
                continue
            if best is None or tables_left[slot] > tables_left[best]:
                best = slot
        if best is not None:
            chosen[cand.id] = best
            tables_left[best] -= 1
            busy[cand.a].add(best)
            busy[cand.b].add(best)
    return _finish(space, problem, chosen, solver="greedy", started=started)


def cp_sat(
    problem: Problem, *, time_limit: float = 10.0, workers: int = 8, hint: Schedule | None = None
) -> Schedule:
    """The exact model solved by OR-Tools CP-SAT within ``time_limit`` seconds."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    space = _Space(problem)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_cand: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for cand in space.candidates:
        for slot in space.allowed(cand):
            var = model.new_bool_var(f"m{cand.id}s{slot}")
            x[cand.id, slot] = var
            by_slot[slot].append(var)
            by_person_slot[cand.a, slot].append(var)
            by_person_slot[cand.b, slot].append(var)
            by_cand[cand.id].append(var)
    for variables in by_cand.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for (_person, _slot), variables in by_person_slot.items():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for slot, variables in by_slot.items():
        if len(variables) > len(space.free_tables[slot]):
            model.add(sum(variables) <= len(space.free_tables[slot]))
    priority = {c.id: c.priority for c in space.candidates}
    model.maximize(sum(priority[cid] * var for (cid, _slot), var in x.items()))
    if hint is not None:
        placed = {p.candidate_id: p.slot for p in hint.placements}
        for (cid, slot), var in x.items():
            model.add_hint(var, 1 if placed.get(cid) == slot else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _finish(space, problem, {}, solver="cp_sat", started=started)
    chosen = {cid: slot for (cid, slot), var in x.items() if solver.boolean_value(var)}
    bound = space.locked_value + int(solver.best_objective_bound + 1e-6)
    simple, _kind = simple_bound(space)
    return _finish(
        space,
        problem,
        chosen,
        solver="cp_sat",
        started=started,
        upper_bound=min(bound, simple),
        bound_kind="CP-SAT 证明的最优值上界",
        optimal=status == cp_model.OPTIMAL,
    )


def lp_bound(problem: Problem) -> int:
    """The LP relaxation's optimum (OR-Tools GLOP): no integral schedule scores more."""
    from ortools.linear_solver import pywraplp

    space = _Space(problem)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    by_slot: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
    objective = solver.Objective()
    for cand in space.candidates:
        variables = []
        for slot in space.allowed(cand):
            var = solver.NumVar(0.0, 1.0, "")
            variables.append(var)
            by_slot[slot].append(var)
            by_person_slot[cand.a, slot].append(var)
            by_person_slot[cand.b, slot].append(var)
            objective.SetCoefficient(var, cand.priority)
        _at_most(solver, variables, 1)
    for variables in by_person_slot.values():
        _at_most(solver, variables, 1)
    for slot, variables in by_slot.items():
        _at_most(solver, variables, len(space.free_tables[slot]))
    objective.SetMaximization()
    solver.Solve()
    return space.locked_value + int(objective.Value() + 1e-6)


def _at_most(solver: Any, variables: list[Any], limit: int) -> None:
    if len(variables) > limit:
        row = solver.RowConstraint(0.0, float(limit), "")
        for var in variables:
            row.SetCoefficient(var, 1.0)


def schedule(problem: Problem, *, time_limit: float = 10.0) -> Schedule:
    """Greedy first, then CP-SAT seeded with it; the better schedule wins."""
    base = greedy(problem)
    if not problem.candidates or time_limit <= 0:
        return base
    try:
        exact = cp_sat(problem, time_limit=time_limit, hint=base)
    except ImportError:  # the solver is an install away; the greedy schedule is still valid
        return base
    exact.seconds += base.seconds
    if exact.objective >= base.objective:
        return exact
    base.upper_bound = min(base.upper_bound, exact.upper_bound)
    base.bound_kind = exact.bound_kind
    return base


def violations(problem: Problem, result: Schedule) -> list[str]:
    """Every broken rule in ``result`` (empty for a valid schedule); tests and the bench use it."""
    problems: list[str] = []
    cands = {c.id: c for c in problem.candidates}
    cands.update({c.id: c for c, _s, _t in problem.locked})
    slots, tables = set(problem.slots), set(problem.tables)
    seen_person: set[tuple[int, int]] = set()
    seen_table: set[tuple[int, int]] = set()
    seen_cand: set[int] = set()
    for p in result.placements:
        cand = cands.get(p.candidate_id)
        if cand is None:
            problems.append(f"unknown candidate {p.candidate_id}")
            continue
        if p.candidate_id in seen_cand:
            problems.append(f"candidate {p.candidate_id} placed twice")
        seen_cand.add(p.candidate_id)
        if p.slot not in slots or p.table not in tables:
            problems.append(f"candidate {p.candidate_id} outside the slots or tables")
        if (p.slot, p.table) in seen_table:
            problems.append(f"table {p.table} double-booked in slot {p.slot}")
        seen_table.add((p.slot, p.table))
        for person in (cand.a, cand.b):
            if (person, p.slot) in seen_person:
                problems.append(f"person {person} double-booked in slot {p.slot}")
            seen_person.add((person, p.slot))
            if p.slot in problem.unavailable.get(person, frozenset()):
                problems.append(f"person {person} unavailable in slot {p.slot}")
        if cand.fixed_slot is not None and p.slot != cand.fixed_slot:
            problems.append(f"candidate {p.candidate_id} moved from its fixed slot")
    for cand, slot, table in problem.locked:
        if Placement(cand.id, slot, table) not in result.placements:
            problems.append(f"locked meeting {cand.id} moved")
    return problems
