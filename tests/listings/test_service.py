"""The catalogue's rules: lifecycle, review, expiry, disclosure, history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import SYSTEM, Actor
from app.core.clock import local_date
from app.core.db import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.listings import service
from app.listings.schemas import AchievementFields, ChallengeFields, DemandFields
from app.models import (
    AuditEvent,
    ContactView,
    Listing,
    ListingVersion,
    Notification,
    Organization,
    OutboxMessage,
    User,
)
from app.models.enums import ListingKind, ListingStatus, OrgRole, OrgStatus, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing


def achievement_fields(**overrides: object) -> AchievementFields:
    data: dict[str, object] = {
        "title": "高功率光纤激光焊接头",
        "summary": "面向新能源汽车电池托盘的激光焊接头，焊缝一致性好。",
        "field_code": "F1102",
        "maturity": "pilot",
        "trl": 6,
        "transfer_modes": "许可,转让",
        "price": "80万",
        "advantages": "焊接速度提高30%",
        "keywords": "激光焊接，电池托盘",
        "contact_name": "王工",
        "contact_phone": "0431-88888888",
    }
    data.update(overrides)
    return AchievementFields.model_validate(data)


@pytest.fixture
def university(session: Session) -> Organization:
    return make_org(session, name="长春示范大学", org_type=OrgType.UNIVERSITY, region_code="220104")


@pytest.fixture
def author(session: Session, university: Organization) -> User:
    return make_user(session, org=university, org_role=OrgRole.MEMBER, name="李老师")


@pytest.fixture
def reviewer(session: Session) -> User:
    return make_user(session, role=Role.DISTRICT_ADMIN, region_code="220104", name="朝阳区审核员")


class TestCreate:
    def test_draft_with_parsed_values(self, session: Session, author: User) -> None:
        listing = service.create(
            session, Actor(user=author), ListingKind.ACHIEVEMENT, achievement_fields()
        )
        assert listing.status == ListingStatus.DRAFT
        assert listing.price == Decimal("800000.00")  # type: ignore[attr-defined]
        assert listing.transfer_modes == ["license", "assignment"]  # type: ignore[attr-defined]
        assert listing.keywords == ["激光焊接", "电池托盘"]
        assert listing.region_code == "220104"
        versions = session.scalars(select(ListingVersion)).all()
        assert [(v.version, v.status) for v in versions] == [(1, "draft")]

    def test_unverified_org_cannot_publish(self, session: Session) -> None:
        pending = make_org(session, status=OrgStatus.PENDING)
        user = make_user(session, org=pending, org_role=OrgRole.ADMIN)
        with pytest.raises(PermissionDenied, match="机构通过认证后"):
            service.create(session, Actor(user=user), ListingKind.ACHIEVEMENT, achievement_fields())

    def test_unknown_field_code(self, session: Session, author: User) -> None:
        with pytest.raises(InvalidInput) as info:
            service.create(
                session,
                Actor(user=author),
                ListingKind.ACHIEVEMENT,
                achievement_fields(field_code="X99"),
            )
        assert info.value.errors == {"field_code": "技术领域不在分类表中，请从列表中选择"}

    def test_confidential_sections_must_exist(self, session: Session, author: User) -> None:
        with pytest.raises(InvalidInput, match="不能设为保密的部分"):
            service.create(
                session,
                Actor(user=author),
                ListingKind.ACHIEVEMENT,
                achievement_fields(confidential=["title"]),
            )


class TestSchemas:
    def test_challenge_reward_cap_and_weights(self) -> None:
        with pytest.raises(ValueError, match="最高100万元"):
            ChallengeFields.model_validate({"reward": "120万"})
        with pytest.raises(ValueError, match="权重之和应为100，当前为90"):
            ChallengeFields.model_validate(
                {
                    "criteria": [
                        {"name": "技术先进性", "weight": 50},
                        {"name": "产业化能力", "weight": 40},
                    ]
                }
            )

    def test_demand_budget_range(self) -> None:
        with pytest.raises(ValueError, match="预算下限不能高于上限"):
            DemandFields.model_validate({"budget_min": "50万", "budget_max": "10万"})

    def test_price_negotiable(self) -> None:
        assert achievement_fields(price="面议").price is None


class TestLifecycle:
    def test_submit_return_fix_resubmit_publish(
        self, session: Session, author: User, reviewer: User
    ) -> None:
        listing = service.create(
            session, Actor(user=author), ListingKind.ACHIEVEMENT, achievement_fields()
        )
        service.submit(session, Actor(user=author), listing)
        assert listing.status == ListingStatus.SUBMITTED

        service.return_(session, Actor(user=reviewer), listing, "no_advantage", "请量化经济效益")
        assert listing.status == ListingStatus.RETURNED
        note = session.scalars(select(Notification).where(Notification.user_id == author.id)).one()
        assert "被退回修改" in note.title and "请量化经济效益" in note.body

        service.update(
            session,
            Actor(user=author),
            listing,
            AchievementFields(economic_benefit="年增效500万元"),
        )
        service.submit(session, Actor(user=author), listing)
        service.publish(session, Actor(user=reviewer), listing)
        assert listing.status == ListingStatus.PUBLISHED
        assert listing.expires_at is not None and listing.expires_at > utcnow() + timedelta(
            days=300
        )
        history = [v.status for v in service.versions(session, Actor(user=author), listing)]
        assert history == ["published", "submitted", "returned", "returned", "submitted", "draft"]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "achievement")
        ).all()
        assert "achievement.return" in actions and "achievement.publish" in actions
        assert session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "search.index")
        ).first()

    def test_submit_lists_every_missing_field(self, session: Session, author: User) -> None:
        listing = service.create(
            session,
            Actor(user=author),
            ListingKind.ACHIEVEMENT,
            AchievementFields(title="一项尚未写完的成果", summary="简介写了十个字以上吧"),
        )
        with pytest.raises(InvalidInput) as info:
            service.submit(session, Actor(user=author), listing)
        assert set(info.value.errors) == {
            "field_code",
            "maturity",
            "transfer_modes",
            "advantages",
            "contact_phone",
        }

    def test_return_needs_a_known_reason(
        self, session: Session, author: User, reviewer: User
    ) -> None:
        listing = make_listing(session, author.org, author, status=ListingStatus.SUBMITTED)  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            service.return_(session, Actor(user=reviewer), listing, "bogus", "")
        with pytest.raises(InvalidInput, match="写明原因"):
            service.return_(session, Actor(user=reviewer), listing, "other", " ")

    def test_reviewer_of_another_district_is_refused(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author, status=ListingStatus.SUBMITTED)
        other = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        with pytest.raises(PermissionDenied):
            service.publish(session, Actor(user=other), listing)

    def test_editing_a_published_listing_sends_it_back_to_review(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author)
        service.update(
            session,
            Actor(user=author),
            listing,
            AchievementFields(summary="更新后的简介，补充了应用案例。"),
        )
        assert listing.status == ListingStatus.SUBMITTED

    def test_closed_cannot_be_edited(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author)
        service.close(session, Actor(user=author), listing, "transferred", "已与某企业签约")
        assert listing.close_reason == "已完成转化或签约：已与某企业签约"
        with pytest.raises(Conflict):
            service.update(
                session, Actor(user=author), listing, AchievementFields(title="再改一下标题")
            )


class TestExpiry:
    def test_reminder_then_expiry_then_renew(
        self, session: Session, author: User, university: Organization
    ) -> None:
        soon = make_listing(session, university, author, expires_at=utcnow() + timedelta(days=3))
        gone = make_listing(session, university, author, expires_at=utcnow() - timedelta(hours=1))
        assert service.expire_and_remind(session, SYSTEM) == (1, 1)
        assert gone.status == ListingStatus.EXPIRED and soon.reminded_at is not None
        assert service.expire_and_remind(session, SYSTEM) == (0, 0)  # reminded once only
        titles = session.scalars(
            select(Notification.title).where(Notification.user_id == author.id)
        ).all()
        assert any("即将到期" in t for t in titles) and any("已到期下架" in t for t in titles)

        service.renew(session, Actor(user=author), gone)
        assert gone.status == ListingStatus.PUBLISHED
        assert gone.expires_at is not None and gone.expires_at > utcnow() + timedelta(days=360)

    def test_reminder_mail_names_the_listing(
        self, session: Session, author: User, university: Organization
    ) -> None:
        soon = make_listing(session, university, author, expires_at=utcnow() + timedelta(days=3))
        service.expire_and_remind(session, SYSTEM)
        (mail,) = [
            m.payload
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.topic == "mail.send")
            )
            if m.payload["to"] == author.email
        ]
        assert f"“{soon.title}”将于 {local_date(soon.expires_at)} 到期下架" in mail["body"]


class TestDisclosure:
    def test_public_sees_summary_only(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author)
        out = service.view(session, listing, None)
        assert not out.detail_visible
        assert "contact_phone" not in out.data and "description" not in out.data
        assert out.data["price_text"] == "80万元"

    def test_verified_org_user_sees_contacts_and_is_logged(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author)
        buyer_org = make_org(session, name="长春买方企业")
        buyer = make_user(session, org=buyer_org)
        out = service.view(session, listing, buyer)
        assert out.detail_visible and out.data["contact_phone"] == "0431-88888888"
        session.flush()
        views = service.contact_views(session, Actor(user=author), listing)
        assert [(v.viewer_id, v.viewer_org_id) for v in views] == [(buyer.id, buyer_org.id)]
        service.view(session, listing, author)  # the owner's own views are not logged
        service.view(session, listing, buyer)  # a reload the same day is the same visit
        session.flush()
        assert len(session.scalars(select(ContactView)).all()) == 1

    def test_unverified_org_user_does_not_see_detail(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author)
        stranger = make_user(session, org=make_org(session, status=OrgStatus.PENDING))
        assert not service.view(session, listing, stranger).detail_visible

    def test_confidential_until_granted(
        self, session: Session, author: User, university: Organization
    ) -> None:
        listing = make_listing(session, university, author, confidential=["economic_benefit"])
        buyer = make_user(session, org=make_org(session))
        out = service.view(session, listing, buyer)
        assert out.hidden_sections == ["economic_benefit"] and "economic_benefit" not in out.data
        request = service.request_access(session, Actor(user=buyer), listing, "拟洽谈许可")
        with pytest.raises(Conflict):
            service.request_access(session, Actor(user=buyer), listing, "再次申请")
        service.decide_access(session, Actor(user=author), listing, request.id, grant=True)
        out = service.view(session, listing, buyer)
        assert out.hidden_sections == [] and out.data["economic_benefit"] == "年节约成本约200万元"

    def test_unpublished_is_404_for_strangers(
        self, session: Session, author: User, university: Organization
    ) -> None:
        draft = make_listing(session, university, author, status=ListingStatus.DRAFT)
        with pytest.raises(NotFound):
            service.get(session, draft.id, None)
        assert service.get(session, draft.id, author).id == draft.id


def test_challenge_needs_reward_and_deadline(session: Session) -> None:
    company = make_org(session)
    boss = make_user(session, org=company, org_role=OrgRole.ADMIN)
    with pytest.raises(InvalidInput) as info:
        service.create(
            session,
            Actor(user=boss),
            ListingKind.CHALLENGE,
            ChallengeFields(title="车规级激光雷达窗口片", summary="征集高透过率耐候镀膜技术方案"),
        )
    assert "reward" in info.value.errors
    data = ChallengeFields(
        title="车规级激光雷达窗口片",
        summary="征集高透过率耐候镀膜技术方案",
        reward=Decimal(500000),
        application_deadline=date.today() - timedelta(days=1),
    )
    with pytest.raises(InvalidInput, match="揭榜截止日期不能早于今天"):
        service.create(session, Actor(user=boss), ListingKind.CHALLENGE, data)


def test_deadlines_are_checked_against_the_citys_date(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 16:30 UTC on 1 March is already 2 March in Changchun.
    monkeypatch.setattr("app.core.clock.utcnow", lambda: datetime(2031, 3, 1, 16, 30, tzinfo=UTC))
    company = make_org(session)
    boss = make_user(session, org=company, org_role=OrgRole.ADMIN)
    data = ChallengeFields(
        title="车规级激光雷达窗口片",
        summary="征集高透过率耐候镀膜技术方案",
        reward=Decimal(500000),
        application_deadline=date(2031, 3, 1),
    )
    with pytest.raises(InvalidInput, match="揭榜截止日期不能早于今天"):
        service.create(session, Actor(user=boss), ListingKind.CHALLENGE, data)
    data.application_deadline = date(2031, 3, 2)
    assert service.create(session, Actor(user=boss), ListingKind.CHALLENGE, data).id


def test_listing_rows_are_polymorphic(
    session: Session, author: User, university: Organization
) -> None:
    make_listing(session, university, author, kind=ListingKind.DEMAND)
    kinds = {type(x).__name__ for x in session.scalars(select(Listing))}
    assert kinds == {"Demand"}


def test_header_shows_unread_notifications(
    client: object, session: Session, author: User, reviewer: User, university: Organization
) -> None:
    from fastapi.testclient import TestClient

    from tests.factories.fixtures import login

    assert isinstance(client, TestClient)
    listing = make_listing(session, university, author, status=ListingStatus.SUBMITTED)
    service.publish(session, Actor(user=reviewer), listing)
    session.commit()
    login(client, author)
    assert '<span class="badge-count">1</span>' in client.get("/").text
    client.get("/me/notifications")
    assert "badge-count" not in client.get("/").text


def test_saving_without_reward_is_a_clear_error(session: Session) -> None:
    company = make_org(session)
    boss = make_user(session, org=company, org_role=OrgRole.ADMIN)
    challenge = make_listing(
        session, company, boss, kind=ListingKind.CHALLENGE, status=ListingStatus.DRAFT
    )
    with pytest.raises(InvalidInput) as info:
        service.update(session, Actor(user=boss), challenge, ChallengeFields(reward=None))
    assert info.value.errors == {"reward": "请填写榜单奖励金额"}


def test_detail_page_tells_the_requester_where_the_request_stands(
    client: object, session: Session, author: User, university: Organization
) -> None:
    from fastapi.testclient import TestClient

    from tests.factories.fixtures import login

    assert isinstance(client, TestClient)
    listing = make_listing(session, university, author, confidential=["economic_benefit"])
    buyer = make_user(session, org=make_org(session))
    request = service.request_access(session, Actor(user=buyer), listing, "拟洽谈许可")
    session.commit()
    login(client, buyer)
    page = client.get(f"/achievements/{listing.id}").text
    assert "已提交申请，等待发布方授权" in page and "申请说明" not in page
    service.decide_access(session, Actor(user=author), listing, request.id, grant=False)
    session.commit()
    page = client.get(f"/achievements/{listing.id}").text
    assert "发布方未同意上次的申请" in page and "申请说明" in page
