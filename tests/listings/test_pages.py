"""The catalogue's pages: browsing, disclosure, forms, review and the owner's tools."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.core.indexing import index_later
from app.core.notifications import unread_count
from app.models import Listing, Organization, User
from app.models.enums import ListingKind, ListingStatus, MaturityStage, OrgStatus, OrgType, Role
from search import embedded_query
from search.base import SearchBackend
from search.embedded import EmbeddedBackend
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.factories.listings import make_listing
from tests.listings.test_attachments import PDF, PNG


def _published(session: Session, org: Organization, owner: User, **fields: object) -> Listing:
    listing = make_listing(session, org, owner, **fields)  # type: ignore[arg-type]
    index_later(session, listing.kind.value, listing.id)
    session.commit()
    return listing


def _post(client: TestClient, path: str, data: dict[str, object], form_page: str = "/") -> str:
    token = page_csrf(client, form_page)
    response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)
    return response.text


ACHIEVEMENT_FORM = {
    "title": "低温等离子体杀菌技术",
    "summary": "利用低温等离子体在常温下快速杀灭食品表面微生物，不留残留。",
    "field_code": "F1001",
    "maturity": "pilot",
    "transfer_modes": ["license", "equity"],
    "price": "50万",
    "advantages": "杀菌率99.9%，能耗比传统热杀菌低60%",
    "description": "核心是介质阻挡放电装置……",
    "contact_name": "赵老师",
    "contact_phone": "0431-85099999",
    "ip_items-0-type": "patent",
    "ip_items-0-number": "ZL202310000001.X",
    "ip_items-0-title": "一种等离子体杀菌装置",
}


class TestPublishAndReviewJourney:
    def test_draft_submit_return_fix_publish_then_listed(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        member: User,
        platform_admin: User,
    ) -> None:
        login(client, member)
        form = client.get("/achievements/new")
        assert form.status_code == 200
        assert "保存草稿" in form.text and "保存并提交审核" in form.text
        token = page_csrf(client, "/achievements/new")
        draft = {**ACHIEVEMENT_FORM, "advantages": "", "action": "draft"}
        response = client.post(
            "/achievements/new", data={**draft, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303
        url = response.headers["location"]
        listing_id = int(url.rsplit("/", 1)[1])
        page = client.get(url).text
        assert "草稿" in page and "提交审核前还需完成" in page and "技术优势" in page

        # Submitting with a required field empty sends the owner to the form with the reason.
        text = _post(client, f"{url}/submit", {}, url)
        assert "技术优势" in text and "还有必填内容未完成" in text
        token = page_csrf(client, f"{url}/edit")
        response = client.post(
            f"{url}/edit",
            data={**ACHIEVEMENT_FORM, "action": "submit", "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "待审核" in client.get(url).text

        # The reviewer returns it with a reason from the list.
        client.cookies.clear()
        login(client, platform_admin)
        queue = client.get("/admin/listings").text
        assert "低温等离子体杀菌技术" in queue
        text = _post(
            client,
            f"{url}/return",
            {"reason_code": "price", "reason_text": "价格请给出依据", "back": "/admin/listings"},
            "/admin/listings",
        )
        assert "已退回修改" in text
        assert "低温等离子体杀菌技术" not in client.get("/admin/listings").text

        # The owner sees the reason, fixes the listing and sends it back.
        client.cookies.clear()
        login(client, member)
        page = client.get(url).text
        assert "价格或预算明显不合理" in page and "价格请给出依据" in page
        mine = client.get("/me/listings?status=returned").text
        assert "低温等离子体杀菌技术" in mine and "价格请给出依据" in mine
        edit = client.get(f"{url}/edit").text
        assert "审核退回" in edit and "价格或预算明显不合理" in edit
        assert 'value="50万元"' in edit  # input preserved as saved
        token = page_csrf(client, f"{url}/edit")
        fixed = {**ACHIEVEMENT_FORM, "price": "30万", "action": "submit", "csrf_token": token}
        assert client.post(f"{url}/edit", data=fixed, follow_redirects=False).status_code == 303
        assert unread_count(session, member) >= 1
        notes = client.get("/me/notifications").text
        assert "被退回修改" in notes
        assert unread_count(session, member) == 0

        # The reviewer publishes; the listing appears in the list, detail and home page.
        client.cookies.clear()
        login(client, platform_admin)
        text = _post(client, f"{url}/publish", {"back": "/admin/listings"}, "/admin/listings")
        assert "已审核通过并发布" in text
        outbox.drain(session_factory)
        client.cookies.clear()
        listed = client.get("/achievements").text
        assert "低温等离子体杀菌技术" in listed and "30万元" in listed and "中试" in listed
        detail = client.get(f"/achievements/{listing_id}").text
        assert "低温等离子体杀菌技术" in detail and "30万元" in detail
        assert "登录并加入已认证机构后可查看详情和联系方式" in detail
        assert "低温等离子体杀菌技术" in client.get("/").text

    def test_unverified_org_sees_why_it_cannot_publish(
        self, client: TestClient, session: Session
    ) -> None:
        pending = make_org(session, name="待认证科技有限公司", status=OrgStatus.PENDING)
        user = make_user(session, org=pending)
        session.commit()
        login(client, user)
        page = client.get("/demands/new")
        assert page.status_code == 200
        assert "尚未通过平台认证" in page.text and "待认证科技有限公司" in page.text
        assert "保存草稿" not in page.text
        token = page_csrf(client, "/me")
        refused = client.post(
            "/demands/new",
            data={
                "title": "某需求名称",
                "summary": "一段足够长的需求简介文字",
                "csrf_token": token,
            },
        )
        assert refused.status_code == 403
        assert "尚未通过平台认证" in refused.text

    def test_anonymous_cannot_open_the_form(self, client: TestClient) -> None:
        response = client.get("/challenges/new")
        assert response.status_code == 401
        assert "/login?next=" in response.text


class TestBrowse:
    def test_facets_filter_and_toggle(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        org: Organization,
        member: User,
    ) -> None:
        university = make_org(session, name="长春某大学", org_type=OrgType.UNIVERSITY)
        teacher = make_user(session, org=university)
        _published(session, org, member, title="激光熔覆修复技术", maturity=MaturityStage.PILOT)
        _published(
            session,
            university,
            teacher,
            title="钙钛矿电池封装工艺",
            maturity=MaturityStage.LAB,
            price=None,
        )
        outbox.drain(session_factory)
        page = client.get("/achievements").text
        assert "激光熔覆修复技术" in page and "钙钛矿电池封装工艺" in page
        assert "成熟度" in page and "实验室" in page and "机构类型" in page
        lab = client.get("/achievements", params={"maturity": "实验室"}).text
        assert "钙钛矿电池封装工艺" in lab and "激光熔覆修复技术" not in lab
        assert "已选条件" in lab and "面议" in lab
        both = client.get(
            "/achievements", params=[("maturity", "实验室"), ("maturity", "中试")]
        ).text
        assert "钙钛矿电池封装工艺" in both and "激光熔覆修复技术" in both
        # The active facet links back to the list without it; another one adds itself.
        assert 'href="/achievements"' in lab
        kept, added = urlencode({"maturity": "实验室"}), urlencode({"maturity": "中试"})
        assert f'href="/achievements?{kept}&amp;{added}"' in lab
        by_type = client.get("/achievements", params={"org_type": "高校"}).text
        assert "钙钛矿电池封装工艺" in by_type and "激光熔覆修复技术" not in by_type
        searched = client.get("/achievements", params={"q": "激光熔覆"}).text
        assert "激光熔覆修复技术" in searched and "钙钛矿电池封装工艺" not in searched

    def test_pagination(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        org: Organization,
        member: User,
    ) -> None:
        for n in range(14):
            _published(session, org, member, kind=ListingKind.DEMAND, title=f"技术需求第{n:02d}号")
        outbox.drain(session_factory)
        first = client.get("/demands").text
        assert "共 14 条" in first and "第 1 / 2 页" in first
        assert first.count("listing-card") >= 12
        assert 'href="/demands?page=2"' in first
        second = client.get("/demands?page=2").text
        assert "第 2 / 2 页" in second and "上一页" in second
        titles = set(re.findall(r"技术需求第\d+号", first)) | set(
            re.findall(r"技术需求第\d+号", second)
        )
        assert len(titles) == 14

    def test_an_estimated_total_says_about(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        org: Organization,
        member: User,
        search_backend: SearchBackend,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        if not isinstance(search_backend, EmbeddedBackend):
            pytest.skip("only the embedded backend estimates counts")
        for n in range(8):
            _published(session, org, member, kind=ListingKind.DEMAND, title=f"焊接变形控制{n}号")
        outbox.drain(session_factory)
        exact = client.get("/demands", params={"q": "焊接"}).text
        assert "共 8 条" in exact and "估算值" not in exact
        # As a very common word in a large catalogue: more matches than are counted exactly.
        # Every match is in the sample, so the estimate is the true count.
        monkeypatch.setattr(embedded_query, "EXACT_LIMIT", 5)
        monkeypatch.setattr(embedded_query, "SAMPLE_SIZE", 1000)
        estimated = client.get("/demands", params={"q": "焊接"}).text
        assert "共约 8 条" in estimated and "数量为估算值" in estimated
        assert '<span class="count">约8</span>' in estimated  # the facet counts too
        api = client.get("/api/v1/demands", params={"q": "焊接"}).json()
        assert api["approximate"] is True and api["total"] == 8

    def test_cards_of_each_kind_show_their_figures(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        org: Organization,
        member: User,
    ) -> None:
        _published(session, org, member, kind=ListingKind.DEMAND)
        deadline = date.today() + timedelta(days=60)
        _published(session, org, member, kind=ListingKind.CHALLENGE, application_deadline=deadline)
        outbox.drain(session_factory)
        demands = client.get("/demands").text
        assert "20万元–50万元" in demands
        challenges = client.get("/challenges").text
        assert "80万元" in challenges and deadline.isoformat() in challenges

    def test_empty_list_says_what_to_do(self, client: TestClient) -> None:
        page = client.get("/challenges").text
        assert "还没有已发布的揭榜挂帅" in page and "/register" in page

    def test_degraded_notice_when_search_is_down(
        self,
        client: TestClient,
        session: Session,
        org: Organization,
        member: User,
        monkeypatch: object,
    ) -> None:
        from app.core.errors import ServiceUnavailable
        from app.search import service as search_service

        make_listing(session, org, member, title="数据库里的成果")
        session.commit()

        def down(*_args: object, **_kwargs: object) -> None:
            raise ServiceUnavailable("down")

        monkeypatch.setattr(search_service, "search", down)  # type: ignore[attr-defined]
        page = client.get("/achievements").text
        assert "搜索服务暂时不可用" in page and "数据库里的成果" in page


class TestDisclosure:
    def test_stranger_sees_summary_not_details_or_contacts(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member)
        session.commit()
        page = client.get(f"/achievements/{listing.id}").text
        assert "高功率光纤激光焊接头" in page and "焊缝一致性好" in page
        assert "0431-88888888" not in page and "双光束摆动焊接" not in page
        assert "登录并加入已认证机构后可查看详情和联系方式" in page

    def test_verified_user_sees_contacts_and_owner_sees_the_view(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member)
        buyer_org = make_org(session, name="长春买方汽车零部件有限公司")
        buyer = make_user(session, org=buyer_org, name="采购部李经理")
        session.commit()
        login(client, buyer)
        page = client.get(f"/achievements/{listing.id}").text
        assert "0431-88888888" in page and "双光束摆动焊接" in page
        assert "您查看联系方式的记录对发布方可见" in page
        client.cookies.clear()
        login(client, member)
        owner_page = client.get(f"/achievements/{listing.id}").text
        log = owner_page.split("谁查看了联系方式", 1)[1]
        assert "采购部李经理" in log and "长春买方汽车零部件有限公司" in log

    def test_confidential_section_hidden_until_owner_grants(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member, confidential=["economic_benefit"])
        buyer_org = make_org(session, name="长春申请方有限公司")
        buyer = make_user(session, org=buyer_org)
        session.commit()
        url = f"/achievements/{listing.id}"
        login(client, buyer)
        page = client.get(url).text
        assert "年节约成本约200万元" not in page and "保密内容，需发布方授权后查看" in page
        assert "申请查看" in page
        text = _post(client, f"{url}/access-requests", {"message": "有意许可"}, url)
        assert "申请已发送" in text
        again = _post(client, f"{url}/access-requests", {"message": "再次"}, url)
        assert "已经申请过" in again

        client.cookies.clear()
        login(client, member)
        owner_page = client.get(url).text
        assert "长春申请方有限公司" in owner_page and "有意许可" in owner_page
        access_id = re.search(rf"{url}/access-requests/(\d+)/grant", owner_page)
        assert access_id
        text = _post(client, f"{url}/access-requests/{access_id.group(1)}/grant", {}, url)
        assert "已授权该机构查看保密内容" in text

        client.cookies.clear()
        login(client, buyer)
        assert "年节约成本约200万元" in client.get(url).text
        assert "保密内容申请已通过" in client.get("/me/notifications").text

    def test_unpublished_listing_is_not_found_for_others(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        draft = make_listing(session, org, member, status=ListingStatus.DRAFT)
        session.commit()
        assert client.get(f"/achievements/{draft.id}").status_code == 404
        assert client.get(f"/demands/{draft.id}").status_code == 404


class TestForms:
    def test_challenge_errors_are_inline_and_in_chinese(
        self, client: TestClient, member: User
    ) -> None:
        login(client, member)
        token = page_csrf(client, "/challenges/new")
        response = client.post(
            "/challenges/new",
            data={
                "title": "高寒地区氢燃料电池冷启动",
                "summary": "征集零下30度环境下氢燃料电池快速冷启动方案。",
                "field_code": "F0603",
                "reward": "150万",
                "application_deadline": (date.today() + timedelta(days=30)).isoformat(),
                "criteria-0-name": "技术先进性",
                "criteria-0-weight": "50",
                "criteria-1-name": "团队能力",
                "criteria-1-weight": "30",
                "action": "draft",
                "csrf_token": token,
            },
        )
        assert response.status_code == 422
        text = response.text
        assert "榜单奖励最高100万元" in text
        assert "评审标准权重之和应为100，当前为80" in text
        # What was typed is kept.
        assert 'value="高寒地区氢燃料电池冷启动"' in text and 'value="150万"' in text
        assert 'value="团队能力"' in text and 'value="30"' in text

    def test_row_errors_point_at_the_row(self, client: TestClient, member: User) -> None:
        login(client, member)
        token = page_csrf(client, "/challenges/new")
        response = client.post(
            "/challenges/new",
            data={
                "title": "某榜单名称",
                "summary": "一段足够长的榜单简介文字内容",
                "reward": "50万",
                "application_deadline": (date.today() + timedelta(days=30)).isoformat(),
                "criteria-0-name": "技术先进性",
                "criteria-0-weight": "abc",
                "csrf_token": token,
            },
        )
        assert response.status_code == 422
        assert "评审标准第1行：应为整数" in response.text

    def test_blank_title_and_past_deadline(self, client: TestClient, member: User) -> None:
        login(client, member)
        token = page_csrf(client, "/demands/new")
        response = client.post(
            "/demands/new",
            data={"summary": "短", "csrf_token": token},
        )
        assert response.status_code == 422
        assert "需求名称：必填项" in response.text and "需求简介：至少需要10个字符" in response.text
        token = page_csrf(client, "/demands/new")
        response = client.post(
            "/demands/new",
            data={
                "title": "某需求名称",
                "summary": "一段足够长的需求简介文字",
                "budget_min": "50万",
                "budget_max": "20万",
                "csrf_token": token,
            },
        )
        assert response.status_code == 422
        assert "预算下限不能高于上限" in response.text
        token = page_csrf(client, "/demands/new")
        response = client.post(
            "/demands/new",
            data={
                "title": "某需求名称",
                "summary": "一段足够长的需求简介文字",
                "deadline": (date.today() - timedelta(days=1)).isoformat(),
                "csrf_token": token,
            },
        )
        assert response.status_code == 422
        assert "需求截止日期不能早于今天" in response.text

    def test_edit_keeps_other_fields_and_clears_emptied_ones(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member, kind=ListingKind.DEMAND)
        session.commit()
        login(client, member)
        url = f"/demands/{listing.id}"
        form = client.get(f"{url}/edit").text
        assert "保存并重新提交审核" in form and 'value="20万元"' in form
        token = page_csrf(client, f"{url}/edit")
        values = {
            "title": "电池托盘铝合金焊接变形控制",
            "summary": "需要解决6系铝合金电池托盘焊接变形超差的问题。",
            "field_code": "F1102",
            "problem": "焊后平面度超过1.5mm",
            "indicators": "",
            "budget_min": "20万",
            "budget_max": "60万",
            "contact_name": "王工",
            "contact_phone": "0431-88888888",
            "cooperation_modes": ["joint_development", "tech_service"],
            "csrf_token": token,
        }
        response = client.post(f"{url}/edit", data=values, follow_redirects=True)
        assert "修改已保存并重新提交审核" in response.text
        session.refresh(listing)
        assert listing.status == ListingStatus.SUBMITTED
        assert listing.budget_max == Decimal(600000)  # type: ignore[attr-defined]
        assert listing.indicators == ""  # type: ignore[attr-defined]
        assert listing.cooperation_modes == ["joint_development", "tech_service"]  # type: ignore[attr-defined]

    def test_someone_else_cannot_edit(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member)
        other = make_user(session, org=make_org(session))
        session.commit()
        login(client, other)
        assert client.get(f"/achievements/{listing.id}/edit").status_code == 403


class TestOwnerTools:
    def test_my_listings_filters_and_renew(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        expired = make_listing(
            session, org, member, status=ListingStatus.EXPIRED, title="已过期的激光成果"
        )
        make_listing(session, org, member, kind=ListingKind.DEMAND, status=ListingStatus.DRAFT)
        session.commit()
        login(client, member)
        page = client.get("/me/listings").text
        assert "已过期的激光成果" in page and "电池托盘铝合金焊接变形控制" in page
        drafts = client.get("/me/listings?status=draft").text
        assert "电池托盘铝合金焊接变形控制" in drafts and "已过期的激光成果" not in drafts
        demands = client.get("/me/listings?kind=demand").text
        assert "已过期的激光成果" not in demands
        assert f"/achievements/{expired.id}/renew" in page
        text = _post(
            client, f"/achievements/{expired.id}/renew", {"back": "/me/listings"}, "/me/listings"
        )
        assert "已续期，有效期至" in text
        session.refresh(expired)
        assert expired.status == ListingStatus.PUBLISHED

    def test_close_with_reason(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member, kind=ListingKind.CHALLENGE)
        session.commit()
        login(client, member)
        url = f"/challenges/{listing.id}"
        assert "关闭该信息" in client.get(url).text
        text = _post(client, f"{url}/close", {"reason_code": "solved"}, url)
        assert "已关闭" in text and "需求已解决" in text
        text = _post(client, f"{url}/close", {"reason_code": "nonsense"}, url)
        assert "不能执行" in text or "请从列表中选择" in text

    def test_version_history(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        login(client, member)
        token = page_csrf(client, "/achievements/new")
        response = client.post(
            "/achievements/new",
            data={**ACHIEVEMENT_FORM, "action": "draft", "csrf_token": token},
            follow_redirects=False,
        )
        url = response.headers["location"]
        token = page_csrf(client, f"{url}/edit")
        client.post(f"{url}/edit", data={**ACHIEVEMENT_FORM, "price": "60万", "csrf_token": token})
        page = client.get(url).text
        history = page.split("版本记录", 1)[1]
        assert "第 2 版" in history and "创建草稿" in history and "价格" in history

    def test_user_without_org(self, client: TestClient, session: Session) -> None:
        loner = make_user(session)
        session.commit()
        login(client, loner)
        assert "加入机构后" in client.get("/me/listings").text
        assert "还没有加入机构" in client.get("/achievements/new").text


class TestAttachments:
    def test_owner_uploads_image_and_document(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member)
        session.commit()
        url = f"/achievements/{listing.id}"
        login(client, member)
        token = page_csrf(client, url)
        for category, name, body, mime in (
            ("image", "样机照片.png", PNG, "image/png"),
            ("document", "评价报告.pdf", PDF, "application/pdf"),
        ):
            response = client.post(
                f"{url}/attachments",
                data={"category": category, "csrf_token": token},
                files={"file": (name, body, mime)},
            )
            assert f"已上传：{name}" in response.text
        client.cookies.clear()
        page = client.get(url).text
        assert "样机照片.png" in page and "评价报告.pdf" not in page
        image = re.search(r'<img src="(/api/v1/[^"]+)"', page)
        assert image and client.get(image.group(1)).content == PNG

    def test_upload_without_file(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        listing = make_listing(session, org, member)
        session.commit()
        login(client, member)
        url = f"/achievements/{listing.id}"
        text = _post(client, f"{url}/attachments", {"category": "image"}, url)
        assert "请选择要上传的文件" in text


class TestFavourites:
    def test_star_and_unstar(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        org: Organization,
        member: User,
    ) -> None:
        listing = _published(session, org, member, kind=ListingKind.DEMAND)
        outbox.drain(session_factory)
        viewer = make_user(session, org=make_org(session))
        session.commit()
        assert "☆ 收藏" not in client.get("/demands").text
        login(client, viewer)
        assert "☆ 收藏" in client.get("/demands").text
        assert "还没有收藏" in client.get("/me/favourites").text
        text = _post(client, f"/demands/{listing.id}/favourite", {"on": "1", "back": "/demands"})
        assert "已收藏" in text and "★ 已收藏" in text
        assert "电池托盘铝合金焊接变形控制" in client.get("/me/favourites").text
        text = _post(
            client, f"/demands/{listing.id}/favourite", {"on": "0", "back": "/me/favourites"}
        )
        assert "已取消收藏" in text and "还没有收藏" in text


class TestReviewQueue:
    def test_only_staff_and_district_scope(
        self, client: TestClient, session: Session, org: Organization, member: User
    ) -> None:
        make_listing(session, org, member, status=ListingStatus.SUBMITTED, title="本区待审成果")
        other_org = make_org(session, region_code="220102")
        make_listing(
            session, other_org, member, status=ListingStatus.SUBMITTED, title="外区待审成果"
        )
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220173")
        session.commit()
        login(client, member)
        assert client.get("/admin/listings").status_code == 403
        client.cookies.clear()
        login(client, district)
        page = client.get("/admin/listings").text
        assert "本区待审成果" in page and "外区待审成果" not in page
        assert "信息审核" in page and "退回" in page
        dashboard = client.get("/admin").text
        assert re.search(r'data-figure="listings-pending">1<', dashboard)

    def test_return_needs_a_reason(
        self,
        client: TestClient,
        session: Session,
        org: Organization,
        member: User,
        platform_admin: User,
    ) -> None:
        listing = make_listing(session, org, member, status=ListingStatus.SUBMITTED)
        session.commit()
        login(client, platform_admin)
        url = f"/achievements/{listing.id}"
        assert "审核通过并发布" in client.get(url).text
        text = _post(client, f"{url}/return", {"reason_code": "other"}, url)
        assert "选择“其他”时请写明原因" in text
        session.refresh(listing)
        assert listing.status == ListingStatus.SUBMITTED


def test_home_shows_latest_listings_and_counts(
    client: TestClient, session: Session, org: Organization, member: User
) -> None:
    make_listing(session, org, member, title="首页展示的成果")
    make_listing(session, org, member, status=ListingStatus.DRAFT, title="首页不展示的草稿")
    session.commit()
    page = client.get("/").text
    assert "首页展示的成果" in page and "首页不展示的草稿" not in page
    assert re.search(r'data-figure="achievements">1<', page)
    assert re.search(r'data-figure="challenges">0<', page)
