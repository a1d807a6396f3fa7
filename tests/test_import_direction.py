"""The import-direction linter: the repository passes, and each rule catches its violation."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
LINTER = REPO / "scripts" / "linters" / "import_direction.py"


def _load_linter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_direction", LINTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


linter = _load_linter()


def make_tree(root: Path, files: dict[str, str]) -> Path:
    """A minimal app/ + search/ tree with two domains, plus the given files."""
    base = {
        "app/__init__.py": "",
        "app/main.py": "from app.orgs import endpoints\nfrom app.demands import pages\n",
        "app/core/__init__.py": "",
        "app/core/db.py": "import sqlalchemy\n",
        "app/models/__init__.py": "from app.core.db import sqlalchemy\n",
        "app/orgs/__init__.py": "",
        "app/orgs/service.py": "from app.orgs import repository\n",
        "app/orgs/repository.py": "from app.models import Org\n",
        "app/orgs/endpoints.py": "from . import service\n",
        "app/demands/__init__.py": "",
        "app/demands/service.py": "from app.orgs import service as org_service\n",
        "app/demands/repository.py": "",
        "app/demands/pages.py": "from app.demands import service\n",
        "search/__init__.py": "",
        "search/base.py": "from search import analysis\n",
        "search/analysis.py": "import jieba\n",
    }
    for rel, text in {**base, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def messages(root: Path) -> list[str]:
    return [str(v) for v in linter.check(root)]


class TestRepository:
    def test_current_tree_passes(self) -> None:
        assert messages(REPO) == []

    def test_command_line_exit_code(self, tmp_path: Path) -> None:
        good = subprocess.run(
            [sys.executable, str(LINTER), str(REPO)], capture_output=True, text=True
        )
        assert good.returncode == 0, good.stdout + good.stderr

        bad_root = make_tree(tmp_path, {"search/elastic.py": "import app.core.config\n"})
        bad = subprocess.run(
            [sys.executable, str(LINTER), str(bad_root)], capture_output=True, text=True
        )
        assert bad.returncode == 1
        assert bad.stdout.startswith("search/elastic.py:1: ")


class TestSyntheticTrees:
    def test_clean_tree_passes(self, tmp_path: Path) -> None:
        assert messages(make_tree(tmp_path, {})) == []

    @pytest.mark.parametrize(
        "source",
        [
            "from app.orgs import service\n",
            "import app.orgs.service\n",
            "from app import orgs\n",
            "from ..orgs.service import OrgService\n",
        ],
    )
    def test_core_importing_a_domain(self, tmp_path: Path, source: str) -> None:
        root = make_tree(tmp_path, {"app/core/auth.py": "import os\n" + source})
        (violation,) = linter.check(root)
        assert (violation.path, violation.line) == ("app/core/auth.py", 2)
        assert "app/core must not import the domain package app.orgs" in violation.message

    def test_core_may_import_core_and_models(self, tmp_path: Path) -> None:
        source = "from app.core import db\nfrom app.models import Org\nfrom . import db as d\n"
        assert messages(make_tree(tmp_path, {"app/core/auth.py": source})) == []

    def test_models_importing_a_domain(self, tmp_path: Path) -> None:
        root = make_tree(tmp_path, {"app/models/org.py": "from app.demands.schemas import X\n"})
        (violation,) = linter.check(root)
        assert (violation.path, violation.line) == ("app/models/org.py", 1)
        assert "app/models must not import the domain package app.demands" in violation.message

    @pytest.mark.parametrize(
        "source",
        ["import app\n", "from app.core.config import Settings\n", "import app.orgs.service\n"],
    )
    def test_search_importing_app(self, tmp_path: Path, source: str) -> None:
        root = make_tree(tmp_path, {"search/elastic.py": source})
        (violation,) = linter.check(root)
        assert (violation.path, violation.line) == ("search/elastic.py", 1)
        assert violation.message.startswith("search/ must not import from app")

    @pytest.mark.parametrize("private", ["repository", "endpoints", "pages"])
    @pytest.mark.parametrize(
        "template",
        [
            "from app.orgs.{m} import thing\n",
            "from app.orgs import {m}\n",
            "import app.orgs.{m}\n",
            "from ..orgs import {m}\n",
            "from ..orgs.{m} import thing\n",
        ],
    )
    def test_domain_importing_another_domains_internals(
        self, tmp_path: Path, private: str, template: str
    ) -> None:
        root = make_tree(tmp_path, {"app/demands/service.py": template.format(m=private)})
        (violation,) = linter.check(root)
        assert (violation.path, violation.line) == ("app/demands/service.py", 1)
        assert f"app.demands must not import app.orgs.{private}" in violation.message
        assert "use app.orgs.service instead" in violation.message

    def test_nested_module_of_a_domain_is_checked(self, tmp_path: Path) -> None:
        root = make_tree(
            tmp_path,
            {
                "app/demands/services/__init__.py": "",
                "app/demands/services/_match.py": "from ...orgs import repository\n",
            },
        )
        assert [v.path for v in linter.check(root)] == ["app/demands/services/_match.py"]

    def test_other_domains_service_and_own_internals_are_fine(self, tmp_path: Path) -> None:
        source = (
            "from app.orgs import service as org_service\n"
            "from app.orgs.schemas import Org\n"
            "from app.demands import repository\n"
            "from . import pages\n"
        )
        assert messages(make_tree(tmp_path, {"app/demands/endpoints.py": source})) == []

    def test_allow_marker_on_the_line(self, tmp_path: Path) -> None:
        source = "from app.orgs import repository  # import-direction: allow shared lock query\n"
        assert messages(make_tree(tmp_path, {"app/demands/service.py": source})) == []

    def test_imports_inside_functions_are_checked(self, tmp_path: Path) -> None:
        source = "def f():\n    from app.orgs import repository\n"
        root = make_tree(tmp_path, {"app/demands/service.py": source})
        assert [(v.path, v.line) for v in linter.check(root)] == [("app/demands/service.py", 2)]

    def test_one_report_per_statement(self, tmp_path: Path) -> None:
        source = "from app.orgs.repository import a, b, c\n"
        root = make_tree(tmp_path, {"app/demands/service.py": source})
        assert len(linter.check(root)) == 1
