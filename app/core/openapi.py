"""The OpenAPI document as clients meet the API: how to authenticate, and the problem+json
answers each route really gives besides its success.

FastAPI documents only the success and its own validation shape; every error here is
``application/problem+json`` (``app.core.handlers``), so each operation is completed from what
its route depends on: a person (401/403), a path record (404), a write (409), a body (400/413).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from app.core.deps import current_user, signed_in_user
from app.core.errors import STATUS_TITLES

PROBLEM_JSON = "application/problem+json"
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}

BEARER = "bearerToken"
SESSION = "browserSession"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; ``detail`` is the Chinese message to show.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "字段 → 错误说明（422 时给出）",
            "additionalProperties": {"type": "string"},
        },
    },
    "additionalProperties": True,
}

# Why each status happens, in the words a client developer reads.
_WHY = {
    400: "请求体无法解析（例如不是合法的 JSON 或 UTF-8）",
    401: "未登录，或 API 令牌无效、已过期、已撤销",
    403: "已登录但无权执行此操作（或浏览器会话的写请求缺少 X-CSRF-Token）",
    404: "所指的记录不存在或对您不可见",
    409: "与当前状态冲突：状态已变化、版本已被他人修改或与另一请求同时提交",
    413: "请求体超过允许的大小",
    422: "提交的内容未通过校验，errors 中按字段给出原因",
    429: "请求过于频繁，请按 Retry-After 头的秒数稍后再试",
    503: "数据库或检索服务暂时不可用或繁忙，可稍后重试",
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": "：".join(
            part for part in (STATUS_TITLES.get(status, "请求无法处理"), _WHY.get(status)) if part
        ),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _statuses(route: RouteContext, method: str) -> tuple[set[int], list[dict[str, list[str]]]]:
    """The problem statuses ``route`` answers with, and its security requirement."""
    calls = set(_calls(route.dependant))
    statuses = {422, 429, 503}
    security: list[dict[str, list[str]]] = []
    if current_user in calls:
        statuses |= {401, 403}
        security = [{BEARER: []}, {SESSION: []}]
    elif signed_in_user in calls:
        # Anonymous is allowed, but a bad token is still a 401 and a record may need a person.
        statuses |= {401, 403}
        security = [{}, {BEARER: []}, {SESSION: []}]
    has_body = route.body_field is not None
    if route.dependant.path_params or has_body or route.dependant.query_params:
        statuses.add(404)
    if method in _WRITES:
        statuses.add(409)
    if has_body:
        statuses |= {400, 413}
    return statuses, security


def document(app: FastAPI) -> dict[str, Any]:
    """Build (once) the OpenAPI document of ``app``'s API routes."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(unused, None)
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "个人 API 令牌：登录后在“我的 → API 令牌”页面创建，"
            "以 `Authorization: Bearer <令牌>` 发送",
        },
        SESSION: {
            "type": "apiKey",
            "in": "cookie",
            "name": app.state.settings.session_cookie,
            "description": "浏览器登录会话；写操作还需带上页面给出的 X-CSRF-Token 请求头",
        },
    }
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            statuses, security = _statuses(route, method)
            operation["security"] = security
            responses = operation.setdefault("responses", {})
            statuses |= {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(statuses):
                declared = responses.get(str(status), {})
                response = _problem_response(status)
                if declared.get("description") and status != 422:
                    response["description"] = declared["description"]
                responses[str(status)] = response
            operation["responses"] = dict(sorted(responses.items()))
    app.openapi_schema = schema
    return schema


def install(app: FastAPI) -> None:
    app.openapi = lambda: document(app)  # type: ignore[method-assign]


def file_download(description: str, *media_types: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that answers a file, not JSON (with ``response_class=Response``)."""
    return {
        200: {
            "description": description,
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in media_types or ("*/*",)
            },
        }
    }
