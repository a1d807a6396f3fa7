"""Turns every error into problem+json on the API and a Chinese page everywhere else."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core import security_headers
from app.core.db import BUSY, RACE, database_failure
from app.core.errors import STATUS_TITLES, AppError, Conflict
from app.core.races import RACE_MESSAGE, lost_race
from app.core.templating import render
from app.core.validation import error_map

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def validation_errors(exc: RequestValidationError) -> dict[str, str]:
    return error_map(exc.errors())


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    status: int, title: str, detail: str, *, instance: str = "", **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _respond(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    if wants_json(request):
        return problem(status, title, detail, instance=request.url.path, **extra)
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": detail, **extra},
        status_code=status,
    )


def app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    response = _respond(request, exc.status_code, exc.title, exc.detail, **exc.extra)
    if exc.status_code == 401 and wants_json(request):
        response.headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in exc.extra:
        response.headers["Retry-After"] = str(exc.extra["retry_after"])
    return response


def request_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    detail = "；".join(f"{field}：{message}" for field, message in errors.items())
    return _respond(request, 422, STATUS_TITLES[422], detail, errors=errors)


def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = STATUS_TITLES.get(exc.status_code, "请求无法处理")
    detail = {
        400: "请求体无法解析，请检查其格式（例如是否为合法的 JSON、UTF-8 编码）",
        404: "您访问的页面或资源不存在，可能已被删除或地址有误",
        405: "该地址不支持此请求方法",
        413: str(exc.detail),
    }.get(exc.status_code, title)
    response = _respond(request, exc.status_code, title, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def integrity_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IntegrityError)
    return app_error(request, lost_race(exc, f"{request.method} {request.url.path}"))


OUT_OF_RANGE = (
    "提交的数值或文本超出允许的范围（例如编号过大或含有不可见的控制字符），请检查后重新提交"
)


def out_of_range(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (a number past its integers, a NUL in a text): the
    input was wrong, so 422, never a 500."""
    log.warning("value out of range on %s %s: %s", request.method, request.url.path, exc)
    return _respond(request, 422, STATUS_TITLES[422], OUT_OF_RANGE)


def unhandled_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = _respond(
        request, 500, STATUS_TITLES[500], "服务器处理请求时出错，请稍后重试；问题已记录"
    )
    security_headers.add_to(
        response, request.scope, https_site=request.app.state.settings.serves_https
    )
    return response


DATABASE_UNREACHABLE = "数据库暂时无法连接，请稍后重试"
DATABASE_BUSY = "系统繁忙，请稍后重试"
RETRY_AFTER_SECONDS = {"busy": 5, "unreachable": 30}


def database_error(request: Request, exc: Exception) -> Response:
    """The database down or too busy: a 503 the client may retry; any other database error is a
    bug and stays a 500. The page neither shows the error's text nor asks the database again."""
    failure = database_failure(exc)
    if failure is None:
        return unhandled_error(request, exc)
    if failure == RACE:  # a deadlock or serialization failure: the other request went first
        log.warning("database %s on %s %s: %s", failure, request.method, request.url.path, exc)
        return app_error(request, Conflict(RACE_MESSAGE))
    log.error(
        "database %s on %s %s: %s", failure, request.method, request.url.path, exc, exc_info=exc
    )
    request.state.db = None  # the page would count unread notifications in it
    request.state.user = None  # and could not load what it shows of the person
    detail = DATABASE_BUSY if failure == BUSY else DATABASE_UNREACHABLE
    response = _respond(request, 503, STATUS_TITLES[503], detail)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS[failure])
    return response


def install(app: FastAPI) -> None:
    # The handlers are plain ``def``: an error page counts the person's unread notifications in
    # the database, so Starlette runs them in the thread pool, off the event loop.
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(DataError, out_of_range)
    app.add_exception_handler(OverflowError, out_of_range)  # SQLite, binding a too-large int
    app.add_exception_handler(SQLAlchemyError, database_error)
    app.add_exception_handler(Exception, unhandled_error)
