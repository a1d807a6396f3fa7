"""The public page that checks a registration certificate by its number."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import OptionalUser, SessionDep
from app.core.errors import InvalidInput
from app.core.pages import page_router
from app.core.templating import render
from app.trading import verification

router = page_router()


@router.get("/contracts/verify")
def verify(request: Request, session: SessionDep, user: OptionalUser, code: str = "") -> Response:
    result, error, status = None, "", 200
    if code:
        try:
            result = verification.verify(session, code)
        except InvalidInput as exc:
            error, status = "；".join(exc.extra.get("errors", {}).values()) or exc.detail, 422
        else:
            if result is None:
                error, status = "没有找到该登记号的技术合同认定登记，请核对证明上的登记号", 404
    return render(
        request,
        "trading/verify.html",
        {"code": code[:40], "result": result, "error": error},
        status_code=status,
    )
