from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import OptionalUser, SessionDep
from app.core.errors import AppError
from app.core.pages import page_router
from app.core.pagination import query_filters
from app.core.templating import render
from app.search import service, sources

router = page_router()

EXAMPLES = ["激光雷达", "新能源汽车 电池", '"玉米深加工"', "人工智能 -语音"]


@router.get("/search")
def search_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    params = request.query_params
    q = params.get("q", "")
    sort = params.get("sort", "relevance")
    types = params.getlist("type")
    labels = sources.facet_labels()
    filters = query_filters(params, lambda name: name in labels and name != "type")
    try:
        page_no = max(int(params.get("page", "1")), 1)
    except ValueError:
        page_no = 1
    context: dict[str, Any] = {
        "q": q,
        "sort": sort,
        "types": types,
        "filters": filters,
        "labels": labels,
        "type_labels": {s.type: s.label for s in sources.all_sources()},
        "examples": EXAMPLES,
        "result": None,
        "error": "",
    }
    try:
        context["result"] = service.search(
            session, q, types=types, filters=filters, page=page_no, sort=sort, meaning=True
        )
    except AppError as exc:
        context["error"] = exc.detail
        status = exc.status_code
    else:
        status = 200
    context["base_url"] = "/search?" + urlencode(
        [(k, v) for k, v in params.multi_items() if k != "page"]
    )
    context["facet_url"] = _facet_url
    return render(request, "search/index.html", context, status_code=status)


def _facet_url(request: Request, name: str, value: str) -> str:
    """The current search with ``name=value`` toggled, back on page 1."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if (name, value) in items:
        items.remove((name, value))
    else:
        items.append((name, value))
    return "/search?" + urlencode(items)
