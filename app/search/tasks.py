"""The search domain's periodic jobs: recreate and rebuild an index that went missing, and
fill the vectors an engine's index still lacks (after a rebuild)."""

from app.core import outbox
from app.search import service

outbox.every(service.INDEX_CHECK_SECONDS, "search.index-check")(service.check_index)
outbox.every(service.FILL_SECONDS, "search.vectors.fill")(service.fill_vectors)
