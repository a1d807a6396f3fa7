"""Every route of the real app has a permission case, or is public for a stated reason.

A route is covered when a ``Route`` of the API walk (test_api_routes.py), the page walk
(test_page_routes.py) or a domain's walk (``ROUTES`` of a ``test_routes_<domain>.py`` module)
lands on it: each of those is sent by every role and answers as ``can()`` says. Public routes are listed with their reason in public_routes.py. A new route
that is neither fails here by name.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import compile_path

from tests.factories.fixtures import csrf_from
from tests.permissions.public_routes import public_reason
from tests.permissions.test_api_routes import API_ROUTES
from tests.permissions.test_page_routes import PAGE_ROUTES
from tests.permissions.world import Route


def domain_walks() -> list[Route]:
    """The ``ROUTES`` of every ``test_routes_<domain>.py`` module beside this one."""
    cases: list[Route] = []
    for path in sorted(Path(__file__).parent.glob("test_routes_*.py")):
        module = importlib.import_module(f"tests.permissions.{path.stem}")
        cases += module.ROUTES
    return cases


def every_route(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every API and page route, in the order the app tries them."""
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.path:
            found += [(method, context.path) for method in sorted(context.methods or ())]
    return found


def _landing(routes: list[tuple[str, str]], case: Route) -> tuple[str, str] | None:
    """The route the app would choose for ``case`` (its ids stood in for by 1)."""
    path = re.sub(r"\{[^}]+\}", "1", case.path.partition("?")[0])
    for method, template in routes:
        if method == case.method and compile_path(template)[0].fullmatch(path):
            return method, template
    return None


def test_every_route_is_walked_or_public(app: FastAPI) -> None:
    routes = every_route(app)
    assert len(routes) > 500  # the walk sees the whole app, not one router
    cases = [*API_ROUTES, *PAGE_ROUTES, *domain_walks()]
    lost = [f"{c.method} {c.path}" for c in cases if _landing(routes, c) is None]
    assert lost == [], "cases that land on no route"
    walked = {_landing(routes, c) for c in cases}
    uncovered = [
        f"{method} {template}"
        for method, template in routes
        if (method, template) not in walked and public_reason(method, template) is None
    ]
    assert uncovered == [], "routes with neither a permission case nor a public reason"


def test_no_protected_route_serves_anonymous(app: FastAPI, client: TestClient) -> None:
    """Without a sign-in, a route off the public list never succeeds and never fails with a
    server error (ids stand at 1; a form carries the session's CSRF token, so the refusal
    is the route's own)."""
    token = csrf_from(client.get("/login").text)
    served = []
    for method, template in every_route(app):
        if public_reason(method, template):
            continue
        path = re.sub(r"\{[^}]+\}", "1", template)
        response = client.request(
            method, path, headers={"X-CSRF-Token": token}, follow_redirects=False
        )
        if response.status_code < 400 or response.status_code >= 500:
            served.append((method, template, response.status_code))
    assert served == [], "\n".join(map(str, served))
