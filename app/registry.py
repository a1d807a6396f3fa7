"""Imports every module that registers outbox handlers, periodic jobs, workflow subscribers
or search sources.

The web app, ``kechuang worker`` and ``kechuang reindex`` import this once, so a message
written by one process can be performed by any other, and every process knows the same
periodic jobs. A domain declares its periodic jobs in its ``tasks.py`` and its workflow
subscribers (notifications, reindexing) next to its rules; both are listed here, never
reached by accident through another import. tests/test_registry.py pins the set of jobs.
"""

import app.accounts.service
import app.accounts.tasks
import app.content.search
import app.content.service
import app.core.attachments
import app.core.mail
import app.events.service
import app.events.tasks
import app.listings.notices
import app.listings.search
import app.listings.tasks
import app.matching.subscriptions
import app.matching.tasks
import app.notifications.tasks
import app.orgs.search
import app.patents.search
import app.projects.service
import app.search.service
import app.search.tasks

__all__ = ["app"]
