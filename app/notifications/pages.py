from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import WRITES, CurrentUser, SessionDep
from app.core.pages import SubmittedForm, page_router, redirect
from app.core.pagination import PaginationDep
from app.core.templating import flash, render
from app.notifications import service

router = page_router()


@router.get("/notifications", dependencies=[WRITES])  # marks them read
@router.get("/me/notifications", dependencies=[WRITES], include_in_schema=False)
def centre(
    request: Request, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> Response:
    page = service.page(session, user, pagination)
    unread = {n.id for n in page.items if n.read_at is None}
    service.mark_all_read(session, user)
    return render(
        request,
        "notifications/centre.html",
        {
            "page": page,
            "notes": page.items,
            "unread": unread,
            "base_url": "/notifications",
            "preferences": service.preferences(session, user),
        },
    )


@router.post("/notifications/preferences")
def save_preferences(
    request: Request, session: SessionDep, user: CurrentUser, form: SubmittedForm
) -> Response:
    choices = [
        service.Preference(
            p.kind,
            p.label,
            form.get(f"{p.kind}.in_app") == "on",
            form.get(f"{p.kind}.mail") == "on",
            form.get(f"{p.kind}.digest") == "on",
        )
        for p in service.preferences(session, user)
    ]
    service.set_preferences(session, user, choices)
    flash(request, "通知接收方式已保存")
    return redirect("/notifications#preferences")
