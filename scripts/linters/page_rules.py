"""Check that HTML page modules keep to their one job: call services, render a template.

Pages and the JSON API share one set of rules only when pages decide nothing themselves: the
queries live in the domain's repository (reached through its service), and who may do what is
decided by the service (``authorize``) or by a typed dependency in the signature
(``StaffUser``), never by a page handler.

Rules, for every ``pages.py`` and ``*_pages.py`` under app/ (app/core/pages.py, the helpers
pages share, is not a page module):
  sqlalchemy      the module imports ``sqlalchemy`` (a query or a session type): ask the
                  service, and take the session as ``SessionDep``
  permission      the module calls ``can(...)``, ``authorize(...)``, ``permissions.<x>(...)``
                  or a ``require...(...)`` function: let the service decide (``service.may_edit``,
                  ``service.editable``) or declare it in the signature (``StaffUser``)

``<flow>.can(obj, action)`` of a ``Workflow`` asks whether a record's *state* allows a step
and is not a permission check.

``KNOWN`` counts the checks still left in pages of packages being reworked at the time the
rule came in; a count may only go down (the linter says when it should be lowered), and
a package not listed may have none.

Usage: python scripts/linters/page_rules.py [ROOT]   (ROOT defaults to the repository)
Prints one `path:line: message` per violation and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHECKED_DIR = "app"
NOT_PAGES = frozenset({"app/core/pages.py"})
PERMISSION_NAMES = frozenset({"can", "authorize"})
KNOWN: dict[str, int] = {}


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def page_modules(root: Path) -> Iterator[Path]:
    for path in sorted((root / CHECKED_DIR).rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in NOT_PAGES:
            continue
        if path.name == "pages.py" or path.name.endswith("_pages.py"):
            yield path


def _is_permission_call(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        if func.id in PERMISSION_NAMES or func.id.startswith("require"):
            return func.id
    elif isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "permissions":
            return f"permissions.{func.attr}"
        if func.attr == "authorize" or func.attr.startswith("require"):
            return func.attr
    return None


def check_source(rel: str, source: str) -> list[Violation]:
    tree = ast.parse(source, filename=rel)
    found: list[Violation] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    found.append(_sqlalchemy(rel, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "sqlalchemy":
                found.append(_sqlalchemy(rel, node.lineno))
        elif isinstance(node, ast.Call) and (name := _is_permission_call(node)):
            found.append(
                Violation(
                    rel,
                    node.lineno,
                    f"page calls {name}(): the service decides who may do what "
                    "(service.may_..., service.editable) or the signature declares it "
                    "(StaffUser)",
                )
            )
    return found


def _sqlalchemy(rel: str, line: int) -> Violation:
    return Violation(
        rel,
        line,
        "page imports sqlalchemy: query through the domain's service; "
        "take the session as SessionDep",
    )


def check(root: Path, known: dict[str, int] | None = None) -> list[Violation]:
    """Violations beyond the ``known`` counts (and known counts that are now too high)."""
    known = KNOWN if known is None else known
    found: list[Violation] = []
    for path in page_modules(root):
        rel = path.relative_to(root).as_posix()
        here = check_source(rel, path.read_text(encoding="utf-8"))
        allowed = known.get(rel, 0)
        if len(here) > allowed:
            found += here
        elif len(here) < allowed:
            found.append(
                Violation(
                    rel,
                    1,
                    f"{len(here)} known page-rule exceptions left, not {allowed}: "
                    "lower its count in KNOWN (scripts/linters/page_rules.py)",
                )
            )
    return sorted(found)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    violations = check(root)
    for v in violations:
        print(v)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
