"""A unique key that refused a second insert is a race lost, not a server error.

Two requests that both checked "not there yet" and both inserted: the database keeps the
first and refuses the second. That second request gets 409 with a Chinese message, like any
other conflict, instead of a 500; domains that can say more catch the error themselves.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict

log = logging.getLogger(__name__)

RACE_MESSAGE = "该操作与另一项同时提交的操作冲突（内容刚被修改或已重复提交），请刷新页面后查看结果"


def lost_race(exc: IntegrityError, where: str) -> Conflict:
    """The 409 for a write the database refused; logged, since a domain check was beaten."""
    log.warning("constraint refused a write on %s: %s", where, exc.orig)
    return Conflict(RACE_MESSAGE)
