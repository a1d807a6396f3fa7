from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.core import outbox

router = APIRouter(tags=["系统"])


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """运行状态：数据库、搜索引擎和发件箱（outbox）积压情况。"""
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
    except Exception as exc:
        body["status"] = "unavailable"
        body["database"] = {"status": "unavailable", "detail": type(exc).__name__}
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)
