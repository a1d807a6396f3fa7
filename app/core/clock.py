"""Times are stored in UTC and shown in the city's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.core.db import utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def today() -> date:
    """Today's date in the city's time zone."""
    return local(utcnow()).date()


def local_date(moment: datetime | None) -> str:
    """``2026-11-27`` in local time, or an empty string."""
    return local(moment).strftime("%Y-%m-%d") if moment else ""
