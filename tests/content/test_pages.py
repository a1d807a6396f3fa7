"""The public sections, the policy's clause anchors, feeds, sitemap and the staff desk."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.content import service
from app.core import outbox
from app.core.db import utcnow
from app.models import ContentItem, User
from app.models.enums import ContentKind, ContentStatus, Role
from tests.factories.accounts import make_user
from tests.factories.content import make_draft, make_published
from tests.factories.fixtures import csrf_from, login


class TestPublicSections:
    def test_lists_show_published_items_and_hide_drafts(
        self, client: TestClient, session: Session
    ) -> None:
        make_published(session, title="长春新区召开科技成果转化推进会", topics=["成果转化"])
        make_draft(session, make_user(session, role=Role.PLATFORM_ADMIN), title="未发布的草稿")
        html = client.get("/news").text
        assert "长春新区召开科技成果转化推进会" in html and "未发布的草稿" not in html
        assert 'href="/feeds/news.atom"' in html
        assert "暂无通知公告" in client.get("/notices").text
        for path in ("/policies", "/calls", "/stories"):
            assert client.get(path).status_code == 200

    def test_detail_page_and_wrong_section(self, client: TestClient, session: Session) -> None:
        item = make_published(session, ContentKind.NOTICE, title="关于征集技术需求的通知")
        page = client.get(f"/notices/{item.id}")
        assert page.status_code == 200 and "关于征集技术需求的通知" in page.text
        assert client.get(f"/news/{item.id}").status_code == 404

    def test_a_draft_page_is_not_found_for_the_public(
        self, client: TestClient, session: Session
    ) -> None:
        item = make_draft(session, make_user(session, role=Role.PLATFORM_ADMIN))
        assert client.get(f"/news/{item.id}").status_code == 404

    def test_stored_body_is_rendered_as_sanitised_html(
        self, client: TestClient, session: Session
    ) -> None:
        item = make_published(
            session, body_html='<p>正文<strong>加粗</strong></p><img src="x" onerror="alert(1)">'
        )
        html = client.get(f"/news/{item.id}").text
        assert "<strong>加粗</strong>" in html and "onerror" not in html


class TestSectionSearch:
    def test_news_and_policy_search_counts_type_year_and_district(
        self, client: TestClient, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        make_published(
            session,
            title="长春新区科技成果转化对接会举行",
            region_code="220191",
            topics=["成果转化"],
        )
        make_published(session, title="全市科技成果转化工作会议召开")
        service.load_seed_policy(session)
        session.commit()
        outbox.drain(session_factory)
        listing = client.get("/policies").text
        assert 'action="/search"' in listing
        assert 'name="type" value="policy"' in listing
        assert 'name="type" value="policy_clause"' in listing
        html = client.get("/search", params={"q": "科技成果转化", "type": ["news", "policy"]}).text
        facets = html.split('id="filters"', 1)[1].split("</aside>", 1)[0]
        for heading in ("<h2>类型</h2>", "<h2>年份</h2>", "<h2>区域</h2>"):
            assert heading in facets
        assert "新闻动态</a>" in facets and "政策文件</a>" in facets and "政策条款</a>" in facets
        assert f"{utcnow().year}年</a>" in facets and "长春新区</a>" in facets
        narrowed = client.get(
            "/search", params={"q": "科技成果转化", "type": ["news"], "region": "长春新区"}
        ).text
        assert "对接会举行" in narrowed and "工作会议召开" not in narrowed


class TestPolicyClauses:
    def test_each_clause_has_an_anchor_and_what_the_platform_offers(
        self, client: TestClient, session: Session
    ) -> None:
        item = service.load_seed_policy(session)
        html = client.get(f"/policies/{item.id}").text
        for n in range(1, 31):
            assert f'id="item-{n}"' in html
        clause15 = html.split('id="item-15"', 1)[1].split("</section>", 1)[0]
        assert "鼓励科技成果输出单位" in clause15
        assert "本条可在线办理" in clause15
        assert '<a href="/incentives/quote?item=15">按本条测算奖补</a>' in clause15

    def test_clauses_list_the_service_hall_items_that_cite_them(
        self, client: TestClient, session: Session
    ) -> None:
        item = service.load_seed_policy(session)
        html = client.get(f"/policies/{item.id}").text

        def clause(n: int) -> str:
            return html.split(f'id="item-{n}"', 1)[1].split("</section>", 1)[0]

        assert '本条可在线办理：<a href="/services/items/KJCXQ">科技创新券申领</a>' in clause(23)
        assert '<a href="/services/items/GQRDBT">高新技术企业认定补贴</a>' in clause(20)
        assert '<a href="/services/items/CGZHJB">科技成果转化奖补申领</a>' in clause(15)
        assert "/services/items/" not in clause(14)

    def test_service_hall_items_link_the_clause_they_rest_on(self, client: TestClient) -> None:
        assert '<a href="/policies/clauses/23">政策第二十三条</a>' in client.get("/services").text
        guide = client.get("/services/items/GQRDBT").text
        assert '<a href="/policies/clauses/20">政策第二十条</a>' in guide

    def test_clause_link_finds_the_policy(self, client: TestClient, session: Session) -> None:
        item = service.load_seed_policy(session)
        response = client.get("/policies/clauses/19", follow_redirects=False)
        assert response.headers["location"] == f"/policies/{item.id}#item-19"
        assert client.get("/policies/clauses/99").status_code == 404

    def test_reward_rules_cite_and_link_their_clause(
        self, client: TestClient, session: Session
    ) -> None:
        rules = client.get("/api/v1/incentives/rules").json()["items"]
        assert rules and all(r["clause_url"] == f"/policies/clauses/{r['item_no']}" for r in rules)
        calculator = client.get("/incentives/quote").text
        for n in (9, 15, 19):
            assert f'<a href="/policies/clauses/{n}">{n}</a>' in calculator


class TestFeeds:
    def test_rss_and_atom_list_the_latest_items(self, client: TestClient, session: Session) -> None:
        first = make_published(session, title="第一条新闻")
        first.published_at = utcnow() - timedelta(days=1)
        make_published(session, title="第二条新闻")
        rss = client.get("/feeds/news.rss")
        assert rss.headers["content-type"].startswith("application/rss+xml")
        channel = ET.fromstring(rss.content).find("channel")
        assert channel is not None
        titles = [i.findtext("title") for i in channel.findall("item")]
        assert titles == ["第二条新闻", "第一条新闻"]
        assert (channel.findtext("link") or "").endswith("/news")
        link = channel.findall("item")[1].findtext("link")
        assert link is not None and link.endswith(f"/news/{first.id}")
        atom = ET.fromstring(client.get("/feeds/news.atom").content)
        ns = {"a": "http://www.w3.org/2005/Atom"}
        assert [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)] == [
            "第二条新闻",
            "第一条新闻",
        ]

    def test_unknown_feed_is_not_found(self, client: TestClient) -> None:
        assert client.get("/feeds/secrets.rss").status_code == 404
        assert client.get("/feeds/news.json").status_code == 404


class TestSitemap:
    def test_lists_published_items_and_sections_only(
        self, client: TestClient, session: Session
    ) -> None:
        item = make_published(session, ContentKind.CALL, title="申报指南")
        draft = make_draft(session, make_user(session, role=Role.PLATFORM_ADMIN))
        policy = service.load_seed_policy(session)
        response = client.get("/sitemap.xml")
        assert response.headers["content-type"].startswith("application/xml")
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locs = [e.text or "" for e in ET.fromstring(response.content).findall("s:url/s:loc", ns)]
        assert any(loc.endswith(f"/calls/{item.id}") for loc in locs)
        assert not any(loc.endswith(f"/news/{draft.id}") for loc in locs)
        assert any(loc.endswith("/policies") for loc in locs)
        # the policy once; its clauses are anchors on that page, not pages of their own
        assert sum(loc.endswith(f"/policies/{policy.id}") for loc in locs) == 1
        assert not any("#" in loc for loc in locs)

    def test_lists_published_listings_and_organisations_too(
        self, client: TestClient, session: Session
    ) -> None:
        from tests.factories.accounts import make_org
        from tests.factories.listings import make_listing

        org = make_org(session, name="长春站点地图科技有限公司")
        listing = make_listing(session, org, make_user(session, org=org))
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        root = ET.fromstring(client.get("/sitemap.xml").content)
        locs = [e.text or "" for e in root.findall("s:url/s:loc", ns)]
        assert any(loc.endswith(f"/orgs/{org.id}") for loc in locs)
        assert any(loc.endswith(f"/{listing.kind.value}s/{listing.id}") for loc in locs)


class TestStaffDesk:
    def test_write_submit_and_approve_through_the_pages(
        self, client: TestClient, session: Session
    ) -> None:
        district = make_user(session, role=Role.DISTRICT_ADMIN, region_code="220191")
        login(client, district)
        form = client.get("/admin/content/new?kind=notice")
        assert form.status_code == 200
        response = client.post(
            "/admin/content/new",
            data={
                "csrf_token": csrf_from(form.text),
                "kind": "notice",
                "title": "新区关于孵化器绩效评价的通知",
                "summary": "请各孵化器按时报送材料。",
                "body_html": '<p>材料清单见附件。</p><a href="javascript:alert(1)">x</a>',
                "topics": "孵化器，绩效评价",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        item = session.query(ContentItem).filter_by(title="新区关于孵化器绩效评价的通知").one()
        assert item.topics == ["孵化器", "绩效评价"]
        assert "javascript" not in item.body_html and item.region_code == "220191"
        edit = client.get(f"/admin/content/{item.id}")
        client.post(
            f"/admin/content/{item.id}/do/submit",
            data={"csrf_token": csrf_from(edit.text)},
        )
        session.refresh(item)
        assert item.status == ContentStatus.IN_REVIEW
        # The district administrator cannot approve; the bureau can.
        assert "审核通过</button>" not in client.get(f"/admin/content/{item.id}").text
        client.get("/logout")
        client.cookies.clear()
        admin = make_user(session, role=Role.PLATFORM_ADMIN)
        login(client, admin)
        edit = client.get(f"/admin/content/{item.id}")
        assert "审核通过</button>" in edit.text
        client.post(
            f"/admin/content/{item.id}/do/approve",
            data={"csrf_token": csrf_from(edit.text), "note": "同意"},
        )
        session.refresh(item)
        assert item.status == ContentStatus.PUBLISHED
        assert "新区关于孵化器绩效评价的通知" in client.get("/notices").text

    def test_the_desk_refuses_ordinary_users(self, client: TestClient, session: Session) -> None:
        login(client, make_user(session))
        assert client.get("/admin/content").status_code == 403

    def test_invalid_form_shows_chinese_errors(self, client: TestClient, session: Session) -> None:
        admin: User = make_user(session, role=Role.PLATFORM_ADMIN)
        login(client, admin)
        form = client.get("/admin/content/new")
        response = client.post(
            "/admin/content/new",
            data={"csrf_token": csrf_from(form.text), "kind": "news", "title": ""},
        )
        assert response.status_code == 422
        assert "标题" in response.text


class TestFiles:
    def test_cover_image_is_uploaded_shown_and_served_for_public_items_only(
        self, client: TestClient, session: Session
    ) -> None:
        from tests.listings.test_attachments import PNG

        author = make_user(session, role=Role.PLATFORM_ADMIN)
        item = make_draft(session, author, title="带封面的新闻")
        login(client, author)
        edit = client.get(f"/admin/content/{item.id}")
        response = client.post(
            f"/admin/content/{item.id}/files",
            data={"csrf_token": csrf_from(edit.text), "cover": "1"},
            files={"file": ("封面.png", PNG, "image/png")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "封面已上传" in client.get(response.headers["location"]).text
        session.refresh(item)
        assert item.cover_attachment_id is not None
        path = f"/content/{item.id}/files/{item.cover_attachment_id}"
        assert client.get(path).content == PNG
        refused = client.post(
            f"/admin/content/{item.id}/files",
            data={"csrf_token": csrf_from(edit.text), "cover": "1"},
            files={"file": ("假图片.png", b"MZ not an image", "image/png")},
        )
        assert "图片只接受" in refused.text
        client.cookies.clear()
        assert client.get(path).status_code == 404  # the draft is not public yet
        from tests.factories.content import publish

        publish(session, item)
        assert client.get(path).status_code == 200
        assert f'src="{path}"' in client.get(f"/news/{item.id}").text

    def test_edit_form_shows_errors_with_its_history(
        self, client: TestClient, session: Session
    ) -> None:
        author = make_user(session, role=Role.PLATFORM_ADMIN)
        item = make_draft(session, author, ContentKind.CALL)
        login(client, author)
        edit = client.get(f"/admin/content/{item.id}")
        response = client.post(
            f"/admin/content/{item.id}",
            data={
                "csrf_token": csrf_from(edit.text),
                "title": item.title,
                "opens_on": "2027-03-01",
                "closes_on": "2027-02-01",
                "version": str(item.version),
            },
        )
        assert response.status_code == 422
        assert "截止日期不能早于开始日期" in response.text and "历史版本" in response.text
