"""Reading the catalogue: one's own listings, the review queue, versions, the home page's
figures and the browse lists (from the index, kept while nothing changed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core import cache, clock
from app.core.audit import Actor
from app.core.errors import (
    NotAuthenticated,
    PermissionDenied,
    ServiceUnavailable,
)
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize
from app.listings import disclosure, repository
from app.listings.schemas import (
    CONFIDENTIAL_SECTIONS,
    FIELDS_BY_KIND,
    ListingFields,
)
from app.models import (
    Listing,
    ListingVersion,
    User,
)
from app.models.enums import ListingKind, ListingStatus
from app.search import service as search_service

S = ListingStatus


def mine(
    session: Session,
    actor: Actor,
    pagination: Pagination,
    *,
    kind: ListingKind | None = None,
    status: ListingStatus | None = None,
) -> Paged:
    """Every listing of the actor's organisation, whatever its state."""
    user = actor.user
    if user is None:
        raise NotAuthenticated("请先登录后再进行此操作")
    if user.active_org_id is None:
        raise PermissionDenied("加入机构后才能查看本机构的发布")
    return paginate(
        session, repository.of_org(session, user.active_org_id, kind, status), pagination
    )


def review_queue(
    session: Session, actor: Actor, pagination: Pagination, kind: ListingKind | None = None
) -> Paged:
    authorize(actor.user, Action.ADMIN_ACCESS)
    assert actor.user is not None
    return paginate(session, repository.review_queue(actor.user, kind), pagination)


def versions(session: Session, actor: Actor, listing: Listing) -> list[ListingVersion]:
    authorize(actor.user, Action.LISTING_VIEW_UNPUBLISHED, listing)
    return repository.versions(session, listing.id)


def published_counts(session: Session) -> dict[ListingKind, int]:
    return repository.published_counts(session)


def latest_published(
    session: Session, limit: int = 6, kind: ListingKind | None = None
) -> list[Listing]:
    return list(session.scalars(repository.published(kind).limit(limit)))


def open_challenges(session: Session, limit: int = 4) -> list[Listing]:
    """Published 揭榜挂帅 calls still taking applications, nearest deadline first."""
    return list(repository.open_challenges(session, clock.today(), limit))


def by_ids(session: Session, ids: list[int]) -> list[Listing]:
    return repository.by_ids(session, ids)


def sections(kind: ListingKind) -> dict[str, str]:
    return CONFIDENTIAL_SECTIONS[kind]


def fields_schema(kind: ListingKind) -> type[ListingFields]:
    return FIELDS_BY_KIND[kind]


def browse(
    session: Session,
    viewer: User | None,
    kind: ListingKind,
    *,
    q: str = "",
    filters: dict[str, list[str]] | None = None,
    page: int = 1,
    size: int = 20,
    sort: str = "newest",
) -> dict[str, Any]:
    """Published listings of one kind, filtered and faceted through the search index.

    When the engine is down the list still answers from the database, newest first and
    without facets, so browsing never breaks with search. ``approximate`` says the total and
    the facet counts are the engine's estimates (a very common word in a large catalogue).
    """

    def found() -> dict[str, Any]:
        return _found(session, viewer, kind, q, filters or {}, page, size, sort)

    try:
        if viewer is not None:
            return found()
        # Everybody who is not signed in sees the same page of a list.
        wanted = tuple(sorted((name, tuple(values)) for name, values in (filters or {}).items()))
        return dict(cache.cached(session, ("browse", kind, q, wanted, page, size, sort), found))
    except ServiceUnavailable:
        paged = paginate(session, repository.published(kind), Pagination(page=page, size=size))
        return {
            "total": paged.total,
            "items": disclosure.views(session, paged.items, viewer),
            "facets": {},
            "page": page,
            "size": size,
            "degraded": True,
            "approximate": False,
        }


def _found(
    session: Session,
    viewer: User | None,
    kind: ListingKind,
    q: str,
    filters: dict[str, list[str]],
    page: int,
    size: int,
    sort: str,
) -> dict[str, Any]:
    result = search_service.search(
        session, q, types=[kind.value], filters=filters, page=page, size=size, sort=sort
    )
    by_id = {x.id: x for x in repository.by_ids(session, [int(item.id) for item in result.items])}
    items = disclosure.views(
        session, [by_id[int(item.id)] for item in result.items if int(item.id) in by_id], viewer
    )
    return {
        "total": result.total,
        "items": items,
        "facets": {k: v for k, v in result.facets.items() if k != "type"},
        "page": page,
        "size": size,
        "degraded": False,
        "approximate": result.approximate,
    }
