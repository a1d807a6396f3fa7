"""The signed-in person's listings and favourites, and the staff's review queue."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import ActorDep, CurrentUser, SessionDep, StaffUser
from app.core.pages import list_url, page_router
from app.core.pagination import Paged, PaginationDep
from app.listings import service
from app.listings.forms import publish_block
from app.listings.presentation import render_page
from app.models.enums import ListingKind, ListingStatus
from app.taxonomy import service as taxonomy

router = page_router()

STATUS_TABS = [("", "全部"), *ListingStatus.choices()]
KIND_TABS = [("", "全部类型"), *ListingKind.choices()]


@router.get("/me/listings")
def my_listings(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
    kind: str = "",
    status: str = "",
) -> Response:
    page = None
    if user.active_org_id is not None:
        page = service.mine(
            session,
            actor,
            pagination,
            kind=ListingKind.from_code(kind),
            status=ListingStatus.from_code(status),
        )
    return render_page(
        request,
        "listings/mine.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "status_tabs": STATUS_TABS,
            "kind_tabs": KIND_TABS,
            "tab_url": lambda **changes: list_url(
                "/me/listings", {"kind": kind, "status": status} | changes
            ),
            "base_url": list_url("/me/listings", {"kind": kind, "status": status}),
            "return_reasons": taxonomy.names(session, "return_reason"),
            "lifecycle": service.lifecycle,
            "blocked": publish_block(user),
        },
    )


@router.get("/me/favourites")
def my_favourites(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: ActorDep,
    pagination: PaginationDep,
) -> Response:
    paged = service.favourites(session, actor, pagination)
    items = service.views(session, paged.items, user)
    return render_page(
        request,
        "listings/favourites.html",
        {
            "page": Paged(items, paged.total, paged.page, paged.size),
            "base_url": "/me/favourites",
            "fav_ids": {x.id for x in items},
        },
    )


@router.get("/admin/listings")
def review_queue(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    actor: ActorDep,
    pagination: PaginationDep,
    kind: str = "",
) -> Response:
    page = service.review_queue(session, actor, pagination, ListingKind.from_code(kind))
    here = list_url("/admin/listings", {"kind": kind})
    return render_page(
        request,
        "listings/review_queue.html",
        {
            "page": page,
            "kind": kind,
            "kind_tabs": KIND_TABS,
            "base_url": here,
            "back": here
            if page.page == 1
            else f"{here}{'&' if '?' in here else '?'}page={page.page}",
            "return_reasons": taxonomy.choices(session, "return_reason"),
        },
    )
