"""Every state change goes through ``Workflow.run``: the remaining ``.apply(`` calls are pinned.

``apply`` only locks and moves a state: no permission, no audit, no event, no subscribers.
The few calls left each say why in a comment beside them; a new one fails here until it is
either moved onto ``run`` or listed below with its reason.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: (module, enclosing function, receiver) → how many calls, and why they stay.
ALLOWED: dict[tuple[str, str, str], tuple[int, str]] = {
    ("app/core/workflow.py", "run", "self"): (1, "the engine itself"),
    ("app/challenges/award.py", "award", "panel_flow"): (
        1,
        "the 409 naming the panel's state, inside its lock, before the decision's work; "
        "run moves the panel at the end",
    ),
    ("app/challenges/award.py", "award", "application_flow"): (
        1,
        "each application's outcome is part of the panel's decision, audited once with it",
    ),
    ("app/incentives/service.py", "approve", "CLAIM_FLOW"): (
        1,
        "the 409 naming the claim's state before the budget checks; run moves it",
    ),
    ("app/matching/pipeline.py", "advance_pipeline", "workflow"): (
        2,
        "up to two steps moved at once by a meeting's outcome or a contract, audited once "
        "as match.advance",
    ),
    ("app/matching/matcher.py", "_ranked_many", "feedback_rules"): (1, "not a workflow"),
    ("app/services/service.py", "act", "flow.CASE_FLOW"): (1, "the 409 naming the case's state"),
    ("app/services/service.py", "pay_order", "ORDER_FLOW"): (1, "not yet on run"),
}


def _walk(node: ast.AST, module: str, function: str, found: Counter[tuple[str, str, str]]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            _walk(child, module, child.name, found)
            continue
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr == "apply"
        ):
            found[(module, function, ast.unparse(child.func.value))] += 1
        _walk(child, module, function, found)


def apply_calls() -> Counter[tuple[str, str, str]]:
    """Every ``<receiver>.apply(...)`` call under app/, by module and enclosing function."""
    found: Counter[tuple[str, str, str]] = Counter()
    for path in sorted((ROOT / "app").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        _walk(ast.parse(path.read_text(encoding="utf-8")), module, "<module>", found)
    return found


def test_no_new_state_change_bypasses_the_workflow_engine() -> None:
    beyond = {
        key: count for key, count in apply_calls().items() if count > ALLOWED.get(key, (0, ""))[0]
    }
    assert not beyond, (
        "a state moved with Workflow.apply skips its permission, audit, event and subscribers: "
        f"call Workflow.run instead (or list the call here with why it must stay): {beyond}"
    )


def test_the_walk_finds_the_calls_it_pins() -> None:
    """The walk sees the engine's own call, so an empty result cannot pass by accident."""
    assert apply_calls()[("app/core/workflow.py", "run", "self")] == 1
