from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.core import outbox
from app.search import service as search_service

router = APIRouter(tags=["系统"])


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """运行状态：数据库、搜索引擎及索引积压、发件箱（outbox）积压。

    数据库不可用时返回 503；搜索引擎不可用时 status 为 degraded（网站其余功能照常）。
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
    except Exception as exc:
        body["status"] = "unavailable"
        body["database"] = {"status": "unavailable", "detail": type(exc).__name__}
        return JSONResponse(body, status_code=503)
    if body["search"]["status"] != "ok":
        body["status"] = "degraded"
    return JSONResponse(body)
