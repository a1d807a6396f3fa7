"""One world per module for the permission tests: the organisation and a person of every role.

The permission matrix and the API walk run hundreds of cases against the same people, so each
module builds its world once, in a transaction of its own rolled back at the end, and every test
runs in a savepoint of it that is rolled back after the test (objects it changed are expired).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from app.models import Organization, User
from app.models.enums import MembershipStatus, OrgRole, Role
from tests.factories.accounts import make_org, make_user
from tests.permissions.world import World, build_world


@pytest.fixture(scope="module")
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture(scope="module")
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture(scope="module")
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture(autouse=True)
def _undone_after_each_test(session: Session) -> Iterator[None]:
    savepoint = session.begin_nested()
    yield
    if savepoint.is_active:
        savepoint.rollback()


@pytest.fixture(scope="module")
def target(session: Session) -> Organization:
    return make_org(session, region_code="220173")


@pytest.fixture(scope="module")
def people(session: Session, target: Organization) -> dict[str, User | None]:
    other = make_org(session, region_code="220191")
    deactivated = make_user(session, role=Role.PLATFORM_ADMIN)
    deactivated.is_active = False
    return {
        "anonymous": None,
        "platform_admin": make_user(session, role=Role.PLATFORM_ADMIN),
        "district_admin_here": make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173"),
        "district_admin_elsewhere": make_user(
            session, role=Role.DISTRICT_ADMIN, region_code="220191"
        ),
        "broker": make_user(session, role=Role.BROKER),
        "expert": make_user(session, role=Role.EXPERT),
        "org_admin": make_user(session, org=target, org_role=OrgRole.ADMIN),
        "org_member": make_user(session, org=target),
        "pending_member": make_user(session, org=target, membership=MembershipStatus.PENDING),
        "other_org_admin": make_user(session, org=other, org_role=OrgRole.ADMIN),
        "deactivated_admin": deactivated,
        "novelty_searcher": make_user(session, role=Role.NOVELTY_SEARCHER),
        "novelty_reviewer": make_user(session, role=Role.NOVELTY_REVIEWER),
    }


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> World:
    """The objects the route walks act on (tests/permissions/world.py)."""
    return build_world(session, target, people)
