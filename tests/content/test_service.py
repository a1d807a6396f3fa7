"""信息发布's rules: review before publication, scheduling and expiry, versions, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from app.content import policy, service
from app.content.schemas import ContentCreate, ContentFields
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.core.pagination import Pagination
from app.models import AuditEvent, ContentItem, User
from app.models.enums import ContentKind, ContentStatus, Role
from tests.factories.accounts import make_user
from tests.factories.content import make_draft, make_published, publish

S = ContentStatus


@pytest.fixture
def writer(session: Session) -> User:
    return make_user(session, role=Role.PLATFORM_ADMIN, name="编辑甲")


@pytest.fixture
def reviewer(session: Session) -> User:
    return make_user(session, role=Role.PLATFORM_ADMIN, name="审核乙")


def _public_titles(session: Session, kind: ContentKind = ContentKind.NEWS) -> list[str]:
    return [i.title for i in service.public_page(session, kind, Pagination()).items]


class TestReview:
    def test_a_draft_is_public_only_after_approval(
        self, session: Session, writer: User, reviewer: User
    ) -> None:
        item = make_draft(session, writer, title="净月高新区新增三家新型研发机构")
        assert item.status == S.DRAFT
        assert "净月高新区新增三家新型研发机构" not in _public_titles(session)
        with pytest.raises(NotFound):
            service.get(session, None, item.id)
        service.submit(session, Actor(user=writer), item)
        assert item.status == S.IN_REVIEW
        service.approve(session, Actor(user=reviewer), item, "同意")
        assert item.status == S.PUBLISHED and item.published_at is not None
        assert item.reviewer_id == reviewer.id
        assert _public_titles(session) == ["净月高新区新增三家新型研发机构"]
        assert service.get(session, None, item.id) is item

    def test_the_author_cannot_approve_their_own_article(
        self, session: Session, writer: User
    ) -> None:
        item = make_draft(session, writer)
        service.submit(session, Actor(user=writer), item)
        with pytest.raises(PermissionDenied, match="不能审核自己撰写的信息"):
            service.approve(session, Actor(user=writer), item)

    def test_approving_twice_is_a_conflict_naming_the_state(
        self, session: Session, writer: User, reviewer: User
    ) -> None:
        item = publish(session, make_draft(session, writer), reviewer)
        with pytest.raises(Conflict, match="当前状态为“已发布”"):
            service.approve(session, Actor(user=reviewer), item)

    def test_return_needs_a_reason_and_the_author_can_resubmit(
        self, session: Session, writer: User, reviewer: User
    ) -> None:
        item = make_draft(session, writer)
        service.submit(session, Actor(user=writer), item)
        with pytest.raises(InvalidInput):
            service.return_for_changes(session, Actor(user=reviewer), item, " ")
        service.return_for_changes(session, Actor(user=reviewer), item, "请补充会议时间")
        assert (item.status, item.review_note) == (S.RETURNED, "请补充会议时间")
        service.update(session, Actor(user=writer), item, ContentFields(summary="12月1日召开"))
        service.submit(session, Actor(user=writer), item)
        assert item.status == S.IN_REVIEW

    def test_an_empty_draft_cannot_be_submitted(self, session: Session, writer: User) -> None:
        item = make_draft(session, writer, summary="", body_html="")
        with pytest.raises(InvalidInput, match="还没有内容"):
            service.submit(session, Actor(user=writer), item)

    def test_editing_a_published_article_sends_it_back_to_review(
        self, session: Session, writer: User, reviewer: User
    ) -> None:
        item = publish(session, make_draft(session, writer), reviewer)
        service.update(session, Actor(user=writer), item, ContentFields(title="推进会（更正）"))
        assert item.status == S.IN_REVIEW
        assert _public_titles(session) == []

    def test_an_outdated_version_is_refused(self, session: Session, writer: User) -> None:
        item = make_draft(session, writer)
        service.update(
            session, Actor(user=writer), item, ContentFields(summary="第二版", version=1)
        )
        with pytest.raises(Conflict, match="已被他人修改"):
            service.update(
                session, Actor(user=writer), item, ContentFields(summary="旧", version=1)
            )

    def test_every_change_is_a_version_and_audited(
        self, session: Session, writer: User, reviewer: User
    ) -> None:
        item = publish(session, make_draft(session, writer), reviewer)
        notes = [v.note for v in service.versions(session, writer, item)]
        assert notes == ["审核通过并发布", "提交审核", "创建草稿"]
        actions = set(
            session.scalars(
                AuditEvent.__table__.select()
                .with_only_columns(AuditEvent.action)
                .where(
                    AuditEvent.object_type == "content_item", AuditEvent.object_id == str(item.id)
                )
            )
        )
        assert actions == {"content.create", "content.submit", "content.approve"}

    def test_body_is_sanitised_when_saved(self, session: Session, writer: User) -> None:
        item = make_draft(
            session, writer, body_html='<p onclick="x()">正文</p><script>alert(1)</script>'
        )
        assert item.body_html == "<p>正文</p>"


class TestScheduling:
    def test_approved_with_a_future_time_waits_then_the_job_publishes_it(
        self, session: Session, writer: User, reviewer: User
    ) -> None:
        at = utcnow() + timedelta(hours=3)
        item = publish(session, make_draft(session, writer, publish_at=at), reviewer)
        assert item.status == S.SCHEDULED and item.published_at is None
        assert _public_titles(session) == []
        assert service.publish_and_expire(session, utcnow() + timedelta(hours=1)) == 0
        assert service.publish_and_expire(session, at + timedelta(seconds=1)) == 1
        assert item.status == S.PUBLISHED and item.published_at == at
        assert len(_public_titles(session)) == 1
        # A second run finds nothing more to do.
        assert service.publish_and_expire(session, at + timedelta(minutes=5)) == 0

    def test_an_expired_article_leaves_the_lists_at_once_and_the_job_records_it(
        self, session: Session
    ) -> None:
        ends = utcnow() + timedelta(days=1)
        item = make_published(session, expires_at=ends)
        assert len(_public_titles(session)) == 1
        session.flush()
        item.expires_at = utcnow() - timedelta(minutes=1)  # time passes
        assert _public_titles(session) == []
        assert service.publish_and_expire(session) == 1
        assert item.status == S.EXPIRED

    def test_expiry_must_follow_publication(self, session: Session, writer: User) -> None:
        at = utcnow() + timedelta(days=2)
        with pytest.raises(InvalidInput) as error:
            make_draft(session, writer, publish_at=at, expires_at=at - timedelta(days=1))
        assert "expires_at" in error.value.field_errors()


class TestLists:
    def test_pinned_first_then_newest_and_filters(self, session: Session) -> None:
        old = make_published(session, title="旧闻", topics=["汽车"], region_code="220173")
        old.published_at = utcnow() - timedelta(days=400)
        make_published(session, title="新闻", topics=["光电信息"])
        pinned = make_published(session, title="置顶通知", pinned=True)
        pinned.published_at = utcnow() - timedelta(days=30)
        assert _public_titles(session) == ["置顶通知", "新闻", "旧闻"]
        by_topic = service.public_page(session, ContentKind.NEWS, Pagination(), topic="汽车")
        assert [i.title for i in by_topic.items] == ["旧闻"]
        by_region = service.public_page(
            session, ContentKind.NEWS, Pagination(), region_code="220173"
        )
        assert [i.title for i in by_region.items] == ["旧闻"]
        year = (utcnow() - timedelta(days=400)).year
        by_year = service.public_page(session, ContentKind.NEWS, Pagination(), year=year)
        assert "旧闻" in [i.title for i in by_year.items]

    def test_open_calls_exclude_closed_ones(self, session: Session) -> None:
        from app.core.clock import today

        make_published(
            session, ContentKind.CALL, title="正在申报", closes_on=today() + timedelta(days=5)
        )
        make_published(
            session, ContentKind.CALL, title="已截止", closes_on=today() - timedelta(days=1)
        )
        assert [c.title for c in service.open_calls(session)] == ["正在申报"]

    def test_call_dates_only_on_calls(self, session: Session, writer: User) -> None:
        from app.core.clock import today

        with pytest.raises(InvalidInput):
            make_draft(session, writer, ContentKind.NEWS, closes_on=today())


class TestPermissions:
    def test_district_admin_writes_for_their_district_only(self, session: Session) -> None:
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        item = make_draft(session, district)
        assert item.region_code == "220191"
        with pytest.raises(PermissionDenied):
            service.update(session, Actor(user=district), item, ContentFields(region_code="220173"))
        with pytest.raises(PermissionDenied):
            make_draft(session, district, ContentKind.POLICY)

    def test_district_admin_cannot_review(self, session: Session) -> None:
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        other = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        item = make_draft(session, district)
        service.submit(session, Actor(user=district), item)
        with pytest.raises(PermissionDenied, match="仅平台管理员可以审核"):
            service.approve(session, Actor(user=other), item)

    def test_ordinary_users_cannot_write(self, session: Session) -> None:
        user = make_user(session)
        with pytest.raises(PermissionDenied):
            service.create(
                session, Actor(user=user), ContentCreate(kind=ContentKind.NEWS, title="自荐新闻")
            )
        with pytest.raises(PermissionDenied):
            service.staff_page(session, user, Pagination())

    def test_drafts_are_visible_to_their_writers_only(self, session: Session) -> None:
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        elsewhere = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        item = make_draft(session, district)
        assert service.get(session, district, item.id) is item
        for viewer in (None, make_user(session), elsewhere):
            with pytest.raises(NotFound):
                service.get(session, viewer, item.id)


class TestSeedPolicy:
    def test_the_policy_has_thirty_addressable_clauses(self, session: Session) -> None:
        item = service.load_seed_policy(session)
        assert item.status == S.PUBLISHED and item.kind == ContentKind.POLICY
        assert [c.number for c in item.clauses] == list(range(1, 31))
        clause15 = item.clauses[14]
        assert clause15.heading == "鼓励科技成果输出单位"
        assert "按技术合同（协议）金额3%" in clause15.text
        assert clause15.chapter == "五、加大科技成果转化奖补力度"
        assert service.clause_url(session, 15) == f"/policies/{item.id}#item-15"
        # Loading again changes nothing.
        assert service.load_seed_policy(session) is item
        assert session.query(ContentItem).filter_by(kind=ContentKind.POLICY).count() == 1

    def test_unknown_clause_is_not_found(self, session: Session) -> None:
        service.load_seed_policy(session)
        with pytest.raises(NotFound, match="第31条"):
            service.clause_url(session, 31)

    def test_parser_keeps_items_that_span_lines(self) -> None:
        text = "标题\n一、第一章\n1.甲项。内容\n续行\n2.乙项。\n二、第二章\n3.丙项。"
        parsed = policy.parse(text)
        assert [(c.number, c.chapter, c.heading) for c in parsed.clauses] == [
            (1, "一、第一章", "甲项"),
            (2, "一、第一章", "乙项"),
            (3, "二、第二章", "丙项"),
        ]
        assert parsed.clauses[0].text == "甲项。内容续行"


class TestStories:
    def test_a_story_links_to_existing_records_only(self, session: Session, writer: User) -> None:
        with pytest.raises(InvalidInput) as error:
            make_draft(session, writer, ContentKind.STORY, listing_id=987654, contract_id=987654)
        assert set(error.value.field_errors()) >= {"listing_id", "contract_id"}
