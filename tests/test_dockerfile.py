"""Structural checks of the container image definition (no Docker engine needed)."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENTRYPOINT_SCRIPT = REPO / "scripts" / "docker-entrypoint.sh"
# Commands that would reach the network (or install things) when the container runs.
NETWORK_TOOLS = re.compile(r"\b(pip|curl|wget|apt-get|apt|git|npm)\b|https?://(?!127\.0\.0\.1)")


@dataclass
class Instruction:
    keyword: str
    args: str

    def exec_form(self) -> list[str]:
        """The JSON exec form of CMD / ENTRYPOINT / HEALTHCHECK CMD, else a shell split."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            text = text.split(" CMD ", 1)[1].strip()
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return shlex.split(text)
        assert isinstance(value, list)
        return [str(v) for v in value]


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction:
        found = self.all(keyword)
        assert found, f"no {keyword} in stage {self.name or self.image}"
        return found[-1]


def parse_dockerfile(path: Path) -> list[Stage]:
    logical: list[str] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped by Docker
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            image = next(w for w in words if not w.startswith("--"))
            name = words[words.index("AS") + 1] if "AS" in words else None
            if name is None and "as" in words:
                name = words[words.index("as") + 1]
            stages.append(Stage(image, name))
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].instructions.append(Instruction(keyword, args.strip()))
    return stages


def dockerignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def is_ignored(rel_path: str, patterns: list[str]) -> bool:
    parts = rel_path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        for prefix in prefixes:
            if fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix.split("/")[-1], bare):
                return True
    return False


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(REPO / "Dockerfile")


@pytest.fixture(scope="module")
def runtime(stages: list[Stage]) -> Stage:
    return stages[-1]


class TestStages:
    def test_multi_stage_on_the_same_slim_python(self, stages: list[Stage]) -> None:
        assert len(stages) >= 2
        # The venv is copied between stages, so its interpreter path must exist in both.
        assert {s.image for s in stages} == {"python:3.11-slim"}

    def test_builder_installs_the_wheel_into_a_venv(self, stages: list[Stage]) -> None:
        builder = stages[0]
        runs = " ".join(i.args for i in builder.all("RUN"))
        assert "venv /opt/venv" in runs
        assert "pip wheel" in runs and "/wheels/*.whl" in runs

    def test_templates_and_migrations_go_where_the_installed_app_looks(
        self, stages: list[Stage]
    ) -> None:
        builder = stages[0]
        copied = {shlex.split(c.args)[0] for c in builder.all("COPY")}
        assert {"alembic.ini", "migrations", "frontend"} <= copied
        runs = " ".join(i.args for i in builder.all("RUN"))
        assert "PROJECT_ROOT" in runs and "cp -r alembic.ini migrations frontend" in runs

    def test_runtime_takes_the_venv_and_installs_nothing(self, runtime: Stage) -> None:
        copies = [i.args for i in runtime.all("COPY")]
        assert any(c.startswith("--from=builder /opt/venv") for c in copies)
        for run in runtime.all("RUN"):
            assert not NETWORK_TOOLS.search(run.args), run.args


class TestRuntime:
    def test_runs_as_a_non_root_user(self, runtime: Stage) -> None:
        user = runtime.last("USER").args.split(":")[0]
        assert user not in {"root", "0"}
        runs = " ".join(i.args for i in runtime.all("RUN"))
        assert "useradd" in runs and user in runs

    def test_healthcheck_uses_python_urllib_on_the_health_endpoint(self, runtime: Stage) -> None:
        health = runtime.last("HEALTHCHECK")
        command = health.exec_form()
        assert command[0] == "python"
        assert "urllib.request" in " ".join(command)
        assert "http://127.0.0.1:8000/api/v1/health" in " ".join(command)
        assert not re.search(r"\b(curl|wget)\b", health.args)

    def test_serves_on_all_interfaces_after_migrating(self, runtime: Stage) -> None:
        assert runtime.last("CMD").exec_form() == ["kechuang", "serve", "--host", "0.0.0.0"]
        assert runtime.last("ENTRYPOINT").exec_form() == ["docker-entrypoint.sh"]
        assert any(
            "scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh" in c.args
            for c in runtime.all("COPY")
        )
        script = ENTRYPOINT_SCRIPT.read_text(encoding="utf-8")
        assert script.index("kechuang migrate") < script.index('exec "$@"')
        assert "8000" in runtime.last("EXPOSE").args

    def test_nothing_is_fetched_at_run_time(self, runtime: Stage) -> None:
        for keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            assert not NETWORK_TOOLS.search(runtime.last(keyword).args), keyword
        code = [
            line
            for line in ENTRYPOINT_SCRIPT.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")
        ]
        assert not NETWORK_TOOLS.search("\n".join(code))

    def test_writable_data_lives_outside_the_venv(self, runtime: Stage) -> None:
        envs = " ".join(i.args for i in runtime.all("ENV"))
        assert "KC_VAR_DIR=/app/var" in envs
        assert "/app/var" in runtime.last("VOLUME").args

    def test_console_script_exists(self) -> None:
        pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        assert "kechuang" in pyproject["project"]["scripts"]


class TestBuildContext:
    def test_every_copied_path_exists_and_is_not_ignored(self, stages: list[Stage]) -> None:
        patterns = dockerignore_patterns()
        for stage in stages:
            for copy in stage.all("COPY"):
                words = [w for w in shlex.split(copy.args) if not w.startswith("--")]
                if any(w.startswith("--from") for w in shlex.split(copy.args)):
                    continue
                for source in words[:-1]:
                    assert (REPO / source).exists(), f"COPY {source}: missing"
                    assert not is_ignored(source, patterns), f"COPY {source}: in .dockerignore"

    @pytest.mark.parametrize("path", [".git", ".venv", "var", ".env", "tests", "app/__pycache__"])
    def test_local_state_stays_out_of_the_context(self, path: str) -> None:
        assert is_ignored(path, dockerignore_patterns())
