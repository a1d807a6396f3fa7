"""Rate limits per client address (``limits``); a refused request is a 429 with Retry-After.

Each app has its own limiter (``app.state.rate_limiter``), built from the settings. The storage
is in memory by default, so with several worker processes each counts its own requests (the
effective limit is the setting times the workers); ``KC_RATE_LIMIT_STORAGE_URI=redis://…``
shares one count. Brute force against passwords is held back by the database-backed login
throttle in the accounts domain whatever the storage; these limits bound the request rate.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Literal

from fastapi import Request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.core.config import Settings
from app.core.errors import TooManyRequests

Scope = Literal["login", "register", "password_reset", "api"]

_MESSAGES: dict[Scope, str] = {
    "login": "登录尝试过于频繁，请{wait}后再试",
    "register": "注册请求过于频繁，请{wait}后再试",
    "password_reset": "找回密码的请求过于频繁，请{wait}后再试",
    "api": "接口调用过于频繁，请降低调用频率，{wait}后再试",
}


def wait_text(seconds: int) -> str:
    """A wait in Chinese words: 40秒, 3分钟, 2小时."""
    if seconds < 60:
        return f"{seconds}秒"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)}分钟"
    return f"{math.ceil(seconds / 3600)}小时"


def too_many(message: str, retry_after: int) -> TooManyRequests:
    """A 429 whose answer carries ``Retry-After`` (the handler copies ``retry_after`` there)."""
    return TooManyRequests(message, retry_after=max(1, retry_after))


class RateLimiter:
    """Moving-window counters by scope and client key."""

    def __init__(self, settings: Settings):
        self.enabled = settings.rate_limit_enabled
        self._limits = {
            "login": parse_many(settings.rate_limit_login),
            "register": parse_many(settings.rate_limit_register),
            "password_reset": parse_many(settings.rate_limit_password_reset),
            "api": parse_many(settings.rate_limit_api),
        }
        self._limiter = MovingWindowRateLimiter(
            storage_from_string(settings.rate_limit_storage_uri)
        )

    def hit(self, scope: Scope, key: str) -> None:
        """Count one request of ``key``; raise a 429 when it goes over a limit of ``scope``."""
        if not self.enabled:
            return
        for item in self._limits[scope]:
            if not self._limiter.hit(item, scope, key):
                reset = self._limiter.get_window_stats(item, scope, key).reset_time
                retry_after = math.ceil(reset - time.time())
                raise too_many(
                    _MESSAGES[scope].format(wait=wait_text(max(1, retry_after))), retry_after
                )


def _client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(scope: Scope) -> Callable[[Request], None]:
    """A dependency counting the request against ``scope``'s limits, by client address."""

    def dependency(request: Request) -> None:
        request.app.state.rate_limiter.hit(scope, _client_key(request))

    return dependency


def limit_api(request: Request) -> None:
    """The API's limit, per client address (a per-token count would let made-up tokens in)."""
    request.app.state.rate_limiter.hit("api", _client_key(request))
