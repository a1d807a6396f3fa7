"""Routers that turn a request away at once when none of their routes can serve its path.

FastAPI finds a request's route by asking each included router in turn, and each router walks
all its routes (once to choose, once more to handle). With the API's 165 routes included before
the pages, every page paid for a walk over all of them, and a page further down the list for
the page routers before it too: about half a millisecond of each request. A router made here
first looks at the path's first segment (``achievements`` in ``/achievements/12``): when no
route of the router begins with it, the answer is "no match" without walking anything. The
routes that do begin with it are walked as before, so the route chosen, a 405 for the wrong
method and the trailing-slash redirect stay exactly what they were.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

#: A router with a route whose first segment is a parameter (``/{slug}``) serves any path.
_ANY: frozenset[str] = frozenset()


def first_segment(path: str) -> str:
    """``achievements`` for ``/achievements/12``; ``""`` for ``/``."""
    return path[1:].partition("/")[0] if path.startswith("/") else path.partition("/")[0]


def served_segments(paths: list[str]) -> frozenset[str] | None:
    """The first segments of ``paths``, or None when one of them begins with a parameter."""
    segments = {first_segment(path) for path in paths}
    return None if any("{" in segment for segment in segments) else frozenset(segments)


class SegmentRouter(APIRouter):
    """An ``APIRouter`` that rejects paths whose first segment none of its routes starts with.

    ``mounted_at`` is the prefix the app includes it under (``/api/v1``), which its routes'
    own paths do not show. The segments are worked out at the first request and again after
    a route is added to this router.
    """

    def __init__(self, *args: Any, mounted_at: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mounted_at = mounted_at
        self._segments: frozenset[str] | None = None

    def _served(self) -> frozenset[str]:
        if self._segments is None:
            paths = [self.mounted_at + (c.path or "") for c in iter_route_contexts(self.routes)]
            self._segments = served_segments(paths) or _ANY
        return self._segments

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        served = self._served()
        if served is not _ANY and first_segment(get_route_path(scope)) not in served:
            return Match.NONE, {}
        return super().matches(scope)

    def add_api_route(self, *args: Any, **kwargs: Any) -> None:
        self._segments = None
        super().add_api_route(*args, **kwargs)

    def include_router(self, *args: Any, **kwargs: Any) -> None:
        self._segments = None
        super().include_router(*args, **kwargs)
