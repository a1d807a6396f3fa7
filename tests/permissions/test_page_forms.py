"""Every protected page form sent by every role (the cases are in test_page_routes.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import User
from tests.permissions.test_page_routes import PAGE_ROUTES
from tests.permissions.world import Route, World, assert_walk

FORMS = [r for r in PAGE_ROUTES if r.method != "GET"]


@pytest.mark.parametrize("route", FORMS, ids=[f"{r.method} {r.path}" for r in FORMS])
def test_forms_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
