"""The OpenAPI document tells a client how to authenticate and which problems each route gives."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/api/v1/openapi.json").json())


def test_it_declares_the_token_and_the_browser_session(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerToken"]["description"],
    }
    assert schemes["browserSession"]["in"] == "cookie"
    assert document["paths"]["/api/v1/me"]["get"]["security"] == [
        {"bearerToken": []},
        {"browserSession": []},
    ]
    # Anyone may read an achievement; a token shows more.
    assert {} in document["paths"]["/api/v1/achievements/{listing_id}"]["get"]["security"]
    assert document["paths"]["/api/v1/health"]["get"]["security"] == []


def test_every_error_is_problem_json_and_validation_has_its_real_shape(
    document: dict[str, Any],
) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "errors" in document["components"]["schemas"]["Problem"]["properties"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == PROBLEM, (method, path, status)


def test_each_route_lists_the_problems_it_really_gives(document: dict[str, Any]) -> None:
    def statuses(path: str, method: str) -> set[int]:
        return {int(s) for s in document["paths"][path][method]["responses"] if int(s) >= 400}

    assert statuses("/api/v1/contracts/{contract_id}/approve", "post") >= {401, 403, 404, 409}
    assert {400, 413} <= statuses("/api/v1/deals", "post")  # a body: unreadable or too large
    assert 401 in statuses("/api/v1/auth/tokens", "post")  # a wrong password
    assert 409 in statuses("/api/v1/contracts/{contract_id}/certificate.pdf", "get")
    assert 409 not in statuses("/api/v1/achievements", "get")
    assert 401 not in statuses("/api/v1/health", "get")


def test_files_are_declared_as_files(document: dict[str, Any]) -> None:
    export = document["paths"]["/api/v1/contracts/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    }
    pdf = document["paths"]["/api/v1/contracts/{contract_id}/certificate.pdf"]["get"]
    assert set(pdf["responses"]["200"]["content"]) == {"application/pdf"}
