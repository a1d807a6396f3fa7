from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, IDMixin


class TaxonomyTerm(IDMixin, Base):
    """One entry of a managed list: technical fields, the city's industries, return reasons …"""

    __tablename__ = "taxonomy_term"
    __table_args__ = (UniqueConstraint("scheme", "code"),)

    scheme: Mapped[str] = mapped_column(String(30), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(60))
    parent_code: Mapped[str | None] = mapped_column(String(30))
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
