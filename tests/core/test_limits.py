"""Bodies over the limit are refused with 413 before anything reads them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.limits import OTHER_BODY_BYTES


def test_a_json_body_over_the_limit_is_413_problem_json(client: TestClient) -> None:
    body = b'{"title": "' + b"x" * OTHER_BODY_BYTES + b'"}'
    response = client.post(
        "/api/v1/achievements", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "超过 2 MB 上限" in response.json()["detail"]


def test_an_upload_over_the_limit_is_refused_before_authentication(
    client: TestClient, settings: object
) -> None:
    big = b"\0" * (21 * 1024 * 1024 + 1)
    response = client.post(
        "/api/v1/achievements/1/attachments", files={"file": ("huge.pdf", big, "application/pdf")}
    )
    assert response.status_code == 413
    assert "超过 21 MB 上限" in response.json()["detail"]


def test_a_streamed_body_without_length_is_counted_as_it_arrives(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(OTHER_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    response = client.post(
        "/api/v1/achievements", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_a_page_form_over_the_limit_gets_the_chinese_error_page(client: TestClient) -> None:
    response = client.post(
        "/login",
        content=b"email=a%40b.cn&password=" + b"x" * OTHER_BODY_BYTES,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "上传内容过大" in response.text
