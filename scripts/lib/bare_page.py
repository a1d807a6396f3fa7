"""A bare FastAPI app that answers every GET with one fixed HTML page: the ceiling a page of
the platform is measured against (scripts/bench_pages).

    python scripts/lib/bare_page.py PORT PAGE.html

It is served by uvicorn with the settings `kechuang serve` uses (one process, the same event
loop and HTTP parser, access log on), so the difference is the platform's own work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse


def bare_app(html: str) -> FastAPI:
    app = FastAPI()

    @app.get("/{path:path}")
    def page(path: str) -> HTMLResponse:  # plain def: a thread-pool handler, as the platform's
        return HTMLResponse(html)

    return app


if __name__ == "__main__":
    port, page_file = int(sys.argv[1]), Path(sys.argv[2])
    uvicorn.run(bare_app(page_file.read_text(encoding="utf-8")), host="127.0.0.1", port=port)
