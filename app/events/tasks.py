"""The events' periodic jobs (registered by app/registry.py)."""

from app.core import outbox
from app.events import service

outbox.every(600, "events.expire_requests")(service.expire_all_overdue)
