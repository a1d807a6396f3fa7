"""Chinese messages for pydantic validation errors, shared by the API and the pages."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "必填项",
    "string_too_short": "至少需要{min_length}个字符",
    "string_too_long": "不能超过{max_length}个字符",
    "too_short": "至少需要{min_length}项",
    "too_long": "不能超过{max_length}项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "date_from_datetime_parsing": "应为日期，格式如 2026-01-31",
    "date_parsing": "应为日期，格式如 2026-01-31",
    "datetime_parsing": "应为时间，格式如 2026-01-31T09:00:00",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "不能大于{le}",
    "less_than": "应小于{lt}",
    "string_pattern_mismatch": "格式不正确",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "string_type": "应为文本",
    "extra_forbidden": "不支持的字段",
}


def message(error: Mapping[str, Any]) -> str:
    """The Chinese message for one pydantic error."""
    kind = str(error.get("type", ""))
    text = str(error.get("msg", ""))
    if kind == "value_error":
        if "email address" in text:
            return "邮箱格式不正确"
        return text.removeprefix("Value error, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return "格式不正确"
    ctx = dict(error.get("ctx") or {})
    if isinstance(ctx.get("expected"), str):
        # pydantic writes "'a', 'b' or 'c'"; the choices read as a Chinese list
        ctx["expected"] = "、".join(re.findall(r"'([^']*)'", ctx["expected"])) or ctx["expected"]
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：")


def field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def error_map(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """field → first message, for forms and problem+json ``errors``."""
    result: dict[str, str] = {}
    for error in errors:
        result.setdefault(field_name(error.get("loc", ())), message(error))
    return result


def parse_form(schema: type[M], data: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    """Validate submitted form values; returns the model or the errors to show inline."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        return None, error_map(exc.errors())


def validated(schema: type[M], data: Mapping[str, Any]) -> M:
    """Submitted form values as ``schema``, or a refusal (``InvalidInput``) naming each field."""
    model, errors = parse_form(schema, data)
    if model is None:
        raise InvalidInput(errors=errors)
    return model
