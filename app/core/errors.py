"""The error family every layer raises; one handler turns them into problem+json or a page."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """A failure the user should see, with its HTTP status and a Chinese explanation."""

    status_code = 400
    title = "请求无法处理"
    # Most failures undo the request's writes; a few (a failed login's counter) must keep them.
    keep_changes = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        keep_changes: bool = False,
        **extra: Any,
    ):
        self.detail = detail or self.title
        if title:
            self.title = title
        self.keep_changes = keep_changes or self.keep_changes
        self.extra = extra
        super().__init__(self.detail)

    def field_errors(self, field: str = "form") -> dict[str, str]:
        """Messages by form field; without any, the whole detail under ``field``."""
        return dict(self.extra.get("errors") or {field: self.detail})


class NotAuthenticated(AppError):
    status_code = 401
    title = "请先登录"


class PermissionDenied(AppError):
    status_code = 403
    title = "没有权限"


class NotFound(AppError):
    status_code = 404
    title = "未找到"


class Conflict(AppError):
    status_code = 409
    title = "操作冲突"


class InvalidInput(AppError):
    """Payload that parsed but breaks a rule; ``errors`` maps a field to its message."""

    status_code = 422
    title = "提交的内容有误"

    def __init__(self, detail: str | None = None, *, errors: dict[str, str] | None = None):
        self.errors = errors or {}
        super().__init__(detail or "；".join(self.errors.values()) or None, errors=self.errors)


class TooManyRequests(AppError):
    status_code = 429
    title = "操作过于频繁"


class ServiceUnavailable(AppError):
    status_code = 503
    title = "服务暂时不可用"


STATUS_TITLES = {
    400: "请求无法处理",
    401: "请先登录",
    403: "没有权限",
    404: "未找到",
    405: "不支持的请求方法",
    409: "操作冲突",
    413: "上传内容过大",
    422: "提交的内容有误",
    429: "操作过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}
