"""Settings are validated when they are read, so a bad value stops the start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.config import Settings


class TestChallengeMinPanel:
    def test_three_by_default(self) -> None:
        assert Settings().challenge_min_panel == 3

    def test_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("KC_CHALLENGE_MIN_PANEL", "5")
        assert Settings().challenge_min_panel == 5

    @pytest.mark.parametrize("value", ["0", "-1", "三"])
    def test_at_least_one(self, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
        monkeypatch.setenv("KC_CHALLENGE_MIN_PANEL", value)
        with pytest.raises(ValidationError, match="challenge_min_panel"):
            Settings()
