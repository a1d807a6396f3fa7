"""The one Jinja2 environment: zh-CN templates, CSRF and flash helpers, navigation."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import BaseRoute, Match

from app.core import cache, notifications, permissions
from app.core.clock import local
from app.core.config import PROJECT_ROOT, get_settings
from app.core.deps import CSRF_FIELD, csrf_token
from app.core.money import exact_yuan, format_yuan
from app.core.regions import REGIONS, region_name
from app.core.urls import safe_href

TEMPLATE_DIR = PROJECT_ROOT / "frontend" / "templates"
STATIC_DIR = PROJECT_ROOT / "frontend" / "static"


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str


# The nine functions of the platform (policy item 13) in menu order; an item shows once
# a route serves its path, so each section appears as it is built. 互动交流 (/messages) needs
# a signed-in person: the personal centre links it, and its notices lead to each thread.
NAVIGATION = [
    NavItem("首页", "/"),
    NavItem("搜索", "/search"),
    NavItem("信息发布", "/news"),
    NavItem("成果展示", "/achievements"),
    NavItem("技术需求", "/demands"),
    NavItem("揭榜挂帅", "/challenges"),
    NavItem("对接活动", "/events"),
    NavItem("技术交易", "/trading"),
    NavItem("专利查新", "/patents"),
    NavItem("资源整合", "/resources"),
    NavItem("项目管理", "/projects"),
    NavItem("企业办事", "/services"),
    NavItem("数据中心", "/statistics"),
]


def built_navigation(routes: Sequence[BaseRoute]) -> list[NavItem]:
    """The menu items whose page some route serves."""

    def served(path: str) -> bool:
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        return any(route.matches(scope)[0] == Match.FULL for route in routes)

    return [item for item in NAVIGATION if served(item.path)]


@lru_cache
def _asset_version(path: str) -> str:
    file = STATIC_DIR / path
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10] if file.exists() else "0"


def static_url(path: str) -> str:
    """A cache-busting URL for a file under frontend/static."""
    return f"/static/{path}?v={_asset_version(path)}"


def flash(request: Request, message: str, category: str = "success") -> None:
    """Show ``message`` on the next page the user sees."""
    request.session.setdefault("flash", []).append({"message": message, "category": category})


def pop_flashes(request: Request) -> list[dict[str, str]]:
    return list(request.session.pop("flash", []))


def _format_datetime(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in local time; also takes the ISO text of one kept in a JSON log."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
        if value.tzinfo is None:
            return value.strftime(fmt)
    return local(value).strftime(fmt) if isinstance(value, datetime) else str(value)


def _exact_yuan(value: Any) -> str:
    """An amount to the fen, for sums people check by hand: 24,000.00元."""
    return exact_yuan(None if value is None or value == "" else Decimal(str(value)))


@dataclass(frozen=True)
class SiteFooter:
    """Who runs the site and how to reach them, from the settings."""

    operator: str
    address: str
    phone: str
    email: str
    icp_record: str
    police_record: str

    @property
    def police_record_code(self) -> str:
        """The digits of the 公安备案号, which its public lookup takes."""
        return "".join(c for c in self.police_record if c.isdigit())


def _build() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    # Templates are read once per process, like the code: checking every file's time on each
    # render cost a tenth of a detail page.
    env.auto_reload = False
    settings = get_settings()
    env.globals.update(
        csrf_field=CSRF_FIELD,
        csrf_token=csrf_token,
        static_url=static_url,
        pop_flashes=pop_flashes,
        region_name=region_name,
        regions=REGIONS,
        can=permissions.can,
        Action=permissions.Action,
        yuan=format_yuan,  # amounts the way people read them: 12.5万元
        site_name=settings.site_name,
        footer=SiteFooter(
            operator=settings.site_operator,
            address=settings.site_address,
            phone=settings.site_phone,
            email=settings.site_email,
            icp_record=settings.icp_record,
            police_record=settings.police_record,
        ),
    )
    env.filters["dt"] = _format_datetime
    env.filters["date"] = lambda v: _format_datetime(v, "%Y-%m-%d")
    env.filters["money"] = _exact_yuan
    # Every href built from stored data goes through this: http(s) or a site path, else "".
    env.filters["href"] = safe_href
    return templates


@lru_cache
def templates() -> Jinja2Templates:
    return _build()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page; every template sees the request, the user and the navigation."""
    user = getattr(request.state, "user", None)
    db = getattr(request.state, "db", None)
    ctx = {
        "request": request,
        "user": user,
        "unread_notifications": _unread(request, db, user),
        "nav": getattr(request.app.state, "navigation", []),
        **(context or {}),
    }
    return templates().TemplateResponse(request, template, ctx, status_code=status_code)


def _unread(request: Request, db: Any, user: Any) -> int:
    if db is None or user is None:
        return 0
    try:
        # Counted when the request signed in, unless the request has since marked some read
        # or sent one (to this person, for all it knows).
        known = getattr(request.state, "unread_at_sign_in", None)
        if known is not None and known[0] == user.id and not cache.wrote_to(db, "notification"):
            return int(known[1])
        return notifications.unread_count(db, user)
    except SQLAlchemyError:  # an error page after a failed transaction still renders
        return 0


def template_exists(name: str) -> bool:
    return (TEMPLATE_DIR / Path(name)).exists()
