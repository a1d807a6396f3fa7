"""How a listing reads on its pages: facts, sections, amounts and version rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.money import format_yuan
from app.core.templating import render
from app.listings import service
from app.listings.forms import IP_TYPES
from app.listings.schemas import ListingOut
from app.models.enums import ListingKind, ListingStatus, MaturityStage
from app.models.enums import TransferMode as Mode

# -- presentation of a listing -----------------------------------------------------------------


def _yuan(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_yuan(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _enum_label(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label) if value not in (None, "") else ""
    except ValueError:
        return str(value)


def _modes(codes: Any) -> str:
    return "、".join(_enum_label(Mode, c) for c in codes or [])


def budget_text(low: Any, high: Any) -> str:
    if low and high:
        return f"{_yuan(low)}–{_yuan(high)}"
    if low:
        return f"{_yuan(low)}起"
    if high:
        return f"{_yuan(high)}以内"
    return "面议"


def facts(item: ListingOut, brief: bool = False) -> list[tuple[str, str]]:
    """The public key figures of a listing: on cards (brief) and at the top of the detail."""
    d = item.data
    rows: list[tuple[str, str]]
    if item.kind == ListingKind.ACHIEVEMENT:
        rows = [
            ("成熟度", _enum_label(MaturityStage, d.get("maturity"))),
            ("价格", d.get("price_text") or _yuan(d.get("price")) or "面议"),
        ]
        if not brief:
            rows[1:1] = [
                ("技术就绪度", f"TRL {d['trl']}" if d.get("trl") else ""),
                ("转化方式", _modes(d.get("transfer_modes"))),
                ("中试情况", d.get("pilot_status") or ""),
            ]
    elif item.kind == ListingKind.DEMAND:
        rows = [
            ("预算", budget_text(d.get("budget_min"), d.get("budget_max"))),
            ("截止日期", d.get("deadline") or ("" if brief else "长期有效")),
        ]
        if not brief:
            rows.append(("合作方式", _modes(d.get("cooperation_modes"))))
    else:
        rows = [
            ("榜单奖励", _yuan(d.get("reward"))),
            ("揭榜截止", d.get("application_deadline") or ""),
        ]
    return [(label, str(text)) for label, text in rows if text]


@dataclass
class Section:
    name: str
    label: str
    hidden: bool
    confidential: bool = False
    text: str = ""
    items: list[Any] = field(default_factory=list)


def detail_sections(item: ListingOut) -> list[Section]:
    """The detail sections in reading order; hidden ones keep their place with a prompt."""
    out = []
    secret = set(item.data.get("confidential") or [])
    for name, label in service.sections(item.kind).items():
        if name in item.hidden_sections:
            out.append(Section(name, label, hidden=True))
            continue
        value = item.data.get(name)
        shown = Section(name, label, hidden=False, confidential=name in secret)
        if name == "ip_items":
            types = dict(IP_TYPES)
            shown.items = [
                {**row, "type": types.get(row.get("type", ""), "")} for row in value or []
            ]
        elif name == "inventors":
            shown.text = "、".join(value or [])
        else:
            shown.text = str(value or "")
        if shown.items or shown.text:
            out.append(shown)
    # The description leads whatever the order of the confidential list.
    out.sort(key=lambda s: s.name != "description")
    return out


def _version_rows(versions: list[Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each version with the fields that changed since the one before it."""
    rows = []
    for i, version in enumerate(versions):
        older = versions[i + 1].snapshot if i + 1 < len(versions) else {}
        changed = [
            labels.get(k, k)
            for k, v in version.snapshot.items()
            if k != "status" and older and older.get(k) != v
        ]
        rows.append(
            {
                "version": version.version,
                "created_at": version.created_at,
                "status": _enum_label(ListingStatus, version.status),
                "note": version.note,
                "changed": changed,
            }
        )
    return rows


def render_page(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    """A catalogue page; its cards show each listing's ``facts``."""
    return render(request, template, {"facts": facts, **context}, status_code=status)
