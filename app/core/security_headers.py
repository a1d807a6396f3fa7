"""Security headers on every response, from the ``secure`` library's ASGI middleware.

The Content-Security-Policy lets pages load scripts, styles, images and fonts from this site
only: no inline ``<script>``, no ``onclick=`` handlers, no inline styles, no framing.
Strict-Transport-Security is sent only on HTTPS (the request came over it, or the public
address ``KC_BASE_URL`` is https), so a development server on plain HTTP is never pinned.
"""

from __future__ import annotations

from typing import cast

from secure import (
    ContentSecurityPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

SELF = ContentSecurityPolicy.keyword("self")
NONE = ContentSecurityPolicy.keyword("none")
HSTS_SECONDS = 365 * 24 * 3600


def content_security_policy() -> ContentSecurityPolicy:
    return (
        ContentSecurityPolicy()
        .default_src(SELF)
        .script_src(SELF)
        .style_src(SELF)
        .img_src(SELF, "data:")
        .font_src(SELF)
        .connect_src(SELF)
        .object_src(NONE)
        .base_uri(SELF)
        .form_action(SELF)
        .frame_ancestors(NONE)
    )


def _secure(*, hsts: bool) -> Secure:
    return Secure(
        csp=content_security_policy(),
        hsts=StrictTransportSecurity().max_age(HSTS_SECONDS) if hsts else None,
        referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
        xcto=XContentTypeOptions().nosniff(),
        xfo=XFrameOptions().deny(),
    )


class SecurityHeadersMiddleware:
    """The headers above; HSTS only for HTTPS requests, or always when ``https_site``."""

    def __init__(self, app: ASGIApp, *, https_site: bool = False) -> None:
        # The library types ASGI messages as plain objects; Starlette's types are the same calls.
        self._plain = cast(ASGIApp, SecureASGIMiddleware(app, secure=_secure(hsts=https_site)))
        self._https = cast(ASGIApp, SecureASGIMiddleware(app, secure=_secure(hsts=True)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self._https if over_https(scope) else self._plain
        await chosen(scope, receive, send)


def over_https(scope: Scope) -> bool:
    return scope.get("scheme") in ("https", "wss")


def add_to(response: Response, scope: Scope, *, https_site: bool) -> None:
    """The same headers on a response made outside the middleware: the 500 page, which
    Starlette's outermost error middleware answers after every other middleware has given up."""
    _secure(hsts=https_site or over_https(scope)).set_headers(response)
