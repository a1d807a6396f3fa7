"""Every response carries the security headers; pages hold no inline script or style."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.templating import TEMPLATE_DIR


def _csp(response: httpx.Response) -> dict[str, str]:
    directives = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("path", ["/", "/orgs", "/login", "/api/v1/health", "/no-such-page"])
def test_headers_on_pages_api_and_errors(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = _csp(response)
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_no_hsts_over_plain_http(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/").headers


def test_hsts_when_the_request_came_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as https_client:
        response = https_client.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_hsts_when_the_public_address_is_https(
    session_factory: object, search_backend: object
) -> None:
    from app.main import create_app

    site = create_app(
        Settings(base_url="https://kc.example.cn", secret_key="s" * 40), start_worker=False
    )
    site.state.sessionmaker = session_factory
    site.state.search_backend = search_backend
    with TestClient(site) as behind_proxy:  # TLS ended at the proxy: the app sees http
        response = behind_proxy.get("/api/v1/health")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


@pytest.fixture
def production_client(session_factory: object, search_backend: object) -> Iterator[TestClient]:
    from app.main import create_app

    site = create_app(Settings(environment="production", secret_key="p" * 48), start_worker=False)
    site.state.sessionmaker = session_factory
    site.state.search_backend = search_backend
    with TestClient(site, base_url="https://testserver") as c:
        yield c


def test_session_cookie_is_secure_in_production(production_client: TestClient) -> None:
    response = production_client.get("/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("kc_session=")
    assert "secure" in cookie.lower().split("; ")


def test_session_cookie_is_not_secure_in_development(client: TestClient) -> None:
    cookie = client.get("/login").headers["set-cookie"]
    assert "secure" not in cookie.lower().split("; ")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "inline event handler"),
    (re.compile(r"<style[\s>]", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style() -> None:
    """The CSP would block these; behaviour lives in static/js, looks in static/css.

    Mail templates are not pages (no CSP applies in a mail client) and are left out.
    """
    found = []
    for path in sorted(TEMPLATE_DIR.rglob("*.html")):
        if path.relative_to(TEMPLATE_DIR).parts[0] == "emails":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            found += [
                f"{path.relative_to(TEMPLATE_DIR)}:{number}: {what}"
                for pattern, what in INLINE
                if pattern.search(line)
            ]
    assert found == []
