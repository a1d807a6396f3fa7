from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.errors import Conflict, InvalidInput, PermissionDenied
from app.core.pagination import Pagination
from app.models import AuditEvent, Notification, Organization, OutboxMessage, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus, OrgTagKind, OrgType, Role
from app.orgs import service
from app.orgs.schemas import OrgFields, OrgTagIn, OrgUpdate
from tests.factories.accounts import make_org, make_user, unique_credit_code


@pytest.fixture
def pending(session: Session) -> Organization:
    return make_org(session, status=OrgStatus.PENDING, region_code="220191")


class TestVerify:
    def test_admin_verifies_and_audit_records_before_after(
        self, session: Session, pending: Organization, platform_admin: User
    ) -> None:
        service.verify(session, Actor(user=platform_admin), pending)
        assert pending.status == OrgStatus.VERIFIED and pending.verified_at is not None
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "org.verify")).one()
        assert event.before == {"status": "pending"}
        assert event.after == {"status": "verified", "reason": ""}
        assert event.actor_id == platform_admin.id

    def test_district_admin_only_in_own_region(
        self, session: Session, pending: Organization
    ) -> None:
        elsewhere = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        with pytest.raises(PermissionDenied):
            service.verify(session, Actor(user=elsewhere), pending)
        here = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        service.verify(session, Actor(user=here), pending)
        assert pending.status == OrgStatus.VERIFIED

    def test_verifying_twice_is_a_conflict(
        self, session: Session, pending: Organization, platform_admin: User
    ) -> None:
        service.verify(session, Actor(user=platform_admin), pending)
        with pytest.raises(Conflict, match="当前状态为“已认证”，不能执行“通过认证”"):
            service.verify(session, Actor(user=platform_admin), pending)


class TestReject:
    def test_reason_required(
        self, session: Session, pending: Organization, platform_admin: User
    ) -> None:
        with pytest.raises(InvalidInput) as info:
            service.reject(session, Actor(user=platform_admin), pending, "  ")
        assert "reason" in info.value.errors
        assert pending.status == OrgStatus.PENDING

    def test_owner_fixes_and_resubmits(
        self, session: Session, pending: Organization, platform_admin: User
    ) -> None:
        service.reject(session, Actor(user=platform_admin), pending, "营业执照名称与填写不一致")
        assert pending.status == OrgStatus.REJECTED
        owner = make_user(session, org=pending, org_role=OrgRole.ADMIN)
        service.update(
            session, Actor(user=owner), pending, OrgUpdate(name="长春新区某某科技有限公司")
        )
        assert pending.status == OrgStatus.PENDING


def _news(session: Session, person: User) -> list[str]:
    return list(
        session.scalars(select(Notification.title).where(Notification.user_id == person.id))
    )


def _mails_to(session: Session, person: User) -> list[dict[str, str]]:
    return [
        m.payload
        for m in session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "mail.send"))
        if m.payload["to"] == person.email
    ]


class TestVerificationNews:
    def test_members_are_told_when_verified_in_app_and_by_mail(
        self, session: Session, pending: Organization, platform_admin: User
    ) -> None:
        owner = make_user(session, org=pending, org_role=OrgRole.ADMIN)
        applicant = make_user(session, org=pending, membership=MembershipStatus.PENDING)
        service.verify(session, Actor(user=platform_admin), pending)
        assert _news(session, owner) == [f"机构“{pending.name}”已通过平台认证"]
        assert _news(session, applicant) == []
        (mail,) = _mails_to(session, owner)
        assert "已通过平台认证" in mail["subject"] and "可以发布科技成果" in mail["body"]

    def test_rejection_tells_the_reason(
        self, session: Session, pending: Organization, platform_admin: User
    ) -> None:
        owner = make_user(session, org=pending, org_role=OrgRole.ADMIN)
        service.reject(session, Actor(user=platform_admin), pending, "营业执照名称与填写不一致")
        assert _news(session, owner) == [f"机构“{pending.name}”认证未通过"]
        assert "退回原因：营业执照名称与填写不一致" in _mails_to(session, owner)[0]["body"]

    def test_verifiers_of_the_region_are_told_one_is_waiting(
        self, session: Session, platform_admin: User, org_admin: User
    ) -> None:
        here = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        elsewhere = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        data = OrgFields(
            name="长春新区示范科技有限公司",
            credit_code=unique_credit_code(),
            org_type=OrgType.ENTERPRISE,
            region_code="220191",
        )
        org = service.create(session, Actor(user=org_admin), data)
        waiting = f"新机构“{org.name}”等待认证"
        assert _news(session, platform_admin) == [waiting]
        assert _news(session, here) == [waiting]
        assert _news(session, elsewhere) == []
        service.reject(session, Actor(user=here), org, "缺少营业执照")
        owner = make_user(session, org=org, org_role=OrgRole.ADMIN)
        service.update(session, Actor(user=owner), org, OrgUpdate(address="长春新区硅谷大街1号"))
        assert f"机构“{org.name}”修改资料后重新提交认证" in _news(session, here)


