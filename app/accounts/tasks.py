"""The accounts' periodic jobs (registered by app/registry.py)."""

from app.accounts import service
from app.core import outbox

outbox.every(86400, "accounts.purge_sessions_and_login_failures")(service.purge_stale)
