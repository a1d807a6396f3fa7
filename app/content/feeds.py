"""RSS 2.0 and Atom feeds of each kind (feedgen), and the public sitemap."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from feedgen.feed import FeedGenerator
from sqlalchemy.orm import Session

from app.content import service
from app.content.sanitize import text_of
from app.core.db import utcnow
from app.models.enums import ContentKind
from app.search import service as search_service

FEED_SIZE = 20
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: The most URLs one sitemap file may hold (sitemaps.org).
SITEMAP_LIMIT = 50_000
#: Public pages a search engine should know besides the articles.
STATIC_PATHS = ["/", "/news", "/policies", "/notices", "/calls", "/stories", "/about", "/help"]


def feed(session: Session, kind: ContentKind, base_url: str, site_name: str, fmt: str) -> bytes:
    """The latest items of ``kind`` as ``fmt`` ("rss" or "atom")."""
    section = service.SECTIONS[kind]
    fg = FeedGenerator()
    fg.id(f"{base_url}/{section}")
    fg.title(f"{site_name} · {kind.label}")
    # RSS takes its channel link from the last one given: the section's page.
    fg.link(href=f"{base_url}/feeds/{section}.{fmt}", rel="self")
    fg.link(href=f"{base_url}/{section}", rel="alternate")
    fg.description(f"{site_name}发布的{kind.label}")
    fg.language("zh-CN")
    items = service.latest(session, kind, FEED_SIZE)
    fg.updated(max((i.published_at for i in items if i.published_at), default=utcnow()))
    for item in items:  # newest first, as readers expect
        entry = fg.add_entry(order="append")
        link = f"{base_url}{service.url(item)}"
        entry.id(link)
        entry.title(item.title)
        entry.link(href=link)
        entry.summary(item.summary or text_of(item.body_html)[:300] or item.title)
        published: datetime = item.published_at or item.created_at
        entry.published(published)
        entry.updated(item.updated_at or published)
        for topic in item.topics or []:
            entry.category(term=topic)
    return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)


def sitemap(session: Session, base_url: str) -> bytes:
    """Every published article and the public section pages."""
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")

    def add(path: str, modified: datetime | None = None) -> None:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = f"{base_url}{path}"
        if modified is not None:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = modified.date().isoformat()

    for path in STATIC_PATHS:
        add(path)
    articles = service.all_public(session)
    for item in articles:
        add(service.url(item), item.updated_at)
    # Every other public record: what search may show is what a crawler may visit.
    own = {kind.value for kind in ContentKind}
    for source in search_service.public_sources():
        if source.type in own:
            continue
        for doc_id in source.all_ids(session):
            if len(root) >= SITEMAP_LIMIT:
                break
            # A fragment (a policy's clause) is a part of a page listed already.
            if (path := source.url(doc_id)) and "#" not in path:
                add(path)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
