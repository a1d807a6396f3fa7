"""Every domain's JSON routes, which the app includes under ``PREFIX``."""

from fastapi import APIRouter, Depends

from app.accounts.endpoints import router as accounts
from app.audit.endpoints import router as audit
from app.challenges.endpoints import mine_router as challenge_mine
from app.challenges.endpoints import router as challenges
from app.core.ratelimit import limit_api
from app.events.endpoints import router as events
from app.incentives.endpoints import router as incentives
from app.listings.endpoints import router as listings
from app.matching.endpoints import router as matching
from app.notifications.endpoints import router as notifications
from app.orgs.endpoints import router as orgs
from app.search.endpoints import router as search
from app.system.endpoints import router as system
from app.taxonomy.endpoints import router as taxonomy
from app.trading.endpoints import router as trading

PREFIX = "/api/v1"

# The prefix is given when the app includes this router, not here: FastAPI walks every route of
# a router of routers included without a prefix (analysing each route's dependencies once more).
router = APIRouter(dependencies=[Depends(limit_api)])
for domain_router in (
    system,
    search,
    accounts,
    orgs,
    challenges,
    challenge_mine,
    listings,
    matching,
    taxonomy,
    audit,
    trading,
    incentives,
    events,
    notifications,
):
    router.include_router(domain_router)
