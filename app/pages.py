"""Every domain's HTML routes, in the order the app includes them."""

from app.accounts.pages import router as accounts
from app.admin.pages import router as admin
from app.challenges.pages import router as challenges
from app.challenges.review_pages import router as challenge_reviews
from app.content import service as content_service
from app.content.pages import router as content
from app.conversations.pages import router as conversations
from app.events.pages import router as events
from app.home.api_docs import router as api_docs
from app.home.pages import router as home
from app.incentives.pages import router as incentives
from app.listings.desk_pages import router as listing_desks
from app.listings.import_pages import router as listing_transfer
from app.listings.pages import router as listings
from app.matching.pages import router as matching
from app.notifications.pages import router as notifications
from app.orgs.pages import router as orgs
from app.patents.pages import router as patents
from app.projects.call_pages import router as project_calls
from app.projects.pages import router as projects
from app.resources.pages import router as resources
from app.reviews.pages import router as reviews
from app.search.pages import router as search
from app.services.pages import router as services
from app.statistics.pages import router as statistics
from app.trading.pages import router as trading
from app.trading.verify_pages import router as contract_verify

# Included one by one rather than through one router of routers: FastAPI checks every route of
# an included router's own includes when that router is included, so a router of routers has
# each route's dependencies analysed once more when the app starts.
routers = (
    home,
    api_docs,
    search,
    content,
    accounts,
    orgs,
    listing_transfer,
    challenges,
    challenge_reviews,
    listings,
    listing_desks,
    matching,
    contract_verify,
    trading,
    patents,
    admin,
    incentives,
    project_calls,
    projects,
    services,
    reviews,
    events,
    conversations,
    statistics,
    resources,
    notifications,
)

_SECTIONS = "|".join(content_service.SECTIONS.values())
#: Pages every anonymous visitor sees alike, kept whole for them (``app.core.page_cache``).
PUBLIC_PAGES = (
    r"/",
    r"/(?:achievements|demands|challenges)(?:/\d+)?",
    rf"/(?:{_SECTIONS})(?:/\d+)?",
    r"/(?:about|help|privacy)",
)
