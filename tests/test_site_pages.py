"""Portal-wide page furniture: the footer and its pages, the skip link, table headers and
form errors a screen reader can find."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.core.templating import TEMPLATE_DIR
from app.models import User
from tests.factories.fixtures import login, page_csrf
from tests.listings.test_pages import ACHIEVEMENT_FORM


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each id'd element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.text_by_id[attributes["id"]] = ""
            self._open.append(attributes["id"])

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in {"small", "p", "span", "div"}:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open[-1:]:
            self.text_by_id[element_id] += data


def _errors_are_announced(html: str) -> list[str]:
    """Each control marked invalid points at a message with text; each message is pointed at."""
    page = Elements(html)
    invalid = [a for tag, a in page.tags if a.get("aria-invalid") == "true"]
    assert invalid, "no control is marked invalid"
    described = {a.get("aria-describedby", "") for _tag, a in page.tags}
    for attributes in invalid:
        target = attributes.get("aria-describedby", "")
        assert page.text_by_id.get(target, "").strip(), f"{attributes.get('name')}: no message"
    messages = [a["id"] for tag, a in page.tags if "error" in a.get("class", "").split()]
    return [m for m in messages if m not in described]


class TestFooter:
    def test_contact_and_record_numbers_on_every_page(self, client: TestClient) -> None:
        settings = get_settings()
        for path in ("/", "/achievements", "/login", "/about"):
            footer = client.get(path).text.split('<footer class="site-footer">', 1)[1]
            for value in (
                settings.icp_record,
                settings.police_record,
                settings.site_address,
                settings.site_phone,
                settings.site_email,
            ):
                assert value in footer, (path, value)
            assert 'href="https://beian.miit.gov.cn/"' in footer
            assert f'href="mailto:{settings.site_email}"' in footer

    @pytest.mark.parametrize(
        ("path", "heading"),
        [("/about", "关于科创一网通"), ("/help", "使用帮助"), ("/privacy", "隐私政策")],
    )
    def test_site_pages_answer_in_chinese(
        self, client: TestClient, path: str, heading: str
    ) -> None:
        response = client.get(path)
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.text
        assert f'href="{path}"' in response.text.split("<footer", 1)[1]


def test_skip_link_jumps_to_the_main_content(client: TestClient) -> None:
    html = client.get("/").text
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">跳到主要内容</a>')
    assert '<main class="wrap" id="main"' in html


def test_every_table_header_says_what_it_heads() -> None:
    missing = [
        f"{path.relative_to(TEMPLATE_DIR)}: {tag}"
        for path in TEMPLATE_DIR.rglob("*.html")
        for tag in re.findall(r"<th\b(?!ead)[^>]*>", path.read_text(encoding="utf-8"))
        if not re.search(r'scope="(col|row|colgroup|rowgroup)"', tag)
    ]
    assert missing == []


class TestFormErrors:
    def test_registration_errors_point_from_each_control_to_its_message(
        self, client: TestClient
    ) -> None:
        token = page_csrf(client, "/register")
        response = client.post(
            "/register",
            data={
                "csrf_token": token,
                "name": "",
                "email": "不是邮箱",
                "password": "Abcdefgh-12345-xyz",
                "password_confirm": "Abcdefgh-12345-xyz",
                "org_mode": "new",
            },
        )
        assert response.status_code == 422
        assert _errors_are_announced(response.text) == []
        # A select with an error says so too.
        assert re.search(r'<select id="f-org-org_type"[^>]*aria-invalid="true"', response.text)

    def test_listing_form_errors_point_to_their_messages(
        self, client: TestClient, member: User
    ) -> None:
        login(client, member)
        token = page_csrf(client, "/achievements/new")
        form = {**ACHIEVEMENT_FORM, "title": "", "trl": "12", "action": "submit"}
        response = client.post("/achievements/new", data={**form, "csrf_token": token})
        assert response.status_code == 422
        assert _errors_are_announced(response.text) == []
