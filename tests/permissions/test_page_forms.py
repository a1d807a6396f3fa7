"""Every protected page form sent by every role (the cases are in test_page_routes.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Organization, User
from tests.permissions.test_page_routes import PAGE_ROUTES
from tests.permissions.world import Route, World, build_world, walk

FORMS = [r for r in PAGE_ROUTES if r.method != "GET"]


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> World:
    return build_world(session, target, people)


@pytest.mark.parametrize("route", FORMS, ids=[f"{r.method} {r.path}" for r in FORMS])
def test_forms_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
) -> None:
    wrong = walk(route, people, world, session, client)
    assert not wrong, f"answered otherwise than the matrix (role, expected, got): {wrong}"
