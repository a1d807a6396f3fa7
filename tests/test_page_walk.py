"""Walk the site on the demo data as each kind of user, as a screen-reader user would meet it.

A real ``kechuang serve`` on its own copy of the demo data. For every signed-in role (and
anonymously) the walk follows the site's own links from the home page and the personal
centre, one page per route, and on every page it reaches:

* every table header says what it heads (``scope``);
* every form control can be named (a ``<label for>``, a wrapping label or ``aria-label``);
* every control marked invalid points (``aria-describedby``) at a message with text.

Then it sends every form that has a required control back empty, as someone pressing the
button too early would: the answer is never a server error, and where it shows messages,
each message belongs to a control that is marked ``aria-invalid`` and points at it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from app.core.db import build_engine, build_sessionmaker, session_scope
from app.demo.seed import seed
from tests import live_server

PASSWORD = "Demo12345"
ROLES = {
    "anonymous": None,
    "platform_admin": "admin@demo.kechuang.cn",
    "district_admin": "xinqu.admin@demo.kechuang.cn",
    "broker": "broker@demo.kechuang.cn",
    "expert": "expert@demo.kechuang.cn",
    "university_admin": "jlu@demo.kechuang.cn",
    "enterprise_admin": "qimingxing@demo.kechuang.cn",
}
START = ("/", "/me", "/achievements", "/demands", "/challenges", "/events", "/admin")
PAGES_PER_ROLE = 90
# Links the walk does not follow: they sign out, download files or only re-sort a list.
SKIP = re.compile(
    r"^/(logout|static/|api/)|\.(pdf|csv|xlsx|ics|xml|json|zip|png|jpg|svg)$|/(download|export)"
    r"|/attachments/|/files/"
)
CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    labelled_by_wrapper: bool


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)


class Page(HTMLParser):
    """The parts of a page the checks read: links, table headers, forms and their controls,
    labels, and the text of every element that has an id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.forms: list[Form] = []
        self.controls: list[Control] = []
        self.label_targets: set[str] = set()
        self.error_ids: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self.described: set[str] = set()  # ids some control or group (fieldset) points at
        self._open_ids: list[tuple[str, str]] = []
        self._labels = 0
        self._form: Form | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.text_by_id.setdefault(a["id"], "")
            self._open_ids.append((tag, a["id"]))
        self.described.update(a.get("aria-describedby", "").split())
        if "error" in a.get("class", "").split() and "id" in a:
            self.error_ids.append(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "th":
            self.headers.append(a)
        elif tag == "label":
            self._labels += 1
            if a.get("for"):
                self.label_targets.add(a["for"])
        elif tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag in CONTROLS:
            control = Control(tag, a, self._labels > 0)
            self.controls.append(control)
            if self._form is not None:
                self._form.controls.append(control)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels = max(0, self._labels - 1)
        elif tag == "form":
            self._form = None
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data: str) -> None:
        for _tag, element_id in self._open_ids:
            self.text_by_id[element_id] += data


def problems(path: str, page: Page) -> list[str]:
    """What a screen-reader user would miss on this page."""
    found = [
        f"{path}: <th> without scope: {h}"
        for h in page.headers
        if h.get("scope") not in {"col", "row", "colgroup", "rowgroup"}
    ]
    for c in page.controls:
        a = c.attrs
        if c.tag == "input" and a.get("type", "text") in UNLABELLED_TYPES:
            continue
        named = (
            c.labelled_by_wrapper
            or a.get("id", "") in page.label_targets
            or a.get("aria-label")
            or a.get("aria-labelledby")
            or a.get("title")
        )
        if not named:
            found.append(f"{path}: <{c.tag} name={a.get('name')!r}> has no label")
        if a.get("aria-invalid") == "true":
            target = a.get("aria-describedby", "")
            if not any(page.text_by_id.get(t, "").strip() for t in target.split()):
                found.append(f"{path}: invalid {a.get('name')!r} points at no message")
    found += [
        f"{path}: message #{eid} belongs to no control"
        for eid in page.error_ids
        if eid not in page.described
    ]
    return found


def route_of(path: str) -> str:
    """One page per route: /achievements/12 and /achievements/40 are the same page."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[live_server.Server]:
    var_dir = tmp_path_factory.mktemp("walk-var")
    with live_server.database(var_dir, "walk") as database_url:
        engine = build_engine(database_url)
        try:
            with session_scope(build_sessionmaker(engine)) as session:
                seed(session)
        finally:
            engine.dispose()
        with live_server.serving(var_dir, database_url, rate_limit_enabled="false") as server:
            yield server
            assert "Traceback" not in server.log_tail(10**9), "the server logged a traceback"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def _signed_in(server: live_server.Server, email: str | None) -> httpx.Client:
    # A page waits as long as a busy machine needs; a hang still ends the test with its path.
    client = httpx.Client(base_url=server.url, timeout=300, follow_redirects=True)
    if email:
        token = _csrf(client.get("/login").text)
        response = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 200 and "/logout" in response.text, email
    return client


def _walk(client: httpx.Client, base: str) -> dict[str, tuple[str, Page]]:
    """Breadth-first over the site's own links; one page per route, HTML pages only."""
    seen: set[str] = set()
    pages: dict[str, tuple[str, Page]] = {}
    queue = deque(START)
    while queue and len(pages) < PAGES_PER_ROLE:
        path = queue.popleft()
        route = route_of(path)
        if route in seen:
            continue
        seen.add(route)
        try:
            response = client.get(path)
        except httpx.TimeoutException as exc:
            raise AssertionError(f"{path}: no answer within {client.timeout.read} s") from exc
        assert response.status_code < 500, f"{path}: {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        html = response.text
        page = Page(html)
        pages[route] = (path, page)
        for href in page.links:
            target = urlsplit(urljoin(base + path, href))
            if target.netloc != urlsplit(base).netloc or not target.path.startswith("/"):
                continue
            if SKIP.search(target.path) or route_of(target.path) in seen:
                continue
            queue.append(target.path)
    return pages


def _empty(form: Form) -> dict[str, str]:
    """What pressing the button of an untouched form sends, with every required field blank."""
    data: dict[str, str] = {}
    for c in form.controls:
        name = c.attrs.get("name")
        if not name:
            continue
        if c.tag == "input" and c.attrs.get("type") == "hidden":
            data[name] = c.attrs.get("value", "")
        elif "required" not in c.attrs and c.tag == "input":
            if c.attrs.get("type") not in {"checkbox", "radio", "file", "submit"}:
                data[name] = c.attrs.get("value", "")
        elif "required" in c.attrs:
            data[name] = ""
    return data


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reached_names_its_headers_and_controls(
    demo_site: live_server.Server, role: str
) -> None:
    client = _signed_in(demo_site, ROLES[role])
    try:
        pages = _walk(client, demo_site.url)
        assert len(pages) >= 8, sorted(pages)
        found = [p for path, page in pages.values() for p in problems(path, page)]
        assert found == [], "\n".join(found)

        checked = 0
        for path, page in pages.values():
            for form in page.forms:
                if form.method != "post" or not any("required" in c.attrs for c in form.controls):
                    continue
                action = urljoin(path, form.action or path)
                data = _empty(form)
                data["csrf_token"] = _csrf(client.get(path).text)
                response = client.post(action, data=data)
                assert response.status_code < 500, f"{action} (from {path}): server error"
                if "text/html" in response.headers.get("content-type", ""):
                    answer = Page(response.text)
                    found += problems(f"POST {action} (from {path})", answer)
                checked += 1
        assert found == [], "\n".join(found)
        assert checked, "no form with a required field was reached"
    finally:
        client.close()
