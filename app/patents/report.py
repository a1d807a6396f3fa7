"""The 查新报告: its standard sections, as data for the page and as a PDF with its font embedded."""

from __future__ import annotations

import io
from typing import Any

from app.core.clock import local
from app.core.errors import Conflict
from app.core.pdf import FONT_NAME, new_canvas
from app.models import NoveltyCommission
from app.models.enums import NoveltyStatus

DECLARATION = (
    "一、本报告中所列的检索结果及查新结论仅对本委托的查新点负责；"
    "二、查新结论基于所检索的数据库及检索年限内公开的文献；"
    "三、本报告仅供委托方在所述查新目的范围内使用，未经查新机构同意不得用于其他目的。"
)


def sections(commission: NoveltyCommission) -> list[tuple[str, Any]]:
    """(heading, body) in the order of the standard report; bodies are text or lists of text."""
    strategy = commission.strategy or {}
    results: list[str] = []
    for point in commission.points:
        for rank, hit in enumerate(point.hits[:5], start=1):
            if hit.get("relevant") is False:
                continue
            snippet = hit["snippets"][0]["text"] if hit.get("snippets") else ""
            results.append(
                f"查新点{point.number}-{rank}：{hit['title']}（{hit['number']}，"
                f"{hit['where']}）　{snippet}"
            )
    for hit in commission.conflicting:
        results.append(
            f"抵触申请：{hit['title']}（{hit['number']}，申请日 {hit['application_date']}，"
            f"涉及查新点{hit['point']}）"
        )
    strategy_lines = [
        "检索数据库：" + "、".join(strategy.get("databases", [])),
        "检索词：" + "、".join(strategy.get("terms", [])),
        "分类号：" + ("、".join(strategy.get("ipc", [])) or "不限"),
        "检索式：" + "；".join(f"（{q}）" for q in strategy.get("queries", [])),
        "检索年限：" + str(strategy.get("years", "不限")),
        "检索方法：" + str(strategy.get("mode", "BM25")),
    ]
    return [
        ("查新目的", commission.purpose.label),
        ("科学技术要点", commission.tech_points),
        (
            "查新点与查新要求",
            [f"查新点{p.number}：{p.text}" for p in commission.points]
            + ([f"查新要求：{commission.requirements}"] if commission.requirements else []),
        ),
        ("文献检索范围及检索策略", strategy_lines),
        ("检索结果", results or ["在所检索范围内未检出相关文献。"]),
        ("查新结论", [p.conclusion for p in commission.points] + [commission.overall_conclusion]),
        ("声明", DECLARATION),
        ("附件清单", ["附件1：密切相关文献题录及摘要", "附件2：检索式与检索记录"]),
    ]


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, max(len(text), 1), width)]


def pdf(commission: NoveltyCommission) -> bytes:
    """The issued report as a PDF; every glyph comes from the embedded Chinese font."""
    if commission.status != NoveltyStatus.ISSUED or not commission.report_no:
        raise Conflict("查新报告尚未审核出具")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title=f"科技查新报告 {commission.report_no}", pagesize=A4)
    width, height = A4
    y = height - 25 * mm

    def line(text: str, size: int = 10, indent: float = 20) -> None:
        nonlocal y
        for part in _wrap(text, int((width - (indent + 20) * mm) / size)):
            if y < 20 * mm:
                canvas.showPage()
                y = height - 20 * mm
            canvas.setFont(FONT_NAME, size)
            canvas.drawString(indent * mm, y, part)
            y -= size * 1.6

    canvas.setFont(FONT_NAME, 20)
    canvas.drawCentredString(width / 2, y, "科技查新报告")
    y -= 12 * mm
    line(f"报告编号：{commission.report_no}", 11)
    line(f"项目名称：{commission.project_name}", 11)
    issued = local(commission.issued_at).date().isoformat() if commission.issued_at else ""
    line(f"委托日期：{commission.commission_date.isoformat()}　完成日期：{issued}", 11)
    y -= 4 * mm
    for number, (heading, body) in enumerate(sections(commission), start=1):
        line(f"{number}. {heading}", 13)
        for text in body if isinstance(body, list) else [body]:
            line(str(text), 10, 25)
        y -= 3 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
