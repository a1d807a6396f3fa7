"""Mail delivery: at least once, and a resend after a cut-off attempt is never silent.

The log backend writes real messages to var/mail.log; the outbox drains them for real.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.core import mail, outbox
from app.core.db import session_scope, utcnow
from app.models import MailDelivery
from tests.file_db import FileDatabase, file_db, migrated_sqlite_file

__all__ = ["file_db", "migrated_sqlite_file"]

TO = "zhang.wei@example.cn"


def _entries(var_dir: Path, subject: str) -> list[str]:
    path = var_dir / "mail.log"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [e for e in text.split("=" * 72) if f"Subject: {subject}" in e]


def _header(entry: str, name: str) -> str | None:
    for line in entry.strip().splitlines():
        if line.startswith(f"{name}: "):
            return line.split(": ", 1)[1]
    return None


def _queue(session: Session, subject: str) -> None:
    mail.send_mail(session, to=TO, subject=subject, body="您的成果已发布。")
    session.commit()


def test_a_mail_is_sent_once_with_its_message_id_and_recorded(
    session: Session, session_factory: sessionmaker[Session], var_dir: Path
) -> None:
    _queue(session, "成果已发布（一次）")
    assert outbox.drain(session_factory, topics={mail.TOPIC}) == 1
    [entry] = _entries(var_dir, "成果已发布（一次）")
    message_id = _header(entry, "Message-ID")
    assert message_id and message_id.startswith("<") and _header(entry, mail.REPEAT_HEADER) is None
    delivery = session.scalars(
        select(MailDelivery).where(MailDelivery.message_id == message_id)
    ).one()
    session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.possible_duplicate) == ("sent", 1, False)


def test_a_resend_after_a_cut_off_attempt_carries_the_same_id_and_says_so(
    session: Session,
    session_factory: sessionmaker[Session],
    var_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subject = "成果已发布（中断）"
    _queue(session, subject)
    record_sent = mail._record_sent
    calls: list[int] = []

    def dies_after_the_first_send(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 1:  # the worker dies after the mail left, before its answer is kept
            raise RuntimeError("worker killed")
        record_sent(*args)

    monkeypatch.setattr(mail, "_record_sent", dies_after_the_first_send)
    assert outbox.drain(session_factory, topics={mail.TOPIC}) == 1
    delivery = session.scalars(select(MailDelivery)).one()
    session.refresh(delivery)
    assert delivery.state == "sending"  # sent, maybe: nobody knows

    # Later the worker finds the attempt without an answer and queues it again.
    assert mail.resend_unconfirmed(session, now=utcnow() + mail.UNCONFIRMED_AFTER * 2) == 1
    session.commit()
    assert outbox.drain(session_factory, topics={mail.TOPIC}) == 1

    first, second = _entries(var_dir, subject)
    assert _header(first, "Message-ID") == _header(second, "Message-ID") == delivery.message_id
    assert (
        _header(first, mail.ATTEMPT_HEADER) == "1" and _header(second, mail.ATTEMPT_HEADER) == "2"
    )
    assert _header(first, mail.REPEAT_HEADER) is None
    assert _header(second, mail.REPEAT_HEADER) == "yes"
    session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.possible_duplicate) == ("sent", 2, True)


def test_a_recent_attempt_is_not_resent(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    session.add(
        MailDelivery(
            message_id="<recent@kechuang.local>",
            recipient=TO,
            subject="s",
            payload={
                "to": TO,
                "subject": "s",
                "body": "b",
                "message_id": "<recent@kechuang.local>",
            },
            attempts=1,
            last_attempt_at=utcnow() - timedelta(seconds=30),
        )
    )
    session.flush()
    assert mail.resend_unconfirmed(session) == 0


def test_the_worker_on_a_sqlite_file_records_the_answer_after_sending(
    file_db: FileDatabase, var_dir: Path
) -> None:
    # Its own connections: the answer is recorded once the outbox transaction has let go of
    # SQLite's write lock.
    with session_scope(file_db.factory) as session:
        mail.send_mail(session, to=TO, subject="成果已发布（文件库）", body="您的成果已发布。")
    assert outbox.drain(file_db.factory, topics={mail.TOPIC}) == 1
    [entry] = _entries(var_dir, "成果已发布（文件库）")
    with file_db.factory() as session:
        delivery = session.scalars(select(MailDelivery)).one()
        assert delivery.message_id == _header(entry, "Message-ID")
        assert (delivery.state, delivery.attempts) == ("sent", 1)


def test_log_lines_mask_the_address(
    session: Session,
    session_factory: sessionmaker[Session],
    var_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("INFO", logger="app.core.mail"):
        _queue(session, "成果已发布（日志）")
        assert outbox.drain(session_factory, topics={mail.TOPIC}) == 1
    assert "mail to zh***@example.cn: 成果已发布（日志）" in caplog.text
    assert TO not in caplog.text
    [entry] = _entries(var_dir, "成果已发布（日志）")
    assert _header(entry, "To") == TO  # the mail itself still goes to the whole address


def test_masking_keeps_the_domain() -> None:
    assert mail.mask_email("a@example.cn") == "a***@example.cn"
    assert mail.mask_emails("550 <li.na@jlu.edu.cn> unknown") == "550 <li***@jlu.edu.cn> unknown"
