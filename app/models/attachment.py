from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, IDMixin, utcnow


class Attachment(IDMixin, Base):
    """A stored file (image or document) that belongs to some record.

    The bytes live in the attachment store under their SHA-256; ``owner_type``/``owner_id``
    name the record, so every domain uses the same table.
    """

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)

    owner_type: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
