"""Check that route handlers are plain ``def`` functions.

FastAPI runs a plain ``def`` handler in its thread pool, but an ``async def`` one on the event
loop, where its synchronous work (SQLAlchemy queries, Argon2 hashing, PDF and spreadsheet
building, the search backend, jieba) stalls every other request of the process. Page handlers
therefore take the submitted form through the dependencies in app/core/pages.py (``FormValues``,
``SubmittedForm``) instead of awaiting it, and read uploads through ``UploadFile.file``.

Rule:
  async-route   a function registered as a route under app/ is ``async def``

A function is a route when it is decorated with ``<router>.get/post/put/patch/delete/head/
options/trace/api_route(...)``, or registered with ``<router>.<method>(...)(function)`` or
``<router>.add_api_route(path, function)``. Websocket routes are async by nature and not checked.

A handler that only awaits and does no blocking work carries the reason on its ``def`` line or
on one of its decorator lines:
    async def events(request: Request) -> Response:  # sync-routes: allow <reason>

Usage: python scripts/linters/sync_routes.py [ROOT]   (ROOT defaults to the repository)
Prints one `path:line: message` per violation and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route"}
)
ALLOW_MARKER = "sync-routes: allow"
CHECKED_DIRS = ("app",)

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _is_route_decorator(node: ast.expr) -> bool:
    """``<router>.get(...)`` and the like: a call that returns a route decorator."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ROUTE_METHODS
    )


def _registered_names(tree: ast.Module) -> set[str]:
    """Names of functions registered as routes by a call rather than a decorator."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _is_route_decorator(node.func) and len(node.args) == 1 and not node.keywords:
            endpoint: ast.expr | None = node.args[0]  # router.get(path)(handler)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "add_api_route":
            by_keyword = [k.value for k in node.keywords if k.arg == "endpoint"]
            endpoint = by_keyword[0] if by_keyword else (node.args[1:2] or [None])[0]
        else:
            continue
        if isinstance(endpoint, ast.Name):
            names.add(endpoint.id)
    return names


def route_handlers(tree: ast.Module) -> Iterator[Function]:
    """Every function of the module that is registered as a route."""
    registered = _registered_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name in registered or any(map(_is_route_decorator, node.decorator_list))
        ):
            yield node


def _allowance(node: Function, lines: list[str]) -> str | None:
    """The reason given with the allow marker on the handler's head, or None without one."""
    first = min([d.lineno for d in node.decorator_list] + [node.lineno])
    for line in lines[first - 1 : node.lineno]:
        _, marker, reason = line.partition(ALLOW_MARKER)
        if marker:
            return reason.strip()
    return None


def check_file(path: Path, root: Path) -> list[Violation]:
    rel = path.relative_to(root).as_posix()
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, filename=rel)
    except SyntaxError as exc:
        return [Violation(rel, exc.lineno or 1, f"cannot parse: {exc.msg}")]
    lines = source.splitlines()
    violations = []
    for node in route_handlers(tree):
        if not isinstance(node, ast.AsyncFunctionDef):
            continue
        reason = _allowance(node, lines)
        if reason:
            continue
        if reason is None:
            message = (
                f"route handler {node.name}() is async def, so its blocking work runs on the "
                "event loop; make it a plain def (take the form as app.core.pages.FormValues or "
                f"SubmittedForm) or mark it `# {ALLOW_MARKER} <reason>`"
            )
        else:
            message = f"route handler {node.name}(): say why after `{ALLOW_MARKER}`"
        violations.append(Violation(rel, node.lineno, message))
    return violations


def check(root: Path) -> list[Violation]:
    root = root.resolve()
    violations: list[Violation] = []
    for top in CHECKED_DIRS:
        base = root / top
        if base.is_dir():
            for path in sorted(base.rglob("*.py")):
                violations.extend(check_file(path, root))
    return sorted(violations)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    violations = check(root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"sync-routes: {len(violations)} violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
