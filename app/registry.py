"""Imports every module that registers outbox handlers or search sources.

The web app, ``kechuang worker`` and ``kechuang reindex`` import this once, so a message
written by one process can be performed by any other.
"""

import app.accounts.service
import app.content.search
import app.content.service
import app.core.attachments
import app.core.mail
import app.events.service
import app.listings.search
import app.matching.subscriptions
import app.orgs.search
import app.patents.search
import app.search.service

__all__ = ["app"]
