from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from app.accounts import service as account_service
from app.core.deps import OptionalUser, SessionDep
from app.core.pages import page_router
from app.core.templating import STATIC_DIR, render
from app.listings import service as listing_service
from app.models.enums import ListingKind
from app.orgs import service as org_service

router = page_router()


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    figures = org_service.key_figures(session)
    published = listing_service.published_counts(session)
    latest = listing_service.latest_published(session)
    return render(
        request,
        "home/index.html",
        {
            "figures": {"orgs": figures["orgs_verified"], "users": account_service.count(session)},
            "listing_figures": [(kind, published.get(kind, 0)) for kind in ListingKind],
            # The cards show what everybody may read, whoever looks.
            "latest_listings": listing_service.views(session, latest, None),
            "by_type": org_service.verified_by_type(session),
            "latest_orgs": org_service.latest(session),
        },
    )


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico on any response; answer with the site's icon."""
    return FileResponse(STATIC_DIR / "img" / "favicon.svg", media_type="image/svg+xml")
