"""One list shape: every GET list endpoint answers a ``Page`` and takes ``page`` and ``size``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, get_origin

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient

from app.core.pagination import ListParams, list_params
from app.core.schemas import Page


def _api_routes(app: FastAPI) -> list[RouteContext]:
    return [
        c
        for c in iter_route_contexts(app.routes)
        if isinstance(c.original_route, APIRoute) and (c.path or "").startswith("/api/")
    ]


def _is_page(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, Page)


def _query_names(route: RouteContext) -> set[str]:
    assert isinstance(route.original_route, APIRoute)
    names: set[str] = set()
    stack = [route.original_route.dependant]
    while stack:
        dependant = stack.pop()
        names.update(p.alias for p in dependant.query_params)
        stack.extend(dependant.dependencies)
    return names


def test_no_get_endpoint_answers_a_bare_list(app: FastAPI) -> None:
    bare = [
        f"GET {r.path} ({r.endpoint.__module__}.{r.endpoint.__name__})"
        for r in _api_routes(app)
        if "GET" in (r.methods or ()) and get_origin(r.response_model) is list
    ]
    assert len(_api_routes(app)) > 100
    assert bare == []


def test_every_page_endpoint_takes_page_and_size(app: FastAPI) -> None:
    pages = [
        r for r in _api_routes(app) if "GET" in (r.methods or ()) and _is_page(r.response_model)
    ]
    assert len(pages) > 30
    missing = [r.path for r in pages if not {"page", "size"} <= _query_names(r)]
    assert missing == []


class Order(StrEnum):
    NEWEST = "newest"
    TITLE = "title"


Params = Annotated[
    ListParams[Order], Depends(list_params(Order, accept=lambda name: name == "field"))
]


def _app_with_a_sorted_list() -> FastAPI:
    app = FastAPI()
    rows = [f"第{i}条" for i in range(1, 8)]

    @app.get("/items")
    def items(params: Params) -> dict[str, Any]:
        ordered = sorted(rows) if params.sort is Order.TITLE else rows[::-1]
        page = params.pagination
        return {
            "items": ordered[page.offset : page.offset + page.size],
            "sort": params.sort.value,
            "filters": params.filters,
        }

    return app


class TestListParams:
    def test_defaults_to_the_first_order_and_the_first_page(self) -> None:
        body = TestClient(_app_with_a_sorted_list()).get("/items").json()
        assert body["sort"] == "newest" and body["items"][0] == "第7条"

    def test_page_size_sort_and_filters(self) -> None:
        client = TestClient(_app_with_a_sorted_list())
        body = client.get("/items?page=2&size=3&sort=title&field=新材料&field=&other=x").json()
        assert body == {
            "items": ["第4条", "第5条", "第6条"],
            "sort": "title",
            "filters": {"field": ["新材料"]},
        }

    def test_an_unknown_order_or_size_is_refused(self) -> None:
        client = TestClient(_app_with_a_sorted_list())
        assert client.get("/items?sort=oldest").status_code == 422
        assert client.get("/items?size=101").status_code == 422
        assert client.get("/items?page=0").status_code == 422
