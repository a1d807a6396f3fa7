"""The sync-routes linter: the repository passes, and an async route handler is caught."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
LINTER = REPO / "scripts" / "linters" / "sync_routes.py"


def _load_linter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_routes", LINTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


linter = _load_linter()

HEADER = "from fastapi import APIRouter, Request\n\nrouter = APIRouter()\n\n\n"


def check(tmp_path: Path, source: str, rel: str = "app/orgs/pages.py") -> list[tuple[int, str]]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + source, encoding="utf-8")
    offset = HEADER.count("\n")
    return [(v.line - offset, v.message) for v in linter.check(tmp_path)]


class TestRepository:
    def test_current_tree_passes(self) -> None:
        assert [str(v) for v in linter.check(REPO)] == []

    def test_command_line_exit_code(self, tmp_path: Path) -> None:
        good = subprocess.run(
            [sys.executable, str(LINTER), str(REPO)], capture_output=True, text=True
        )
        assert good.returncode == 0, good.stdout + good.stderr

        check(tmp_path, '@router.post("/x")\nasync def x(request: Request) -> None: ...\n')
        bad = subprocess.run(
            [sys.executable, str(LINTER), str(tmp_path)], capture_output=True, text=True
        )
        assert bad.returncode == 1
        assert bad.stdout.startswith("app/orgs/pages.py:7: route handler x() is async def")


class TestSyntheticTrees:
    @pytest.mark.parametrize(
        "decorator",
        [
            '@router.get("/x")',
            '@router.post("/x", status_code=201)',
            '@deal_routes.put("/x")',
            '@r.patch("/x")',
            '@app.delete("/x")',
            '@router.api_route("/x", methods=["GET", "POST"])',
        ],
    )
    def test_decorated_async_handler(self, tmp_path: Path, decorator: str) -> None:
        source = f"{decorator}\nasync def x(request: Request) -> None:\n    await request.form()\n"
        ((line, message),) = check(tmp_path, source)
        assert line == 2
        assert "x() is async def" in message and "FormValues" in message

    def test_plain_def_handlers_pass(self, tmp_path: Path) -> None:
        source = '@router.get("/x")\ndef x() -> None: ...\n\n\nrouter.post("/y")(x)\n'
        assert check(tmp_path, source) == []

    def test_handler_registered_by_a_call(self, tmp_path: Path) -> None:
        source = (
            "async def create(request: Request) -> None: ...\n"
            "\n\n"
            "for kind in ('a', 'b'):\n"
            "    router.post(f'/{kind}/new')(create)\n"
        )
        assert [line for line, _ in check(tmp_path, source)] == [1]

    def test_handler_added_with_add_api_route(self, tmp_path: Path) -> None:
        source = (
            "async def one() -> None: ...\n"
            "async def two() -> None: ...\n"
            "router.add_api_route('/one', one)\n"
            "router.add_api_route('/two', endpoint=two, methods=['POST'])\n"
        )
        assert [line for line, _ in check(tmp_path, source)] == [1, 2]

    def test_handler_nested_in_a_router_factory(self, tmp_path: Path) -> None:
        source = (
            "def build() -> APIRouter:\n"
            "    r = APIRouter()\n"
            "\n"
            "    @r.post('/upload')\n"
            "    async def upload() -> None: ...\n"
            "\n"
            "    return r\n"
        )
        assert [line for line, _ in check(tmp_path, source)] == [5]

    def test_async_dependencies_and_helpers_are_not_routes(self, tmp_path: Path) -> None:
        source = (
            "async def form_data(request: Request) -> dict: ...\n"
            "async def lifespan(app: object) -> None: ...\n"
            "settings = {}.get('x')\n"
            "@router.websocket('/ws')\n"
            "async def ws() -> None: ...\n"
        )
        assert check(tmp_path, source) == []

    def test_allow_marker_with_a_reason(self, tmp_path: Path) -> None:
        on_def = (
            '@router.get("/x")\n'
            "async def x() -> None:  # sync-routes: allow streams, awaits only the queue\n"
            "    ...\n"
        )
        assert check(tmp_path, on_def) == []
        on_decorator = (
            '@router.get("/y")  # sync-routes: allow awaits only the queue\n'
            "async def y() -> None: ...\n"
        )
        assert check(tmp_path, on_decorator) == []

    def test_allow_marker_needs_a_reason(self, tmp_path: Path) -> None:
        source = '@router.get("/x")\nasync def x() -> None:  # sync-routes: allow\n    ...\n'
        ((line, message),) = check(tmp_path, source)
        assert line == 2 and "say why" in message

    def test_only_app_is_checked(self, tmp_path: Path) -> None:
        source = '@router.get("/x")\nasync def x() -> None: ...\n'
        assert check(tmp_path, source, rel="tests/test_x.py") == []
