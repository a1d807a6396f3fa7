"""Every domain's HTML routes."""

from fastapi import APIRouter

from app.accounts.pages import router as accounts
from app.admin.pages import router as admin
from app.challenges.pages import router as challenges
from app.home.pages import router as home
from app.listings.import_pages import router as listing_transfer
from app.listings.pages import router as listings
from app.orgs.pages import router as orgs
from app.search.pages import router as search
from app.trading.pages import router as trading

router = APIRouter()
for domain_router in (
    home,
    search,
    accounts,
    orgs,
    listing_transfer,
    challenges,
    listings,
    trading,
    admin,
):
    router.include_router(domain_router)
