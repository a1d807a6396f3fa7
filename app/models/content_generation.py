from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class ContentGeneration(Base):
    """One row whose number grows with every committed change pages may show (app.core.cache)."""

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
