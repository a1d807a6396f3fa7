"""Every domain's HTML routes."""

from fastapi import APIRouter

from app.accounts.pages import router as accounts
from app.admin.pages import router as admin
from app.challenges.pages import router as challenges
from app.events.pages import router as events
from app.home.api_docs import router as api_docs
from app.home.pages import router as home
from app.incentives.pages import router as incentives
from app.listings.import_pages import router as listing_transfer
from app.listings.pages import router as listings
from app.matching.pages import router as matching
from app.orgs.pages import router as orgs
from app.search.pages import router as search
from app.trading.pages import router as trading

router = APIRouter()
for domain_router in (
    home,
    api_docs,
    search,
    accounts,
    orgs,
    listing_transfer,
    challenges,
    listings,
    matching,
    trading,
    admin,
    incentives,
    events,
):
    router.include_router(domain_router)
