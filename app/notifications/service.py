"""The one notification path: an in-app message, a mail copy through the outbox, a digest.

``send`` renders a declared ``Kind`` and follows the person's preference for it: in the
notification centre, by mail at once, and/or in the daily digest mail. It runs in the caller's
transaction, so a change that is rolled back notifies nobody and its mail never leaves.
``notify`` is the lower level for messages that are not a declared kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.mail import send_mail
from app.core.notifications import unread_count as unread_count
from app.core.pagination import Paged, Pagination, paginate
from app.models import Notification, NotificationPreference, User
from app.notifications.kinds import KINDS, Kind


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    in_app: bool
    mail: bool
    digest: bool


def _mail(session: Session, user: User, title: str, body: str, link: str) -> None:
    settings = get_settings()
    url = f"{settings.base_url.rstrip('/')}{link}" if link else settings.base_url
    send_mail(
        session,
        to=user.email,
        subject=f"【{settings.site_name}】{title}",
        body=f"{user.name}，您好：\n\n{body}\n\n查看详情：{url}\n\n{settings.site_name}",
    )


def notify(
    session: Session,
    user: User,
    *,
    topic: str,
    title: str,
    body: str = "",
    link: str = "",
    mail: bool = True,
) -> Notification:
    """Tell ``user`` about something; the mail leaves only if the transaction commits."""
    note = Notification(user_id=user.id, topic=topic, title=title, body=body, link=link)
    session.add(note)
    if mail and user.is_active:
        _mail(session, user, title, body, link)
    return note


def send(
    session: Session, user: User, kind: Kind, *, link: str = "", mail: bool = True, **fields: Any
) -> Notification | None:
    """Tell ``user`` about a ``kind`` of event, as they chose to hear of it.

    ``mail=False`` holds the mail copy back this once (a lively conversation mails at most
    every half hour); the in-app message and the digest follow the preference as always."""
    title, body = kind.render(fields)
    pref = preference(session, user, kind)
    note = None
    if pref.in_app or pref.digest:
        note = Notification(
            user_id=user.id,
            topic=kind.name,
            title=title,
            body=body,
            link=link,
            shown=pref.in_app,
            digest_pending=pref.digest and user.is_active,
        )
        session.add(note)
    if mail and pref.mail and user.is_active:
        _mail(session, user, title, body, link)
    return note


def preference(session: Session, user: User, kind: Kind) -> Preference:
    row = session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind.name
        )
    )
    if row is None:
        return Preference(kind.name, kind.label, True, kind.mail, False)
    return Preference(kind.name, kind.label, row.in_app, row.mail, row.digest)


def preferences(session: Session, user: User) -> list[Preference]:
    """Every declared kind with the person's choice (or the default), by label."""
    rows = {
        p.kind: p
        for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    out = []
    for kind in sorted(KINDS.values(), key=lambda k: k.name):
        row = rows.get(kind.name)
        if row is None:
            out.append(Preference(kind.name, kind.label, True, kind.mail, False))
        else:
            out.append(Preference(kind.name, kind.label, row.in_app, row.mail, row.digest))
    return out


def set_preferences(session: Session, user: User, choices: list[Preference]) -> list[Preference]:
    """Store the person's choices; a kind not declared is refused with its name."""
    unknown = [c.kind for c in choices if c.kind not in KINDS]
    if unknown:
        raise InvalidInput(errors={"kind": f"没有这种通知：{'、'.join(unknown)}"})
    existing = {
        p.kind: p
        for p in session.scalars(
            select(NotificationPreference)
            .where(NotificationPreference.user_id == user.id)
            .with_for_update()
        )
    }
    for choice in choices:
        row = existing.get(choice.kind)
        if row is None:
            row = NotificationPreference(user_id=user.id, kind=choice.kind)
            session.add(row)
            existing[choice.kind] = row
        row.in_app, row.mail, row.digest = choice.in_app, choice.mail, choice.digest
    session.flush()
    return preferences(session, user)


def _visible(user: User) -> Any:
    return select(Notification).where(Notification.user_id == user.id, Notification.shown)


def recent(session: Session, user: User, limit: int = 50) -> list[Notification]:
    return list(session.scalars(_visible(user).order_by(Notification.id.desc()).limit(limit)))


def page(
    session: Session, user: User, pagination: Pagination, *, unread_only: bool = False
) -> Paged:
    stmt = _visible(user).order_by(Notification.id.desc())
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(session, stmt, pagination)


def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (again is harmless)."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id or not note.shown:
        raise NotFound("没有这条通知")
    if note.read_at is None:
        note.read_at = utcnow()
        session.flush()
    return note


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def send_digests(session: Session) -> int:
    """One mail per person with everything collected for the digest since the last; the count."""
    pending = list(
        session.scalars(
            select(Notification)
            .where(Notification.digest_pending)
            .order_by(Notification.user_id, Notification.id)
            .with_for_update()
        )
    )
    by_user: dict[int, list[Notification]] = {}
    for note in pending:
        by_user.setdefault(note.user_id, []).append(note)
    sent = 0
    for user_id, notes in by_user.items():
        user = session.get(User, user_id)
        for note in notes:
            note.digest_pending = False
        if user is None or not user.is_active:
            continue
        lines = [
            f"{i}. {n.title}" + (f"\n   {n.body}" if n.body else "") for i, n in enumerate(notes, 1)
        ]
        _mail(session, user, f"每日通知汇总（{len(notes)} 条）", "\n".join(lines), "/notifications")
        sent += 1
    session.flush()
    return sent
