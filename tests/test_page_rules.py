"""The page-rules linter: the repository passes, and a page that queries or checks
permissions itself is caught."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
LINTER = REPO / "scripts" / "linters" / "page_rules.py"


def _load_linter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("page_rules", LINTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


linter = _load_linter()


def check(
    tmp_path: Path, source: str, rel: str = "app/orgs/pages.py", known: dict[str, int] | None = None
) -> list[tuple[int, str]]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return [(v.line, v.message) for v in linter.check(tmp_path, known or {})]


def test_current_tree_passes() -> None:
    assert [str(v) for v in linter.check(REPO)] == []
    run = subprocess.run([sys.executable, str(LINTER), str(REPO)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy import select\n",
        "import sqlalchemy.orm\n",
        "from sqlalchemy.orm import Session\n",
    ],
)
def test_sqlalchemy_in_a_page_is_refused(tmp_path: Path, source: str) -> None:
    ((line, message),) = check(tmp_path, source)
    assert line == 1 and "imports sqlalchemy" in message


@pytest.mark.parametrize(
    "call",
    [
        "can(user, Action.ORG_UPDATE, org)",
        "authorize(user, Action.ADMIN_ACCESS)",
        "permissions.can(user, Action.ORG_UPDATE, org)",
        "access.require_records_manager(user)",
        "require_staff(user)",
    ],
)
def test_a_permission_check_in_a_page_is_refused(tmp_path: Path, call: str) -> None:
    ((line, message),) = check(tmp_path, f"def page(user, org):\n    return {call}\n")
    assert line == 2 and "the service decides" in message


def test_state_checks_services_and_other_modules_pass(tmp_path: Path) -> None:
    source = (
        "def page(user, deal):\n"
        "    return deals.DEAL.can(deal, 'terminate') and service.may_edit(user, deal)\n"
    )
    assert check(tmp_path, source) == []
    assert check(tmp_path, "from sqlalchemy import select\n", rel="app/orgs/service.py") == []
    assert check(tmp_path, "from sqlalchemy import select\n", rel="app/core/pages.py") == []
    ((line, _),) = check(tmp_path, "from sqlalchemy import select\n", rel="app/x/verify_pages.py")
    assert line == 1


def test_known_exceptions_may_only_go_down(tmp_path: Path) -> None:
    source = "def page(user):\n    return can(user, 1) or authorize(user, 2)\n"
    assert check(tmp_path, source, known={"app/orgs/pages.py": 2}) == []
    assert len(check(tmp_path, source, known={"app/orgs/pages.py": 1})) == 2
    ((_, message),) = check(tmp_path, source, known={"app/orgs/pages.py": 3})
    assert "lower its count" in message
