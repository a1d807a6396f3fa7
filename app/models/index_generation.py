from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class IndexGeneration(Base):
    """Per search document type, a number that grows each time the outbox brought documents
    of that type into the index (app.search.service.refresh). Rankings computed from the index
    are kept while the numbers of the types they read stay the same (app.matching.matcher)."""

    __tablename__ = "index_generation"

    doc_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
