"""The API reference at /api/v1/docs: Swagger UI 5 (OpenAPI 3.1) from the fastapi-offline package.

Everything is served from this site (no CDN) and started by a static script, so the page
works under the site's Content-Security-Policy (no inline script or style).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import Request
from fastapi.responses import FileResponse, Response

from app.core.errors import NotFound
from app.core.pages import page_router
from app.core.templating import render

router = page_router()

DOCS_PATH = "/api/v1/docs"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
}
# Only the files the page loads; the package ships them beside its code.
ASSET_DIR = Path(fastapi_offline.__file__).parent / "static"


@router.get(DOCS_PATH)
def api_docs(request: Request) -> Response:
    return render(
        request,
        "home/api_docs.html",
        {"openapi_url": request.app.openapi_url, "asset_base": f"{DOCS_PATH}/assets"},
    )


@router.get(DOCS_PATH + "/assets/{name}")
def api_docs_asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFound("没有这个文件")
    return FileResponse(
        ASSET_DIR / name,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400"},
    )
