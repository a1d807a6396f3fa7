"""Rebuilding the index while listings change, and an engine that comes back empty.

``kechuang reindex`` and ``kechuang worker`` are separate processes: each test opens one
backend object for the rebuild and another for the worker, on the same index (the embedded
file or the Elasticsearch alias), so nothing is shared between them but the engine.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

import app.registry  # noqa: F401  search sources and the index handler
from app.core import outbox
from app.core.audit import Actor
from app.core.db import utcnow
from app.core.indexing import index_later
from app.listings import service as listing_service
from app.models import Listing, Organization, User
from app.search import engine
from app.search import service as search_service
from search.base import SearchBackend
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend
from search.factory import create_backend
from tests.factories.listings import make_listing
from tests.search.conftest import ENGINES, _drop_engine_indices, _engine_url

Opener = Callable[[], SearchBackend]


@pytest.fixture(params=["embedded", *ENGINES])
def shared_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens another backend object on one index, as another process would."""
    opened: list[SearchBackend] = []
    if request.param == "embedded":
        path = tmp_path / "search.db"

        def open_backend() -> SearchBackend:
            backend = create_backend("embedded", path=path)
            opened.append(backend)
            return backend

        index = ""
    else:
        kind = request.param
        url = _engine_url(kind)
        index = f"kc-test-reindex-{uuid.uuid4().hex[:10]}"

        def open_backend() -> SearchBackend:
            backend = create_backend(kind, url=url, index=index)
            opened.append(backend)
            return backend

    yield open_backend
    engine.install(None)
    for backend in opened:
        backend.close()
    if index:
        _drop_engine_indices(request.param, index)


def _found(session: Session, text: str) -> set[int]:
    body = search_service.search(session, text, types=["achievement"], size=100)
    return {int(item.id) for item in body.items}


def _publish(session: Session, org: Organization, owner: User, count: int) -> list[Listing]:
    listings = [
        make_listing(session, org, owner, title=f"高功率光纤激光焊接头第{i}代")
        for i in range(count)
    ]
    for listing in listings:
        index_later(session, listing.kind.value, listing.id)
    session.commit()
    return listings


def test_listings_closed_during_a_rebuild_stay_out_of_search(
    session: Session,
    session_factory: sessionmaker[Session],
    org: Organization,
    org_admin: User,
    shared_index: Opener,
) -> None:
    rebuilding, worker = shared_index(), shared_index()
    rebuilding.ensure_ready()
    engine.install(worker)
    listings = _publish(session, org, org_admin, 7)
    outbox.drain(session_factory)
    assert _found(session, "激光焊接") == {listing.id for listing in listings}

    closed = listings[::2]
    calls: list[int] = []

    def meanwhile(batch: int) -> None:
        """Owners close listings after the rebuild read them, and the worker performs it."""
        if batch != len(listings) or calls:  # the achievements' batch, once
            return
        calls.append(batch)
        with session_factory() as other:
            for listing in closed:
                mine = listing_service.get(other, listing.id, org_admin)
                listing_service.close(other, Actor(user=org_admin), mine, "transferred")
            other.commit()
        assert outbox.drain(session_factory) >= len(closed)

    written = search_service.reindex(session, rebuilding, progress=meanwhile)
    assert calls == [len(listings)] and written >= len(listings) - len(closed)
    outbox.drain(session_factory)
    assert _found(session, "激光焊接") == {listing.id for listing in listings[1::2]}


def _lose_the_index(backend: SearchBackend) -> None:
    """What an engine restarted without its data, or an operator's ``rm``, leaves behind."""
    if isinstance(backend, EmbeddedBackend):
        Path(backend.path).unlink()
    else:
        assert isinstance(backend, ElasticsearchBackend)
        backend.drop()


@pytest.mark.parametrize("recreated_empty", [False, True], ids=["gone", "empty"])
def test_an_index_lost_under_a_running_worker_is_recreated_and_rebuilt(
    session: Session,
    session_factory: sessionmaker[Session],
    org: Organization,
    org_admin: User,
    shared_index: Opener,
    recreated_empty: bool,
) -> None:
    """Gone: nothing answers for the index. Empty: a process restarted meanwhile made a new one."""
    web, worker = shared_index(), shared_index()
    worker.ensure_ready()
    engine.install(worker)
    listings = _publish(session, org, org_admin, 3)
    outbox.drain(session_factory)
    engine.install(web)
    assert _found(session, "激光焊接") == {listing.id for listing in listings}

    _lose_the_index(worker)
    engine.install(worker)
    if recreated_empty:
        shared_index().ensure_ready()
        assert worker.health().documents == 0
    else:
        assert worker.health().missing
    # The worker's next rounds: its periodic check, then the rebuild it queued.
    due = max([utcnow(), *(j.next_at for j in outbox._periodic if j.next_at)])
    outbox.run_due_jobs(session_factory, now=due + timedelta(days=1))
    assert outbox.drain(session_factory) >= 1
    assert not worker.health().missing and worker.count() >= len(listings)

    engine.install(web)  # the web process finds the new index too
    assert _found(session, "激光焊接") == {listing.id for listing in listings}
    assert search_service.health(session)["status"] == "ok"


def test_an_empty_index_waiting_for_its_first_messages_is_not_rebuilt(
    session: Session, org: Organization, org_admin: User, shared_index: Opener
) -> None:
    """A fresh install: listings seeded, their index messages not yet performed."""
    backend = shared_index()
    backend.ensure_ready()
    engine.install(backend)
    _publish(session, org, org_admin, 2)
    assert backend.health().documents == 0
    assert search_service.check_index(session) is False
    assert not outbox.payloads_since(session, "search.rebuild", utcnow() - timedelta(hours=1))
