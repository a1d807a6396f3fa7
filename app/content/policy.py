"""The bureau's policy document (长春市进一步加快科技创新发展的若干政策措施) as numbered clauses.

The text ships with the package (``data/``): it is the bureau's own public document, the first
the platform publishes, and every reward rule, programme and service-hall item cites its items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from app.core.permissions import Action, define
from app.models import User
from app.models.enums import Role

SEED_FILE = "changchun-sci-tech-policy-draft.txt"
#: The stable name of the seed policy, so other pages can link to its clauses.
SEED_SLUG = "changchun-sci-tech-policy"

_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_ITEM = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")


@dataclass(frozen=True)
class Clause:
    number: int
    chapter: str
    heading: str
    text: str


@dataclass(frozen=True)
class PolicyText:
    title: str
    preamble: str
    clauses: list[Clause]


def seed_text() -> str:
    return resources.files("app.content").joinpath("data", SEED_FILE).read_text("utf-8")


def parse(text: str) -> PolicyText:
    """Split the document into its title, preamble and numbered items, each under its chapter.

    An item's heading is its first sentence (up to the first 。); lines that follow an item
    without a number of their own continue it.
    """
    lines = [line.strip() for line in text.splitlines()]
    title_lines: list[str] = []
    preamble: list[str] = []
    clauses: list[Clause] = []
    chapter = ""
    current: list[str] | None = None
    number = 0

    def close() -> None:
        if current is not None:
            body = "".join(current)
            heading, _, _ = body.partition("。")
            clauses.append(Clause(number, chapter, heading[:200], body))

    for line in lines:
        if not line:
            continue
        if (m := _CHAPTER.match(line)) and len(line) < 40:
            close()
            current = None
            chapter = line
            continue
        if m := _ITEM.match(line):
            close()
            number = int(m.group(1))
            current = [m.group(2)]
            continue
        if current is not None:
            current.append(line)
        elif chapter:
            continue
        elif line.startswith("为") or preamble:
            preamble.append(line)
        elif not line.startswith("附件"):
            title_lines.append(line)
    close()
    title = "".join(t for t in title_lines if not t.startswith("（")).replace(" ", "")
    if not title_lines:
        title = "政策文件"
    return PolicyText(title=title, preamble="".join(preamble), clauses=clauses)


def anchor(number: int) -> str:
    """The fragment of one clause on the policy's page."""
    return f"item-{number}"


def clause_path(number: int) -> str:
    """A link to a clause of the seed policy that stays valid whatever id the document has."""
    return f"/policies/clauses/{number}"


def writes_content(user: User, item: Any) -> bool:
    """Platform administrators write everything; district administrators their district's
    news, notices, calls and stories (policies are the bureau's own)."""
    if user.is_platform_admin:
        return True
    return (
        user.role == Role.DISTRICT_ADMIN
        and user.region_code is not None
        and (
            item is None
            or (item.region_code == user.region_code and getattr(item, "kind", "") != "policy")
        )
    )


# 信息发布: staff write; the bureau (platform administrators) reviews and publishes.
define(
    Action.CONTENT_WRITE,
    writes_content,
    refused="仅平台管理员或本区县的管理员可以编辑该信息（政策文件由平台管理员发布）",
)
define(
    Action.CONTENT_REVIEW,
    lambda user, _obj: user.is_platform_admin,
    refused="仅平台管理员可以审核发布信息",
)
