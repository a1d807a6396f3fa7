"""Factories for people and organisations; every value is valid unless a test overrides it."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from app.core.security import hash_password
from app.demo.seed import credit_code
from app.models import Organization, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus, OrgType, Role

PASSWORD = "Passw0rd!"
_PASSWORD_HASH = hash_password(PASSWORD)
_seq = itertools.count(1)


def unique_credit_code() -> str:
    return credit_code(f"9122010{next(_seq):010d}")


def make_org(
    session: Session,
    *,
    name: str | None = None,
    org_type: OrgType = OrgType.ENTERPRISE,
    region_code: str = "220173",
    status: OrgStatus = OrgStatus.VERIFIED,
) -> Organization:
    n = next(_seq)
    org = Organization(
        name=name or f"测试机构{n}",
        credit_code=unique_credit_code(),
        org_type=org_type,
        region_code=region_code,
        status=status,
        intro="专注光电检测设备研发",
    )
    session.add(org)
    session.flush()
    return org


def make_user(
    session: Session,
    *,
    role: Role = Role.USER,
    org: Organization | None = None,
    org_role: OrgRole = OrgRole.MEMBER,
    membership: MembershipStatus = MembershipStatus.ACTIVE,
    region_code: str | None = None,
    email: str | None = None,
    name: str = "测试用户",
) -> User:
    n = next(_seq)
    user = User(
        email=email or f"user{n}@example.cn",
        name=name,
        password_hash=_PASSWORD_HASH,
        role=role,
        region_code=region_code,
    )
    if org is not None:
        user.org_id = org.id
        user.org_role = org_role
        user.membership_status = membership
    session.add(user)
    session.flush()
    return user
