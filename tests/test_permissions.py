"""Every role walked through every protected action: the permission matrix."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.core.errors import NotAuthenticated, PermissionDenied
from app.core.permissions import Action, authorize, can
from app.models import Organization, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus, Role
from tests.factories.accounts import make_org, make_user

ROLES = [
    "anonymous",
    "platform_admin",
    "district_admin_here",
    "district_admin_elsewhere",
    "broker",
    "expert",
    "org_admin",
    "org_member",
    "pending_member",
    "other_org_admin",
    "deactivated_admin",
]

# action → roles that may perform it on a verified organisation in region 220173.
ALLOWED: dict[Action, set[str]] = {
    Action.ADMIN_ACCESS: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.AUDIT_VIEW: {"platform_admin", "district_admin_here", "district_admin_elsewhere"},
    Action.USER_MANAGE: {"platform_admin"},
    Action.ORG_VIEW_PRIVATE: {"platform_admin", "district_admin_here", "org_admin", "org_member"},
    Action.ORG_UPDATE: {"platform_admin", "district_admin_here", "org_admin"},
    Action.ORG_VERIFY: {"platform_admin", "district_admin_here"},
    Action.ORG_MANAGE_MEMBERS: {"platform_admin", "org_admin"},
    Action.ORG_PUBLISH: {"org_admin", "org_member"},
    Action.SEARCH_MANAGE: {"platform_admin"},
}


def test_matrix_covers_every_action() -> None:
    assert set(ALLOWED) == set(Action)


@pytest.fixture
def target(session: Session) -> Organization:
    return make_org(session, region_code="220173")


@pytest.fixture
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
    }


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(
    role: str, action: Action, people: dict[str, User | None], target: Organization
) -> None:
    user = people[role]
    expected = role in ALLOWED[action]
    assert can(user, action, target) is expected
    if expected:
        authorize(user, action, target)
    else:
        error = NotAuthenticated if user is None else PermissionDenied
        with pytest.raises(error):
            authorize(user, action, target)


def test_unverified_org_cannot_publish(session: Session) -> None:
    pending = make_org(session, status=OrgStatus.PENDING)
    admin = make_user(session, org=pending, org_role=OrgRole.ADMIN)
    assert not can(admin, Action.ORG_PUBLISH, pending)
    with pytest.raises(PermissionDenied, match="机构通过认证后"):
        authorize(admin, Action.ORG_PUBLISH, pending)
