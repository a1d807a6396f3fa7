"""Every domain's JSON routes, which the app includes under ``PREFIX``."""

from fastapi import Depends

from app.accounts.endpoints import router as accounts
from app.audit.endpoints import router as audit
from app.challenges.endpoints import mine_router as challenge_mine
from app.challenges.endpoints import router as challenges
from app.content.endpoints import router as content
from app.conversations.endpoints import router as conversations
from app.core.ratelimit import limit_api
from app.core.routing import SegmentRouter
from app.events.endpoints import router as events
from app.funding.endpoints import router as funding
from app.incentives.endpoints import router as incentives
from app.listings.endpoints import router as listings
from app.matching.endpoints import router as matching
from app.notifications.endpoints import router as notifications
from app.orgs.endpoints import router as orgs
from app.patents.endpoints import router as patents
from app.projects.endpoints import router as projects
from app.resources.endpoints import router as resources
from app.reviews.endpoints import router as reviews
from app.search.endpoints import router as search
from app.services.endpoints import router as services
from app.statistics.endpoints import router as statistics
from app.system.endpoints import router as system
from app.taxonomy.endpoints import router as taxonomy
from app.trading.endpoints import router as trading

PREFIX = "/api/v1"

# The prefix is given when the app includes this router, not here: FastAPI walks every route of
# a router of routers included without a prefix (analysing each route's dependencies once more).
# Knowing it, the router turns a page's path away without walking the API's routes.
router = SegmentRouter(dependencies=[Depends(limit_api)], mounted_at=PREFIX)
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
    funding,
    services,
    events,
    content,
    conversations,
    patents,
    projects,
    resources,
    reviews,
    statistics,
    notifications,
):
    router.include_router(domain_router)
