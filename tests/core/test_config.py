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


class TestProductionSafety:
    """Production refuses the development secret key; the session cookie turns Secure."""

    def test_production_with_the_development_key_does_not_build_an_app(self) -> None:
        from app.core.config import DEVELOPMENT_SECRET_KEY, UnsafeSettings
        from app.main import create_app

        settings = Settings(environment="production", secret_key=DEVELOPMENT_SECRET_KEY)
        with pytest.raises(UnsafeSettings, match="KC_SECRET_KEY"):
            create_app(settings, start_worker=False)

    def test_production_with_its_own_key_builds(self) -> None:
        from app.main import create_app

        settings = Settings(environment="production", secret_key="x" * 48)
        assert create_app(settings, start_worker=False).title

    def test_development_keeps_the_development_key(self) -> None:
        from app.core.config import DEVELOPMENT_SECRET_KEY

        Settings(
            environment="development", secret_key=DEVELOPMENT_SECRET_KEY
        ).ensure_safe_to_serve()

    @pytest.mark.parametrize(
        ("environment", "base_url", "explicit", "secure"),
        [
            ("development", "http://127.0.0.1:8000", None, False),
            ("production", "http://10.0.0.5:8000", None, True),
            ("development", "https://kc.example.cn", None, True),
            ("production", "https://kc.example.cn", False, False),
            ("development", "http://127.0.0.1:8000", True, True),
        ],
    )
    def test_secure_session_cookie(
        self, environment: str, base_url: str, explicit: bool | None, secure: bool
    ) -> None:
        settings = Settings.model_validate(
            {"environment": environment, "base_url": base_url, "session_https_only": explicit}
        )
        assert settings.secure_session_cookie is secure
