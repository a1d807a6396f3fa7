from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from app.core.clock import today
from app.core.deps import OptionalUser, SessionDep
from app.core.pages import page_router
from app.core.templating import STATIC_DIR, render
from app.events import service as event_service
from app.home import service
from app.listings import service as listing_service
from app.models.enums import ListingKind

router = page_router()


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The portal home: what is new, open calls, upcoming events and a few key figures.

    The figures and latest entries come from the cache while nothing changed; open calls and
    upcoming events depend on the clock as well, so they are read each time.
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
            "featured_achievements": listing_service.latest_published(
                session, 3, ListingKind.ACHIEVEMENT
            ),
            "featured_demands": listing_service.latest_published(session, 3, ListingKind.DEMAND),
            "open_challenges": listing_service.open_challenges(session),
            "upcoming_events": event_service.upcoming(session),
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
