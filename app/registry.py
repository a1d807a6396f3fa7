"""Imports every module that registers outbox handlers, periodic jobs, workflow subscribers,
notification kinds, permission rules (a domain's ``policy.py``) or search sources.

The web app, ``kechuang worker`` and ``kechuang reindex`` import this once, so a message
written by one process can be performed by any other, and every process knows the same
periodic jobs. A domain declares its periodic jobs in its ``tasks.py`` and its workflow
subscribers (notifications, reindexing) next to its rules; both are listed here, never
reached by accident through another import. tests/test_registry.py pins the set of jobs.
"""

import app.accounts.service
import app.accounts.tasks
import app.challenges.notices
import app.challenges.policy
import app.content.policy
import app.content.search
import app.content.service
import app.conversations.policy
import app.core.attachments
import app.core.mail
import app.events.notices
import app.events.policy
import app.events.service
import app.events.tasks
import app.funding.policy
import app.incentives.notices
import app.incentives.policy
import app.listings.notices
import app.listings.policy
import app.listings.search
import app.listings.tasks
import app.matching.notices
import app.matching.policy
import app.matching.subscriptions
import app.matching.tasks
import app.notifications.tasks
import app.orgs.policy
import app.orgs.search
import app.patents.policy
import app.patents.search
import app.projects.policy
import app.projects.service
import app.resources.notices
import app.resources.policy
import app.resources.search
import app.search.service
import app.search.tasks
import app.services.flow
import app.services.policy
import app.statistics.aggregates
import app.statistics.policy
import app.trading.notices
import app.trading.policy

__all__ = ["app"]
