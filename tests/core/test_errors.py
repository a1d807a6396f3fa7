from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


class TestApiErrors:
    def test_unknown_api_path_is_problem_json(self, client: TestClient) -> None:
        response = client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["title"] == "未找到"

    def test_invalid_json_is_422_in_chinese(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/register",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422
        assert "请求体不是合法的 JSON" in response.json()["detail"]

    def test_missing_fields_are_named(self, client: TestClient) -> None:
        response = client.post("/api/v1/auth/register", json={})
        errors = response.json()["errors"]
        assert errors["email"] == "必填项" and errors["org_mode"] == "必填项"

    def test_wrong_method_is_405(self, client: TestClient) -> None:
        response = client.delete("/api/v1/orgs")
        assert response.status_code == 405
        assert response.json()["title"] == "不支持的请求方法"


class TestPageErrors:
    def test_missing_page_is_chinese_html(self, client: TestClient) -> None:
        response = client.get("/no-such-page")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "您访问的页面或资源不存在" in response.text
        assert 'lang="zh-CN"' in response.text

    def test_login_required_page_shows_login_link(self, client: TestClient) -> None:
        response = client.get("/me")
        assert response.status_code == 401
        assert "请先登录" in response.text and "/login?next=" in response.text


class TestUnexpectedErrors:
    def test_no_stack_trace_reaches_the_user(self, app: FastAPI) -> None:
        @app.get("/api/v1/boom")
        def boom() -> None:
            raise RuntimeError("secret internals")

        @app.get("/boom")
        def boom_page() -> None:
            raise RuntimeError("secret internals")

        with TestClient(app, raise_server_exceptions=False) as client:
            api = client.get("/api/v1/boom")
            page = client.get("/boom")
        assert api.status_code == 500 and api.json()["title"] == "服务器内部错误"
        assert "secret" not in api.text and "Traceback" not in api.text
        assert page.status_code == 500 and "服务器处理请求时出错" in page.text
        assert "secret" not in page.text and "Traceback" not in page.text

    def test_the_error_page_carries_the_security_headers(self, app: FastAPI) -> None:
        @app.get("/boom")
        def boom_page() -> None:
            raise RuntimeError("secret internals")

        with TestClient(app, raise_server_exceptions=False) as client:
            page = client.get("/boom")
        assert page.status_code == 500
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
