"""Factories for 信息发布: drafts written by staff, published through the real review path."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.content import service
from app.content.schemas import ContentCreate
from app.core.audit import Actor
from app.models import ContentItem, User
from app.models.enums import ContentKind, Role
from tests.factories.accounts import make_user


def make_draft(
    session: Session, author: User, kind: ContentKind = ContentKind.NEWS, **fields: Any
) -> ContentItem:
    data: dict[str, Any] = {
        "kind": kind,
        "title": "长春市科技成果转化工作推进会召开",
        "summary": "会议部署下一阶段科技成果转化重点工作。",
        "body_html": "<p>会议要求各部门加快推进科技成果在长转化。</p>",
    }
    return service.create(session, Actor(user=author), ContentCreate(**(data | fields)))


def publish(session: Session, item: ContentItem, reviewer: User | None = None) -> ContentItem:
    """Submit and approve ``item`` as staff would (a second administrator reviews)."""
    assert item.author_id is not None
    author = session.get(User, item.author_id)
    service.submit(session, Actor(user=author), item)
    reviewer = reviewer or make_user(session, role=Role.PLATFORM_ADMIN)
    service.approve(session, Actor(user=reviewer), item)
    session.flush()
    return item


def make_published(
    session: Session, kind: ContentKind = ContentKind.NEWS, **fields: Any
) -> ContentItem:
    author = make_user(session, role=Role.PLATFORM_ADMIN)
    return publish(session, make_draft(session, author, kind, **fields))
