"""Routers that pass over a path none of their routes serves find the same route as before."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Match

from app.core.routing import SegmentRouter, first_segment


def _example_path(path: str) -> str:
    return re.sub(r"\{[^}:]+(:int)?[^}]*\}", lambda m: "7" if m.group(1) else "x", path)


def _chosen(app: FastAPI, path: str, method: str) -> int | None:
    """Which of the app's own routes (an included router, mostly) takes the request."""
    scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
    for index, route in enumerate(app.router.routes):
        if route.matches(scope)[0] == Match.FULL:
            return index
    return None


class TestTheAppsRoutes:
    def test_every_route_is_in_the_router_its_path_reaches(self, app: FastAPI) -> None:
        contexts = [c for c in iter_route_contexts(app.routes) if c.methods and c.path]
        assert len(contexts) > 300
        for context in contexts:
            path, method = _example_path(context.path or ""), sorted(context.methods or ())[0]
            # The first route in order that matches, as a walk over every route finds it.
            expected = next(
                c.endpoint
                for c in contexts
                if method in (c.methods or ()) and c.path_regex.match(path)
            )
            holder = next(
                index
                for index, route in enumerate(app.router.routes)
                if any(c.endpoint is expected for c in iter_route_contexts([route]))
            )
            assert _chosen(app, path, method) == holder, (method, path)


class TestAnswers:
    def test_pages_and_api_answer_as_before(self, client: TestClient) -> None:
        assert client.get("/logout").status_code == 405  # a form's POST only
        slash = client.get("/achievements/", follow_redirects=False)
        assert (slash.status_code, slash.headers["location"]) == (
            307,
            "http://testserver/achievements",
        )
        missing = client.get("/no-such-page")
        assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
        api_missing = client.get("/api/v1/no-such-thing")
        assert api_missing.status_code == 404
        assert api_missing.headers["content-type"] == "application/problem+json"
        assert client.put("/api/v1/health").status_code == 405
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/openapi.json").status_code == 200


class TestSegmentRouter:
    def _client(self, router: SegmentRouter, prefix: str = "") -> TestClient:
        app = FastAPI()
        app.include_router(router, prefix=prefix)
        return TestClient(app)

    def test_a_parameter_first_serves_every_path(self) -> None:
        router = SegmentRouter()

        @router.get("/{slug}")
        def page(slug: str) -> str:
            return slug

        assert self._client(router).get("/anything").json() == "anything"

    def test_mounted_prefix_and_routes_added_later(self) -> None:
        router = SegmentRouter(mounted_at="/api")

        @router.get("/one")
        def one() -> int:
            return 1

        client = self._client(router, "/api")
        assert client.get("/api/one").json() == 1
        assert client.get("/one").status_code == 404

        @router.get("/two")
        def two() -> int:
            return 2

        assert client.get("/api/two").json() == 2

    def test_first_segment(self) -> None:
        assert [first_segment(p) for p in ("/", "/a", "/a/b", "")] == ["", "a", "a", ""]