class TestUpdate:
    def test_member_cannot_edit(self, session: Session, org: Organization, member: User) -> None:
        with pytest.raises(PermissionDenied):
            service.update(session, Actor(user=member), org, OrgUpdate(intro="x"))

    def test_only_changed_fields_are_audited(
        self, session: Session, org: Organization, org_admin: User
    ) -> None:
        service.update(
            session, Actor(user=org_admin), org, OrgUpdate(intro="新的简介", address=org.address)
        )
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "org.update")).one()
        # The version the edit produced is kept too: it tells later stale edits what changed.
        assert event.before == {"intro": "专注光电检测设备研发", "version": 1}
        assert event.after == {"intro": "新的简介", "version": 2}

    def test_name_clash(self, session: Session, org: Organization, org_admin: User) -> None:
        make_org(session, name="已存在的公司")
        with pytest.raises(Conflict):
            service.update(session, Actor(user=org_admin), org, OrgUpdate(name="已存在的公司"))


class TestTags:
    def test_set_replaces_same_kind(
        self, session: Session, org: Organization, org_admin: User
    ) -> None:
        org = service.get(session, org.id, org_admin)
        actor = Actor(user=org_admin)
        service.set_tag(
            session, actor, org, OrgTagIn(kind=OrgTagKind.HIGH_TECH, certificate_no="A1")
        )
        service.set_tag(
            session, actor, org, OrgTagIn(kind=OrgTagKind.HIGH_TECH, certificate_no="B2")
        )
        assert [(t.kind, t.certificate_no) for t in org.tags] == [(OrgTagKind.HIGH_TECH, "B2")]

    def test_expiry_before_certification_is_refused(
        self, session: Session, org: Organization, org_admin: User
    ) -> None:
        from datetime import date

        org = service.get(session, org.id, org_admin)
        data = OrgTagIn(
            kind=OrgTagKind.TECH_SME, certified_on=date(2025, 5, 1), expires_on=date(2024, 5, 1)
        )
        with pytest.raises(InvalidInput):
            service.set_tag(session, Actor(user=org_admin), org, data)


class TestMembers:
    def test_admin_approves_pending_member(
        self, session: Session, org: Organization, org_admin: User
    ) -> None:
        applicant = make_user(session, org=org, membership=MembershipStatus.PENDING)
        service.decide_member(session, Actor(user=org_admin), org, applicant.id, "approve")
        assert applicant.membership_status == MembershipStatus.ACTIVE

    def test_rejected_applicant_leaves_org(
        self, session: Session, org: Organization, org_admin: User
    ) -> None:
        applicant = make_user(session, org=org, membership=MembershipStatus.PENDING)
        service.decide_member(session, Actor(user=org_admin), org, applicant.id, "reject")
        assert applicant.org_id is None

    def test_member_cannot_approve(self, session: Session, org: Organization, member: User) -> None:
        applicant = make_user(session, org=org, membership=MembershipStatus.PENDING)
        with pytest.raises(PermissionDenied):
            service.decide_member(session, Actor(user=member), org, applicant.id, "approve")


class TestListing:
    def test_public_sees_only_verified(self, session: Session, pending: Organization) -> None:
        verified = make_org(session)
        page = service.list_orgs(session, None, Pagination(size=100))
        ids = {o.id for o in page.items}
        assert verified.id in ids and pending.id not in ids

    def test_district_admin_sees_pending_in_region(
        self, session: Session, pending: Organization
    ) -> None:
        admin = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        page = service.list_orgs(session, admin, Pagination(size=100), status=OrgStatus.PENDING)
        assert [o.id for o in page.items] == [pending.id]
