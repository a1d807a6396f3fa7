"""Asking for a record to be (re)indexed: an outbox row in the caller's transaction.

The search domain (``app.search``) performs these messages; any domain whose records are
searchable calls ``index_later`` whenever it changes one, including when it stops being
public, so the index follows the database without ever being written to directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.core.outbox import enqueue, enqueue_many
from app.models import OutboxMessage

SEARCH_TOPIC = "search.index"


def index_later(session: Session, doc_type: str, doc_id: int | str) -> None:
    """Queue (re)indexing of one record; a repeat before the next flush is dropped."""
    payload = {"type": doc_type, "id": str(doc_id)}
    for pending in session.new:
        if isinstance(pending, OutboxMessage) and (pending.topic, pending.payload) == (
            SEARCH_TOPIC,
            payload,
        ):
            return
    enqueue(session, SEARCH_TOPIC, payload)


def index_many_later(session: Session, doc_type: str, doc_ids: Sequence[int | str]) -> None:
    """Queue (re)indexing of many records at once, each once (a bulk writer's ``index_later``)."""
    unique = dict.fromkeys(str(i) for i in doc_ids)
    enqueue_many(session, SEARCH_TOPIC, [{"type": doc_type, "id": i} for i in unique])
