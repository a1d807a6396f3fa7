"""Outgoing mail, always through the outbox so a rolled-back change sends nothing.

Development writes each message to ``var/mail.log`` (and the log); production uses SMTP.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.outbox import enqueue, handles

log = logging.getLogger(__name__)

TOPIC = "mail.send"


def send_mail(session: Session, *, to: str, subject: str, body: str) -> None:
    """Queue a plain-text mail; it leaves after the transaction commits."""
    enqueue(session, TOPIC, {"to": to, "subject": subject, "body": body})


@handles(TOPIC)
def deliver(_session: Session, payload: dict[str, Any]) -> None:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message.set_content(payload["body"])
    if settings.mail_backend == "smtp":
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
        return
    # Development: readable text, so the reset link can be copied straight from the file.
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with (settings.var_dir / "mail.log").open("a", encoding="utf-8") as fh:
        fh.write(
            f"Date: {utcnow().isoformat()}\nFrom: {settings.mail_from}\nTo: {payload['to']}\n"
            f"Subject: {payload['subject']}\n\n{payload['body']}\n{'=' * 72}\n"
        )
    log.info("mail to %s: %s", payload["to"], payload["subject"])
