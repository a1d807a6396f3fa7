"""The API reference page: Swagger UI from this site's own files, under the site's CSP."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.models import User
from tests.factories.fixtures import login


def test_docs_page_loads_only_local_assets(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.text
    assert "开放接口文档" in html and 'data-openapi="/api/v1/openapi.json"' in html
    sources = re.findall(r'<(?:script|img|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<script>" not in html and "style=" not in html
    for asset in re.findall(r'(?:src|href)="(/api/v1/docs/assets/[^"]+)"', html):
        got = client.get(asset)
        assert got.status_code == 200 and len(got.content) > 10_000, asset
    assert client.get("/api/v1/openapi.json").json()["info"]["title"]


def test_only_the_two_swagger_files_are_served(client: TestClient) -> None:
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404


def test_the_token_page_links_to_the_docs(client: TestClient, member: User) -> None:
    login(client, member)
    tokens = client.get("/me").text.split('id="tokens"', 1)[1]
    assert 'href="/api/v1/docs"' in tokens
