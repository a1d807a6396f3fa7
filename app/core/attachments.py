"""The one attachment store: files checked by content, kept once under their SHA-256.

Any domain attaches files to its records with ``store`` and serves them with ``read``;
the rows say which record (``owner_type``, ``owner_id``) a file belongs to, the bytes live
under ``var/attachments`` (a path that a deployment can put on shared storage). Removing a row
deletes its bytes after commit, through the outbox, when no other row uses them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import filetype
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.core import audit, outbox
from app.core.audit import Actor
from app.core.config import get_settings
from app.core.errors import InvalidInput, NotFound
from app.models import Attachment


@dataclass(frozen=True)
class Category:
    label: str
    mime_types: dict[str, str]  # MIME type → extension shown in messages
    max_mb: int


CATEGORIES = {
    "image": Category("图片", {"image/png": "PNG", "image/jpeg": "JPG", "image/webp": "WEBP"}, 5),
    "document": Category(
        "附件",
        {
            "application/pdf": "PDF",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
            "image/png": "PNG",
            "image/jpeg": "JPG",
        },
        20,
    ),
}
MAX_PER_OWNER = 20
DELETE_FILE_TOPIC = "attachment.delete_file"


def root() -> Path:
    """The folder holding every stored file (backups copy it whole)."""
    return get_settings().var_dir / "attachments"


def _path(sha256: str) -> Path:
    return root() / sha256[:2] / sha256


def store(
    session: Session,
    actor: Actor,
    *,
    owner_type: str,
    owner_id: int,
    category: str,
    filename: str,
    data: bytes,
) -> Attachment:
    """Check the file by its content (not its name) and size, keep it, and record it."""
    kind = CATEGORIES.get(category)
    if kind is None:
        raise InvalidInput(errors={"category": "附件类别应为 image（图片）或 document（附件）"})
    limit = min(kind.max_mb, get_settings().max_upload_mb)
    if not data:
        raise InvalidInput(errors={"file": "文件是空的"})
    if len(data) > limit * 1024 * 1024:
        raise InvalidInput(
            errors={"file": f"{kind.label}不能超过 {limit} MB（当前 {len(data) / 1048576:.1f} MB）"}
        )
    guessed = filetype.guess(data)
    mime = guessed.mime if guessed else "unknown"
    if mime not in kind.mime_types:
        allowed = "、".join(dict.fromkeys(kind.mime_types.values()))
        raise InvalidInput(
            errors={"file": f"{kind.label}只接受 {allowed} 格式，“{filename}”的内容不是这些格式"}
        )
    count = len(list_for(session, owner_type, owner_id))
    if count >= MAX_PER_OWNER:
        raise InvalidInput(errors={"file": f"每条信息最多 {MAX_PER_OWNER} 个文件"})
    sha256 = hashlib.sha256(data).hexdigest()
    path = _path(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    row = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        category=category,
        filename=Path(filename).name[:200] or "file",
        content_type=mime,
        size=len(data),
        sha256=sha256,
        uploaded_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "attachment.add",
        row,
        summary=f"上传{kind.label}“{row.filename}”",
        after={"owner": f"{owner_type}#{owner_id}", "size": row.size, "type": mime},
    )
    return row


#: ``session.info`` key: the lists ``list_for`` read since the session last wrote, by owner.
_LISTED = "attachments_listed"


def list_for(session: Session, owner_type: str, owner_id: int) -> list[Attachment]:
    """The record's files, oldest first.

    A detail page asks twice (for the record's view, and for what the viewer may open); while
    the session neither writes nor ends a transaction or savepoint, the second answer is the
    first one's instead of another query.
    """
    key = (owner_type, owner_id)
    listed: dict[tuple[str, int], list[Attachment]] | None = session.info.get(_LISTED)
    if (
        listed is not None
        and key in listed
        and not (session.new or session.dirty or session.deleted)
    ):
        return list(listed[key])
    rows = list(
        session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)
        )
    )
    session.info.setdefault(_LISTED, {})[key] = rows
    return list(rows)


def _forget_listed(session: Session, *_args: object) -> None:
    session.info.pop(_LISTED, None)


event.listen(Session, "after_flush", _forget_listed)
event.listen(Session, "after_transaction_end", _forget_listed)


def list_for_owners(
    session: Session, owner_type: str, owner_ids: Sequence[int]
) -> dict[int, list[Attachment]]:
    """``list_for`` of many records at once (a list page), by owner id."""
    found: dict[int, list[Attachment]] = {owner_id: [] for owner_id in owner_ids}
    if owner_ids:
        for row in session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(owner_ids))
            .order_by(Attachment.id)
        ):
            found[row.owner_id].append(row)
    return found


def get(session: Session, owner_type: str, owner_id: int, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None or row.owner_type != owner_type or row.owner_id != owner_id:
        raise NotFound("文件不存在")
    return row


def read(row: Attachment) -> bytes:
    path = _path(row.sha256)
    if not path.exists():
        raise NotFound("文件已丢失，请联系管理员")
    return path.read_bytes()


def download(row: Attachment, data: bytes) -> Response:
    """The file as a download under its own name (private: it is someone's record)."""
    return Response(
        data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "Cache-Control": "private, max-age=3600",
        },
    )


def remove(session: Session, actor: Actor, row: Attachment) -> None:
    """Forget the attachment; the bytes stay while another row still uses them."""
    before = audit.snapshot(row, ["filename", "owner_type", "owner_id", "sha256"])
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "attachment.remove", row, summary=f"删除文件“{row.filename}”", before=before
    )
    # The bytes go only once the removal is committed: a refused or rolled-back request must
    # not leave a row whose file is gone. The worker looks again then, as a new upload of the
    # same content may have taken the file over in the meantime.
    outbox.enqueue(session, DELETE_FILE_TOPIC, {"sha256": row.sha256})


@outbox.handles(DELETE_FILE_TOPIC)
def _delete_unused_file(session: Session, payload: dict[str, str]) -> None:
    sha256 = payload["sha256"]
    still_used = session.scalar(select(Attachment.id).where(Attachment.sha256 == sha256).limit(1))
    if still_used is None:
        _path(sha256).unlink(missing_ok=True)
