"""Two organisations that talk about a university's achievement, an outsider, and staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from app.models import Listing, Organization, User
from app.models.enums import OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer

SECRET = "保密工艺参数：摆动频率 317Hz"


@dataclass
class Cast:
    university: Organization
    enterprise: Organization
    professor: User  # the university's administrator, owner of the listing
    buyer: User  # the enterprise's administrator
    colleague: User  # a member of the enterprise
    outsider: User  # a third organisation's administrator
    admin: User  # platform administrator
    district_admin: User  # administrator of a district neither organisation is in
    listing: Listing

    def auth(self, session: Session, user: User) -> dict[str, str]:
        return bearer(session, user)


@pytest.fixture
def cast(session: Session) -> Cast:
    university = make_org(session, name="吉林光电大学", org_type=OrgType.UNIVERSITY)
    enterprise = make_org(session, name="长春激光装备有限公司")
    third = make_org(session, name="无关机构有限公司")
    professor = make_user(session, org=university, org_role=OrgRole.ADMIN, name="李教授")
    listing = make_listing(
        session, university, professor, advantages=SECRET, confidential=["advantages"]
    )
    return Cast(
        university=university,
        enterprise=enterprise,
        professor=professor,
        buyer=make_user(session, org=enterprise, org_role=OrgRole.ADMIN, name="赵总"),
        colleague=make_user(session, org=enterprise, name="钱工"),
        outsider=make_user(session, org=third, org_role=OrgRole.ADMIN, name="外人"),
        admin=make_user(session, role=Role.PLATFORM_ADMIN, name="平台管理员"),
        district_admin=make_user(
            session, role=Role.DISTRICT_ADMIN, region_code="220183", name="德惠管理员"
        ),
        listing=listing,
    )
