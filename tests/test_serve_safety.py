"""``kechuang serve`` refuses production with the development secret key, before it listens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.core.config import PROJECT_ROOT


def _serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    clean.update(KC_VAR_DIR=str(tmp_path), PYTHONPATH=str(PROJECT_ROOT), **env)
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", "1"],
        cwd=tmp_path,  # no .env of a checkout is read
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_exits_with_a_message(tmp_path: Path) -> None:
    result = _serve(tmp_path, KC_ENVIRONMENT="production")
    assert result.returncode == 1
    assert "拒绝启动" in result.stderr and "KC_SECRET_KEY" in result.stderr
    assert "Uvicorn running" not in result.stderr


def test_production_with_the_development_key_spelled_out_exits(tmp_path: Path) -> None:
    result = _serve(
        tmp_path, KC_ENVIRONMENT="production", KC_SECRET_KEY="dev-only-secret-change-me"
    )
    assert result.returncode == 1 and "KC_SECRET_KEY" in result.stderr
