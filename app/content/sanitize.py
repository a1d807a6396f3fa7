"""Rich text as the platform stores it: an allow-list of tags and attributes (nh3, Ammonia).

No script or style, no event attributes (``onclick``…), links only to http(s), mailto and the
platform's own paths, images only from the platform itself (a path such as
``/content/3/files/7``, never another host), so a pasted article cannot load or run anything.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "hr", "table", "thead", "tbody", "tr",
    "th", "td", "caption", "figure", "figcaption", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK = re.compile(r"</?(?:p|br|li|h[1-6]|tr|td|th|div|blockquote|figcaption)\b[^>]*>", re.I)


def _platform_path(value: str) -> bool:
    """A path on this site: ``/x`` but not ``//host`` (a protocol-relative address)."""
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if _platform_path(value) else None
    return value


def clean(html: str) -> str:
    """The stored form of an editor's HTML."""
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def text_of(html: str) -> str:
    """The plain text of stored HTML, for search and feeds."""
    spaced = _BLOCK.sub(" ", html or "")  # paragraphs stay apart as words
    return " ".join(unescape(nh3.clean(spaced, tags=set())).split())
