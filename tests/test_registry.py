"""Which periodic jobs run is declared (each domain's tasks.py, listed in app/registry.py)."""

from __future__ import annotations

import subprocess
import sys

from app.core import outbox

EXPECTED_JOBS = {
    "accounts.purge_sessions_and_login_failures": 86400,
    "content.publish_and_expire": 60,
    "events.expire_requests": 600,
    "listings.expire_and_remind": 3600,
    "mail.resend_unconfirmed": 300,
    "matching.subscriptions.collect": 3600,
    "matching.subscriptions.digest": 86400,
    "notifications.daily_digest": 86400,
    "search.index-check": 60,
    "search.vectors.fill": 10,
}


def test_the_app_runs_exactly_the_declared_periodic_jobs() -> None:
    import app.registry  # noqa: F401

    jobs = {job.name: job.every_seconds for job in outbox._periodic}
    assert {k: v for k, v in jobs.items() if not k.startswith("test")} == EXPECTED_JOBS


def test_a_worker_that_imports_only_the_registry_knows_every_job() -> None:
    # A fresh interpreter: no test module has imported a domain that would register jobs.
    code = (
        "import app.registry\n"
        "from app.core import outbox\n"
        "print(sorted(job.name for job in outbox._periodic))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == str(sorted(EXPECTED_JOBS))


def test_every_workflow_event_topic_has_a_handler() -> None:
    import app.registry  # noqa: F401
    from app.models.enums import ListingKind

    for kind in ListingKind:
        assert outbox.has_handler(f"{kind.value}.publish")
