from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from app.core.clock import today
from app.core.deps import OptionalUser, SessionDep
from app.core.pages import page_router
from app.core.templating import STATIC_DIR, render
from app.home import service

router = page_router()


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The portal home: what is new, open calls, upcoming events and a few key figures.

    All of it comes from the cache while nothing changed (``app.home.service``).
    """
    front = service.front_page(session)
    return render(
        request,
        "home/index.html",
        {
            "figures": {"orgs": front.verified_orgs, "users": front.users},
            "listing_figures": front.listing_figures,
            "latest_listings": front.latest_listings,
            "by_type": front.by_type,
            "latest_orgs": front.latest_orgs,
            "featured_achievements": front.featured_achievements,
            "featured_demands": front.featured_demands,
            "open_challenges": front.open_challenges,
            "upcoming_events": front.upcoming_events,
            "news": front.news,
            "notices": front.notices,
            "open_calls": front.open_calls,
            "contract_year": front.contract_year,
            "today": today(),
        },
    )


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico on any response; answer with the site's icon."""
    return FileResponse(STATIC_DIR / "img" / "favicon.svg", media_type="image/svg+xml")


@router.get("/about")
def about(request: Request) -> Response:
    return render(request, "home/about.html")


@router.get("/help")
def help_page(request: Request) -> Response:
    return render(request, "home/help.html")


@router.get("/privacy")
def privacy(request: Request) -> Response:
    return render(request, "home/privacy.html")
