"""Optimistic concurrency for edited records: the version, If-Match/ETag, and the stale-edit 409.

An editable record carries a ``version`` that its edits bump. A client sends back the version it
saw (``If-Match: "3"`` or ``version`` in the body or form); the service locks the row, re-reads
it and refuses the edit when somebody saved in between, naming who and what changed. The row
lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write lock is taken at ``BEGIN``) makes
two saves of the same version queue up, so exactly one of them wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Response
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput
from app.models import AuditEvent

_TAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def parse_if_match(value: str | None) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"`` or ``3``); ``*`` or none: None."""
    if value is None or value.strip() in ("", "*"):
        return None
    match = _TAG.match(value.strip())
    if match is None:
        raise InvalidInput(errors={"If-Match": 'If-Match 应为记录的版本号（ETag），如 "3"'})
    return int(match.group(1))


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the client edited: from If-Match or the body's ``version``; both must agree."""
    header = parse_if_match(if_match)
    if header is not None and body_version is not None and header != body_version:
        raise InvalidInput(errors={"version": "If-Match 与请求中的 version 不一致"})
    return header if header is not None else body_version


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def lock(session: Session, obj: Any) -> None:
    """Re-read ``obj``'s columns under a row lock, so its version is the last one committed.

    Call it before reading anything the edit depends on: a concurrent save of the same row waits
    here until the first one commits and then sees its version.
    """
    names = [attr.key for attr in inspect(obj).mapper.column_attrs]
    session.refresh(obj, names, with_for_update=True)


@dataclass
class Changes:
    """Who changed a record since a version, and which fields (by their Chinese labels)."""

    editors: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def add(self, editor: str, names: Iterable[str], labels: Mapping[str, str]) -> None:
        if editor and editor not in self.editors:
            self.editors.append(editor)
        for name in names:
            label = labels.get(name)
            if label and label not in self.fields:
                self.fields.append(label)


BY_OTHERS = "已被他人修改"
#: For records only their owner edits (one's own profile): another window or device saved.
ELSEWHERE = "已在其他页面或设备上被修改"


def stale_message(
    subject: str, expected: int, current: int, changes: Changes, what: str = BY_OTHERS
) -> str:
    """E.g. 该信息已被他人修改（版本 3 → 4，修改人 张三，修改了：名称、简介），请刷新后再编辑."""
    parts = [f"版本 {expected} → {current}"]
    if changes.editors:
        parts.append(f"修改人 {'、'.join(changes.editors)}")
    if changes.fields:
        parts.append(f"修改了：{'、'.join(changes.fields)}")
    return f"{subject}{what}（{'，'.join(parts)}），请刷新后再编辑"


def stale(
    subject: str, expected: int, current: int, changes: Changes, what: str = BY_OTHERS
) -> Conflict:
    """The 409 for an edit of an outdated version; it carries the current version."""
    return Conflict(
        stale_message(subject, expected, current, changes, what),
        title="信息已被修改",
        current_version=current,
        changed_fields=changes.fields,
    )


def changes_in_audit(
    session: Session, obj: Any, since: int, labels: Mapping[str, str], *, limit: int = 50
) -> Changes:
    """What the audit log says changed on ``obj`` after version ``since``.

    Edits record the version they produced in the audit event's ``after`` snapshot; a field
    counts as changed when ``before`` lacks it or holds another value.
    """
    rows = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == obj.__tablename__,
            AuditEvent.object_id == str(obj.id),
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    changes = Changes()
    for event in reversed(rows):
        before, after = event.before or {}, event.after or {}
        version = after.get("version")
        if isinstance(version, int) and version > since:
            changed = [k for k in after if k not in before or before[k] != after[k]]
            changes.add(event.actor_label.split(" <")[0], changed, labels)
    return changes


def check(
    session: Session,
    obj: Any,
    expected: int | None,
    subject: str,
    labels: Mapping[str, str],
    *,
    what: str = BY_OTHERS,
) -> None:
    """Lock ``obj`` and refuse the edit when ``expected`` is not its current version.

    ``None`` (a client that sends no version) skips the comparison but still takes the lock.
    """
    lock(session, obj)
    if expected is not None and expected != obj.version:
        changes = changes_in_audit(session, obj, expected, labels)
        raise stale(subject, expected, obj.version, changes, what)
