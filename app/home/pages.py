from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from app.accounts import service as account_service
from app.core.clock import today
from app.core.deps import OptionalUser, SessionDep
from app.core.pages import page_router
from app.core.templating import STATIC_DIR, render
from app.events import service as event_service
from app.listings import service as listing_service
from app.models.enums import ListingKind
from app.orgs import service as org_service

router = page_router()


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The portal home: what is new, open calls, upcoming events and a few key figures."""
    figures = org_service.key_figures(session)
    published = listing_service.published_counts(session)
    latest = listing_service.latest_published(session)
    return render(
        request,
        "home/index.html",
        {
            "figures": {"orgs": figures["orgs_verified"], "users": account_service.count(session)},
            "listing_figures": [(kind, published.get(kind, 0)) for kind in ListingKind],
            "latest_listings": [
                listing_service.view(session, x, user, log_contact=False) for x in latest
            ],
            "featured_achievements": listing_service.latest_published(
                session, 3, ListingKind.ACHIEVEMENT
            ),
            "featured_demands": listing_service.latest_published(session, 3, ListingKind.DEMAND),
            "open_challenges": listing_service.open_challenges(session),
            "upcoming_events": event_service.upcoming(session),
            "latest_orgs": org_service.latest(session),
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
