"""A call's application form as data: typed fields the applicant fills, checked on the server.

Staff describe each field once (``FormField``): a key, a Chinese label, a type and its limits.
The same description draws the page's inputs and checks what comes back, from a page or the
API, field by field with Chinese messages; what is stored is the cleaned value (numbers as
numbers, money as exact yuan text, dates in ISO form).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from app.core.errors import InvalidInput
from app.core.money import exact_yuan, parse_yuan

FieldType = Literal["text", "textarea", "integer", "money", "date", "choice", "boolean"]
TYPE_LABELS: dict[str, str] = {
    "text": "单行文本",
    "textarea": "多行文本",
    "integer": "整数",
    "money": "金额（元）",
    "date": "日期",
    "choice": "单选",
    "boolean": "确认项",
}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class FormField(BaseModel):
    """One field of a call's application form."""

    key: str = Field(min_length=1, max_length=40, description="字段代码（小写字母、数字、下划线）")
    label: str = Field(min_length=1, max_length=60, description="字段名称")
    type: FieldType = Field(description="类型")
    required: bool = False
    help: str = Field("", max_length=200, description="填写说明")
    max_length: int | None = Field(None, ge=1, le=20000, description="文本最多字数")
    min: Decimal | None = Field(None, description="数值下限")
    max: Decimal | None = Field(None, description="数值上限")
    options: list[str] = Field(default_factory=list, max_length=30, description="单选项")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError("字段代码应以小写字母开头，只含小写字母、数字和下划线")
        return value

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    @property
    def limit(self) -> int:
        return self.max_length or (200 if self.type == "text" else 5000)


def fields_of(data: list[dict[str, Any]]) -> list[FormField]:
    """The form stored on a call."""
    return [FormField.model_validate(f) for f in data]


def check_form(form: list[FormField], field: str = "form") -> list[dict[str, Any]]:
    """A form staff defined: distinct keys, choices with options, limits in order."""
    errors: list[str] = []
    keys = [f.key for f in form]
    if len(set(keys)) != len(keys):
        errors.append("字段代码不能重复")
    for f in form:
        if f.type == "choice" and len(f.options) < 2:
            errors.append(f"“{f.label}”为单选，至少需要两个选项")
        if f.min is not None and f.max is not None and f.min > f.max:
            errors.append(f"“{f.label}”的下限大于上限")
    if errors:
        raise InvalidInput(errors={field: "；".join(errors)})
    return [f.model_dump(mode="json", exclude_defaults=True) for f in form]


def _number(f: FormField, raw: Any) -> tuple[Any, str]:
    if f.type == "integer":
        try:
            value: Decimal = Decimal(int(str(raw).strip()))
        except ValueError:
            return None, "应为整数"
    else:
        try:
            value = parse_yuan(raw)
        except ValueError as exc:
            return None, str(exc)
    shown = exact_yuan if f.type == "money" else str
    if f.min is not None and value < f.min:
        return None, f"不能小于{shown(f.min)}"
    if f.max is not None and value > f.max:
        return None, f"不能大于{shown(f.max)}"
    return (int(value) if f.type == "integer" else str(value)), ""


def _one(f: FormField, raw: Any) -> tuple[Any, str]:
    """The cleaned value of one field, or its error."""
    if f.type == "boolean":
        value = raw in (True, "true", "on", "1", 1, "是")
        return value, ("请确认" if f.required and not value else "")
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, ("必填项" if f.required else "")
    if f.type in ("text", "textarea"):
        if len(text) > f.limit:
            return None, f"不能超过{f.limit}个字符"
        return text, ""
    if f.type in ("integer", "money"):
        return _number(f, text)
    if f.type == "date":
        try:
            return date.fromisoformat(text).isoformat(), ""
        except ValueError:
            return None, "应为日期，格式如 2026-01-31"
    if text not in f.options:
        return None, f"应为以下之一：{'、'.join(f.options)}"
    return text, ""


def clean(
    form: list[FormField], raw: dict[str, Any], *, complete: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers as stored, and the problems field by field (key ``answers.<key>``).

    A draft (``complete=False``) may leave required fields empty; a submission may not.
    Unknown keys are refused: the form is the call's, not the applicant's.
    """
    known = {f.key for f in form}
    errors = {f"answers.{k}": "该申报书没有这一项" for k in raw if k not in known}
    answers: dict[str, Any] = {}
    for f in form:
        value, problem = _one(f, raw.get(f.key))
        if problem == "必填项" and not complete:
            problem = ""
        if problem == "请确认" and not complete:
            problem = ""
        if problem:
            errors[f"answers.{f.key}"] = f"{f.label}：{problem}"
        elif value is not None:
            answers[f.key] = value
    return answers, errors


def missing(form: list[FormField], answers: dict[str, Any]) -> dict[str, str]:
    """What a stored draft still lacks before it can be submitted."""
    _clean, errors = clean(form, answers, complete=True)
    return errors
