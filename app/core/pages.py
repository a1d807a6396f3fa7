"""Small helpers every HTML route uses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from app.core.deps import verify_csrf
from app.core.errors import AppError


def page_router() -> APIRouter:
    """An HTML router: CSRF-checked on every unsafe method, hidden from the API schema."""
    return APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])


def redirect(url: str) -> RedirectResponse:
    """Post/redirect/get: a 303 so the browser follows with GET."""
    return RedirectResponse(url, status_code=303)


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths, so a login link cannot send people elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default


async def form_data(request: Request) -> dict[str, Any]:
    """Submitted form fields as a plain dict of strings (empty values dropped)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and v.strip() != ""}


def nest(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Collect ``prefix.x`` fields into a nested dict for a sub-schema."""
    start = prefix + "."
    return {k[len(start) :]: v for k, v in data.items() if k.startswith(start)}


def list_url(path: str, params: dict[str, Any]) -> str:
    """``path`` with the non-empty filters as a query string, for pagination links."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def refusal_message(exc: AppError) -> str:
    """What a refused form action tells the user: the reason, and the fields' problems."""
    errors = exc.extra.get("errors") or {}
    message = exc.detail
    if errors and "；".join(errors.values()) != message:
        message = f"{message}：{'；'.join(errors.values())}"
    return message
