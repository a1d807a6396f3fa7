"""The search domain's periodic job: recreate and rebuild an index that went missing."""

from app.core import outbox
from app.search import service

outbox.every(service.INDEX_CHECK_SECONDS, "search.index-check")(service.check_index)
