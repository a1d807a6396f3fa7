"""Outgoing mail, always through the outbox so a rolled-back change sends nothing.

Development writes each message to ``var/mail.log`` (and the log); production uses SMTP.

Delivery is at least once, and never silently twice. Every mail carries a ``Message-ID``
fixed when it is queued. The outbox handler records the attempt (``MailDelivery``, state
``sending``) in the outbox message's transaction and sends only after that transaction has
committed, so the record exists before the mail leaves; the server's answer is recorded in a
short transaction of its own. An attempt cut off before its answer was recorded (the worker
died) stays ``sending``; ``resend_unconfirmed`` queues it again, and the resend carries the
same Message-ID plus a header and a log line saying it may be a duplicate.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import get_settings
from app.core.db import declare_write_intent, utcnow
from app.core.outbox import backoff, enqueue, every, handles
from app.models import MailDelivery

log = logging.getLogger(__name__)

TOPIC = "mail.send"
SENDING, SENT, FAILED = "sending", "sent", "failed"
#: An attempt without an answer for this long was cut off (SMTP itself times out at 30 s).
UNCONFIRMED_AFTER = timedelta(minutes=10)
REPEAT_HEADER = "X-Kechuang-Possible-Duplicate"
ATTEMPT_HEADER = "X-Kechuang-Attempt"
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_email(address: str) -> str:
    """An address as log lines show it: ``zh***@example.cn`` (whom, not who exactly)."""
    local, at, domain = address.partition("@")
    if not at:
        return "***"
    return f"{local[:2] if len(local) > 2 else local[:1]}***@{domain}"


def mask_emails(text: str) -> str:
    """``text`` (an SMTP server's answer, say) with every address in it masked."""
    return _ADDRESS.sub(lambda m: mask_email(m.group()), text)


def send_mail(session: Session, *, to: str, subject: str, body: str) -> None:
    """Queue a plain-text mail; it leaves after the transaction commits."""
    domain = urlsplit(get_settings().base_url).hostname or "kechuang.local"
    message_id = make_msgid("kechuang", domain=domain)
    enqueue(session, TOPIC, {"to": to, "subject": subject, "body": body, "message_id": message_id})


@handles(TOPIC)
def deliver(session: Session, payload: dict[str, Any]) -> None:
    """Record this attempt; the mail is sent once the record is committed."""
    message_id = payload.get("message_id") or make_msgid("kechuang")  # queued before ids
    delivery = session.scalars(
        select(MailDelivery).where(MailDelivery.message_id == message_id)
    ).one_or_none()
    if delivery is None:
        delivery = MailDelivery(
            message_id=message_id,
            recipient=payload["to"],
            subject=payload["subject"],
            payload={**payload, "message_id": message_id},
            attempts=0,
        )
        session.add(delivery)
    elif delivery.state == SENT:
        log.info("mail %s was sent already; not sent again", message_id)
        return
    repeat = delivery.attempts > 0 and delivery.state == SENDING
    delivery.attempts += 1
    delivery.state = SENDING
    delivery.last_attempt_at = utcnow()
    delivery.possible_duplicate = delivery.possible_duplicate or repeat
    session.flush()
    attempt = delivery.attempts
    factory = sessionmaker(
        bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )

    payload = delivery.payload
    due = [True]  # sent at most once, and only if this transaction commits

    def after_commit(committed: Session) -> None:
        # Releasing a savepoint (the outbox runs handlers in one) commits nothing yet.
        if due and not committed.in_nested_transaction():
            due.clear()
            _transmit(factory, payload, attempt=attempt, repeat=repeat)

    def after_rollback(_session: Session) -> None:
        due.clear()

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_rollback", after_rollback)


def _transmit(
    factory: sessionmaker[Session], payload: dict[str, Any], *, attempt: int, repeat: bool
) -> None:
    """Send, then record the answer; never raises (the outbox message is already done)."""
    message_id = payload["message_id"]
    if repeat:
        log.warning(
            "mail %s to %s: attempt %s repeats one cut off before its answer was recorded; "
            "the receiver may get it twice",
            message_id,
            mask_email(payload["to"]),
            attempt,
        )
    try:
        _send(payload, attempt=attempt, repeat=repeat)
    except Exception as exc:
        log.warning("mail %s attempt %s failed: %s", message_id, attempt, mask_emails(str(exc)))
        _record_failure(factory, message_id, attempt, f"{type(exc).__name__}: {exc}")
        return
    try:
        _record_sent(factory, message_id)
    except Exception:
        log.exception("mail %s was sent but could not be recorded as sent", message_id)


def _record_sent(factory: sessionmaker[Session], message_id: str) -> None:
    with factory() as session, session.begin():
        # Reading first and writing after would fail at once on SQLite when another writer
        # committed in between: take the write lock (and wait for it) up front.
        declare_write_intent(session)
        delivery = _by_id(session, message_id)
        delivery.state = SENT
        delivery.sent_at = utcnow()
        delivery.last_error = ""


def _record_failure(
    factory: sessionmaker[Session], message_id: str, attempt: int, error: str
) -> None:
    try:
        with factory() as session, session.begin():
            declare_write_intent(session)
            delivery = _by_id(session, message_id)
            delivery.state = FAILED
            delivery.last_error = error[:2000]
            if attempt < get_settings().outbox_max_attempts:
                enqueue(session, TOPIC, delivery.payload, delay=backoff(attempt))
            else:
                log.error("mail %s failed for good after %s attempts", message_id, attempt)
    except Exception:  # stays "sending": resend_unconfirmed queues it again
        log.exception("mail %s: the failed attempt could not be recorded", message_id)


def _by_id(session: Session, message_id: str) -> MailDelivery:
    return session.scalars(select(MailDelivery).where(MailDelivery.message_id == message_id)).one()


@every(300, "mail.resend_unconfirmed")
def _resend_unconfirmed_job(session: Session) -> None:
    resend_unconfirmed(session)


def resend_unconfirmed(session: Session, now: datetime | None = None) -> int:
    """Queue again every attempt cut off before its answer was recorded; returns how many."""
    cutoff = (now or utcnow()) - UNCONFIRMED_AFTER
    stale = session.scalars(
        select(MailDelivery).where(
            MailDelivery.state == SENDING, MailDelivery.last_attempt_at < cutoff
        )
    ).all()
    for delivery in stale:
        log.warning(
            "mail %s: no answer recorded for its last attempt; queued again", delivery.message_id
        )
        delivery.last_attempt_at = now or utcnow()
        enqueue(session, TOPIC, delivery.payload)
    return len(stale)


def _send(payload: dict[str, Any], *, attempt: int, repeat: bool) -> None:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Message-ID"] = payload["message_id"]
    message[ATTEMPT_HEADER] = str(attempt)
    if repeat:
        message[REPEAT_HEADER] = "yes"
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
    extra = f"{REPEAT_HEADER}: yes\n" if repeat else ""
    with (settings.var_dir / "mail.log").open("a", encoding="utf-8") as fh:
        fh.write(
            f"Date: {utcnow().isoformat()}\nFrom: {settings.mail_from}\nTo: {payload['to']}\n"
            f"Subject: {payload['subject']}\nMessage-ID: {payload['message_id']}\n"
            f"{ATTEMPT_HEADER}: {attempt}\n{extra}\n{payload['body']}\n{'=' * 72}\n"
        )
    log.info("mail to %s: %s", mask_email(payload["to"]), payload["subject"])
