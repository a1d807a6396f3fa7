"""Check that imports follow the layering in DESIGN.md.

Rules:
  core-imports-domain     app/core/ imports only app.core and app.models
  models-import-domain    app/models/ imports only app.core and app.models
  search-imports-app      search/ imports nothing from app
  cross-domain-internals  a domain reaches another domain through its service only, never
                          through its repository, endpoints or pages modules

A domain is any package directly under app/ except core and models; top-level modules such as
app/main.py and app/api.py assemble the domains and are free to import anything.

An import that must break a rule carries the reason on its line:
    from app.orgs import repository  # import-direction: allow <reason>

Usage: python scripts/linters/import_direction.py [ROOT]   (ROOT defaults to the repository)
Prints one `path:line: message` per violation and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = frozenset({"core", "models"})
PRIVATE_MODULES = frozenset({"repository", "endpoints", "pages"})
ALLOW_MARKER = "import-direction: allow"


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Yield (line, dotted name) for every module an import statement may bring in.

    `from a.b import c` yields both `a.b` and `a.b.c`: c may be a submodule, and the rules only
    match names that are modules, so the extra candidate never causes a false hit by itself.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".") if package else []
                if node.level - 1 > len(base_parts):
                    continue  # beyond the top package: Python refuses it anyway
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, node.module] if node.module else base_parts)
            else:
                base = node.module or ""
            if base:
                yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}" if base else alias.name


def app_packages(root: Path) -> set[str]:
    app = root / "app"
    if not app.is_dir():
        return set()
    return {p.name for p in app.iterdir() if p.is_dir() and any(p.glob("*.py"))}


def check_file(path: Path, root: Path, domains: set[str]) -> list[Violation]:
    rel = path.relative_to(root)
    module = module_name(path, root)
    parts = module.split(".")
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, filename=str(rel))
    except SyntaxError as exc:
        return [Violation(rel.as_posix(), exc.lineno or 1, f"cannot parse: {exc.msg}")]
    lines = source.splitlines()

    top = parts[0]
    layer = parts[1] if top == "app" and len(parts) > 1 and parts[1] in domains | SHARED else None

    # One report per line and offending package, however many names the statement lists.
    found: dict[tuple[int, str | None], Violation] = {}
    for lineno, target in imported_modules(tree, module, path.name == "__init__.py"):
        if ALLOW_MARKER in lines[lineno - 1]:
            continue
        t = target.split(".")
        if t[0] != "app":
            continue
        target_pkg = t[1] if len(t) > 1 else None
        message = None
        if top == "search":
            message = f"search/ must not import from app ({target})"
        elif layer in SHARED and target_pkg in domains:
            message = (
                f"app/{layer} must not import the domain package app.{target_pkg} ({target}); "
                f"app/{layer} may import only app.core and app.models"
            )
        elif (
            layer in domains
            and target_pkg in domains
            and target_pkg != layer
            and len(t) > 2
            and t[2] in PRIVATE_MODULES
        ):
            message = (
                f"app.{layer} must not import app.{target_pkg}.{t[2]} ({target}); "
                f"use app.{target_pkg}.service instead"
            )
        if message:
            found.setdefault((lineno, target_pkg), Violation(rel.as_posix(), lineno, message))
    return list(found.values())


def check(root: Path) -> list[Violation]:
    root = root.resolve()
    domains = app_packages(root) - SHARED
    violations: list[Violation] = []
    for top in ("app", "search"):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            violations.extend(check_file(path, root, domains))
    return sorted(violations)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    violations = check(root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"import-direction: {len(violations)} violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
