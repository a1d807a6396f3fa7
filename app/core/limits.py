"""What a request may carry: bodies up to a size, record numbers up to the largest id.

Request bodies larger than the platform accepts are refused before they are read.

A declared ``Content-Length`` over the limit is refused at the first read, and a body without
one (chunked) is counted as it arrives, so neither an anonymous 300 MB upload nor a slow
stream is ever held in memory. Uploads (multipart) may carry files up to ``max_upload_mb``;
every other body is a form or JSON and needs far less.
"""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import InvalidInput, NotFound

MIB = 1024 * 1024
OTHER_BODY_BYTES = 2 * MIB
MULTIPART_OVERHEAD_BYTES = MIB


class BodyTooLarge(HTTPException):
    """413; an ``HTTPException`` so that body parsing passes it on unchanged."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_mb = max(limit_bytes // MIB, 1)
        super().__init__(413, f"提交的内容超过 {self.limit_mb} MB 上限，请压缩或拆分后再上传")


def body_limit(headers: dict[bytes, bytes], max_upload_mb: int) -> int:
    content_type = headers.get(b"content-type", b"").lower()
    if content_type.startswith(b"multipart/form-data"):
        return max_upload_mb * MIB + MULTIPART_OVERHEAD_BYTES
    return OTHER_BODY_BYTES


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_upload_mb: int) -> None:
        self.app = app
        self.max_upload_mb = max_upload_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = body_limit(headers, self.max_upload_mb)
        declared = headers.get(b"content-length")
        try:
            too_large = declared is not None and int(declared) > limit
        except ValueError:
            too_large = False
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if too_large:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


#: PostgreSQL's ``integer``: no record has a larger number, so a larger one names nothing.
MAX_RECORD_ID = 2**31 - 1


def _too_large(value: str) -> bool:
    # "²".isdigit() is True, but int("²") fails: only ASCII digits make a number.
    return value.isascii() and value.isdigit() and int(value) > MAX_RECORD_ID


async def guard_record_numbers(request: Request) -> None:
    """A record number past any record's is not found (in the path) or refused (in the query),
    before it reaches the database, which would fail on it."""
    if any(_too_large(str(value)) for value in request.path_params.values()):
        raise NotFound("您访问的页面或资源不存在，可能已被删除或地址有误")
    wrong = {
        name: f"编号不能大于 {MAX_RECORD_ID}"
        for name, value in request.query_params.multi_items()
        if (name == "id" or name.endswith("_id")) and _too_large(value)
    }
    if wrong:
        raise InvalidInput(errors=wrong)
