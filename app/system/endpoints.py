from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core import outbox
from app.core.deps import optional_user
from app.core.errors import AppError
from app.models import MailDelivery, OutboxMessage
from app.search import service as search_service

log = logging.getLogger(__name__)

router = APIRouter(tags=["系统"])

#: Failed outbox messages listed for an administrator, newest first.
FAILED_SHOWN = 20


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """运行状态：数据库、搜索引擎及索引积压、发件箱（outbox）积压。

    数据库不可用时返回 503；搜索引擎不可用时 status 为 degraded（网站其余功能照常）。
    主机、端口与错误信息只显示给已登录的平台管理员。
    """
    body: dict[str, Any] = {"status": "ok"}
    try:
        with request.app.state.sessionmaker() as session:
            session.execute(text("SELECT 1"))
            stats = outbox.stats(session)
            body["database"] = {"status": "ok"}
            body["outbox"] = {
                "pending": stats.pending,
                "failed": stats.failed,
                "lag_seconds": round(stats.lag_seconds, 1),
            }
            body["search"] = search_service.health(session)
            if _viewer_is_platform_admin(request, session):
                _add_details(body, session)
            else:
                body["search"].pop("detail", None)
    except Exception:
        log.exception("health check: the database is unavailable")
        body["status"] = "unavailable"
        body["database"] = {"status": "unavailable"}
        return JSONResponse(body, status_code=503)
    if body["search"]["status"] != "ok":
        body["status"] = "degraded"
    return JSONResponse(body)


def _viewer_is_platform_admin(request: Request, session: Session) -> bool:
    try:
        user = optional_user(request, session)
    except AppError:  # a bad token sees the public report
        return False
    return user is not None and user.is_platform_admin


def _add_details(body: dict[str, Any], session: Session) -> None:
    """Where the database is and what the outbox holds, by topic, with the last errors."""
    url = session.get_bind().engine.url
    body["database"].update(
        dialect=url.get_backend_name(), host=url.host, port=url.port, name=url.database
    )
    pending = session.execute(
        select(OutboxMessage.topic, func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.processed_at.is_(None), OutboxMessage.failed_at.is_(None))
        .group_by(OutboxMessage.topic)
        .order_by(OutboxMessage.topic)
    ).all()
    body["outbox"]["pending_by_topic"] = {
        topic: {"pending": count, "oldest_at": oldest.isoformat() if oldest else None}
        for topic, count, oldest in pending
    }
    states = session.execute(
        select(MailDelivery.state, func.count()).group_by(MailDelivery.state)
    ).all()
    body["mail"] = {
        "by_state": {state: count for state, count in states},
        "possible_duplicates": session.scalar(
            select(func.count()).where(MailDelivery.possible_duplicate.is_(True))
        )
        or 0,
    }
    failed = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None))
        .order_by(OutboxMessage.id.desc())
        .limit(FAILED_SHOWN)
    )
    body["outbox"]["recent_failures"] = [
        {
            "id": m.id,
            "topic": m.topic,
            "attempts": m.attempts,
            "failed_at": m.failed_at.isoformat() if m.failed_at else None,
            "last_error": m.last_error,
        }
        for m in failed
    ]
