"""Which addresses the platform stores and turns into links.

A stored address (an organisation's website) must be an absolute ``http(s)://`` URL; a link
in a page may also be a site-relative path. Anything else (``javascript:``, ``data:``,
``//other.host``) is shown as text or not at all, so a stored value can never run script.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_URL_MESSAGE = "网址须以 http:// 或 https:// 开头"
WEB_SCHEMES = frozenset({"http", "https"})


# ``\s`` is what ``str.isspace`` calls whitespace; one scan in C (pages filter many links).
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")


def _has_control_or_space(value: str) -> bool:
    # Browsers drop tabs and newlines inside a URL ("java\tscript:"), so refuse them outright.
    return _CONTROL_OR_SPACE.search(value) is not None


def is_web_url(value: str) -> bool:
    """An absolute ``http://`` or ``https://`` address with a host."""
    if not value or _has_control_or_space(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an invalid IPv6 literal or port
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host) and "\\" not in parts.netloc


def is_site_path(value: str) -> bool:
    """A path on this site: ``/achievements/3``, never ``//host`` or ``/\\host``."""
    return (
        value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and not _has_control_or_space(value)
    )


def check_web_url(value: str) -> str:
    """A stored address: trimmed, empty for none, else ``http(s)://`` (or a ValueError)."""
    value = value.strip()
    if value and not is_web_url(value):
        raise ValueError(WEB_URL_MESSAGE)
    return value


def safe_href(value: object) -> str:
    """``value`` if a page may link to it (``http(s)://`` or a site path), else ``""``."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if is_web_url(value) or is_site_path(value) else ""


def served_address(host: str, port: int) -> str:
    """The address a server listening on ``host`` and ``port`` answers at: ``http://h:p``.

    A wildcard host (``0.0.0.0``, ``::``) listens on every interface; the loopback address is
    the one sure to answer on this machine.
    """
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
