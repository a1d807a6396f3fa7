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


def criteria_lines(text: str) -> list[dict[str, Any]]:
    """Criteria typed one a line as "技术先进性 30" (name, then the weight in %)."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _, weight = line.rpartition(" ")
        if not name.strip() or not weight.strip().rstrip("%").isdigit():
            raise InvalidInput(
                errors={"criteria": f"第 {n} 行应为“指标名称 权重”，如“技术先进性 30”"}
            )
        out.append({"name": name.strip(), "weight": int(weight.strip().rstrip("%"))})
    return out


def field_lines(text: str) -> list[dict[str, Any]]:
    """Form fields typed one a line as "key | 名称 | 类型 | 必填 | 选项1/选项2 | 上限".

    The type is one of ``TYPE_LABELS`` (code or Chinese name); the last three parts may be
    left out. 上限 is the longest text, or the largest number or amount.
    """
    by_label = {label: code for code, label in TYPE_LABELS.items()}
    out: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) < 3:
            raise InvalidInput(errors={"form": f"第 {n} 行至少应有“代码 | 名称 | 类型”"})
        key, label, kind = parts[0], parts[1], by_label.get(parts[2], parts[2])
        if kind not in TYPE_LABELS:
            raise InvalidInput(
                errors={"form": f"第 {n} 行的类型应为：{'、'.join(TYPE_LABELS.values())}"}
            )
        field: dict[str, Any] = {"key": key, "label": label, "type": kind}
        field["required"] = len(parts) > 3 and parts[3] in ("必填", "是", "required", "1")
        if len(parts) > 4 and parts[4]:
            field["options"] = [o.strip() for o in parts[4].split("/") if o.strip()]
        if len(parts) > 5 and parts[5]:
            limit = parts[5]
            if kind in ("text", "textarea"):
                if not limit.isdigit():
                    raise InvalidInput(errors={"form": f"第 {n} 行的字数上限应为整数"})
                field["max_length"] = int(limit)
            else:
                field["max"] = limit
        out.append(field)
    return out


def field_text(form: list[dict[str, Any]]) -> str:
    """A stored form written back as the lines ``field_lines`` reads."""
    lines = []
    for f in fields_of(form):
        limit = f.max_length or (f.max if f.max is not None else "")
        parts = [f.key, f.label, f.type_label, "必填" if f.required else "", "/".join(f.options)]
        lines.append(" | ".join([*parts, str(limit)]).rstrip(" |"))
    return "\n".join(lines)
